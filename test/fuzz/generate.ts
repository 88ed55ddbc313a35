/**
 * The fuzzer's cases: deterministic from a seed. Seeds are the project's specs, Compose files and
 * rendered manifests; mutations are structured (a key deleted, a wrong type, a boundary number, a
 * hostile name or string) or textual (a line duplicated, the text cut, a byte flipped, CRLF and a
 * BOM, anchors, duplicate keys, tags, extra documents); and hand-written attacks (alias bombs, deep
 * nesting, thousands of services, fully connected graphs, long lines).
 */
import { parse, stringify } from "yaml";

/** What the CLI is asked to do with a case's input. */
export type CaseKind = "render" | "render-helm" | "import" | "lint";

/** One fuzz case: an input text and the command that reads it. */
export interface FuzzCase {
  readonly id: string;
  readonly kind: CaseKind;
  readonly text: string;
  /** How the case was made, for the report. */
  readonly how: string;
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same cases everywhere. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
}

/** Strings that have broken YAML writers, shells, Kubernetes expansion, templates and readers elsewhere. */
export const PAYLOADS: readonly string[] = [
  "quote \" and ' and \\",
  "$(MINIO_ROOT_PASSWORD)",
  "$$(ESCAPED)",
  "${HOME}",
  "`touch /tmp/pwned`",
  "$(touch /tmp/pwned)",
  "a; rm -rf /",
  "line\nbreak",
  "two\n\nbreaks\n",
  "---\nkind: Secret",
  "{{ .Values.x }}",
  '{{- fail "boom" }}',
  "a\u2028          command: [sh, -c, evil]",
  "b\u0085hostPID: true",
  "c\u2029x: 1",
  "nul\u0000byte",
  "\ufeffbom",
  "del\u007f c1\u0080",
  "yes",
  "no",
  "on",
  "0x10",
  "1:30",
  "1e3",
  "~",
  "null",
  "-",
  "- item",
  "key: value",
  "#comment",
  "&anchor",
  "*alias",
  "!!binary x",
  "%TAG",
  "@at",
  "   spaced   ",
  "",
  "ünïcödé ✓ 🚀",
  "x".repeat(300),
  "UPPER_Case",
  "has space",
  "-leading-dash",
  "trailing-dash-",
  "a/b",
  "a:b",
  "../../etc/passwd",
  "DROP TABLE users; --",
  "`b` WITH x; DROP KEYSPACE system_auth",
];

/** Names of entries: valid, boundary-long, invalid and hostile. */
export const NAMES: readonly string[] = [
  "api",
  "a",
  "a".repeat(50),
  "a".repeat(52),
  "a".repeat(53),
  "a".repeat(54),
  "a".repeat(55),
  "a".repeat(63),
  "a".repeat(64),
  "a".repeat(300),
  "9lives",
  "Upper",
  "under_score",
  "dot.ted",
  "-dash",
  "dash-",
  "ünï",
  "with space",
  "kafka",
  "default",
];

/** Numbers at the edges of what fields hold. */
export const NUMBERS: readonly number[] = [
  0, -1, 1, 2, 65535, 65536, 70000, 2147483647, 2147483648, 4294967296, 9007199254740991, 1e308, 0.5, -0.0,
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in a document. */
function paths(
  value: Json,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

function getAt(value: Json, path: readonly (string | number)[]): Json | undefined {
  let cur: Json | undefined = value;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = Array.isArray(cur) ? cur[p as number] : (cur as Record<string, Json>)[p as string];
  }
  return cur;
}

function setAt(value: Json, path: readonly (string | number)[], next: Json | undefined): void {
  const parent = getAt(value, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === null || typeof parent !== "object" || last === undefined) return;
  if (Array.isArray(parent)) {
    if (next === undefined) parent.splice(last as number, 1);
    else parent[last as number] = next;
  } else if (next === undefined) Reflect.deleteProperty(parent, last);
  else (parent as Record<string, Json>)[last] = next;
}

function renameKey(value: Json, path: readonly (string | number)[], name: string): void {
  const parent = getAt(value, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === null || typeof parent !== "object" || Array.isArray(parent) || typeof last !== "string")
    return;
  const entries = Object.entries(parent).map(([k, v]) => [k === last ? name : k, v] as const);
  for (const k of Object.keys(parent)) Reflect.deleteProperty(parent, k);
  for (const [k, v] of entries) (parent as Record<string, Json>)[k] = v;
}

/** One structured mutation of parsed data; returns what it did. */
function mutateData(r: Random, data: Json): string {
  const all = paths(data).filter((p) => p.length > 0);
  if (all.length === 0) return "none";
  const path = r.pick(all);
  const where = path.join(".");
  switch (r.int(8)) {
    case 0:
      setAt(data, path, undefined);
      return `delete ${where}`;
    case 1: {
      const v = r.pick<Json>([42, "text", true, null, [], {}, [1, "x"], { a: 1 }]);
      setAt(data, path, v);
      return `type ${where}`;
    }
    case 2: {
      const n = r.pick(NUMBERS);
      setAt(data, path, n);
      return `number ${where}=${n}`;
    }
    case 3: {
      const s = r.pick(PAYLOADS);
      setAt(data, path, s);
      return `payload ${where}`;
    }
    case 4: {
      const name = r.pick(NAMES);
      renameKey(data, path, name);
      return `rename ${where}->${name.slice(0, 20)}`;
    }
    case 5: {
      const v = getAt(data, path);
      if (typeof v === "string") setAt(data, path, `${v}${r.pick(PAYLOADS)}`);
      return `append ${where}`;
    }
    case 6: {
      const parent = getAt(data, path.slice(0, -1));
      if (parent !== null && typeof parent === "object" && !Array.isArray(parent))
        (parent as Record<string, Json>)[r.pick(["junk", "replicaz", "image ", "uses"])] = r.pick<Json>([
          1,
          "x",
          [],
        ]);
      return `unknown key at ${path.slice(0, -1).join(".")}`;
    }
    default: {
      const v = getAt(data, path);
      if (Array.isArray(v) && v.length > 0) v.push(structuredClone(v[0] as Json));
      return `duplicate item ${where}`;
    }
  }
}

/** One text-level mutation. */
function mutateText(r: Random, text: string): { text: string; how: string } {
  const lines = text.split("\n");
  const i = r.int(lines.length);
  switch (r.int(9)) {
    case 0:
      lines.splice(i, 0, lines[i] ?? "");
      return { text: lines.join("\n"), how: `duplicate line ${i + 1}` };
    case 1:
      return { text: text.slice(0, r.int(text.length)), how: "truncate" };
    case 2: {
      const at = r.int(text.length);
      const c = String.fromCharCode(r.int(256));
      return { text: text.slice(0, at) + c + text.slice(at + 1), how: `byte at ${at}` };
    }
    case 3:
      lines[i] = `\t${lines[i] ?? ""}`;
      return { text: lines.join("\n"), how: `tab on line ${i + 1}` };
    case 4:
      return { text: `\ufeff${text.replace(/\n/g, "\r\n")}`, how: "CRLF and BOM" };
    case 5:
      return {
        text: `x-base: &base { a: 1 }\n${text}\nx-more:\n  <<: *base\n  b: 2\n`,
        how: "anchors and merge keys",
      };
    case 6:
      lines.splice(i, 0, lines[i] ?? "", lines[i] ?? "");
      return { text: lines.join("\n"), how: `duplicate keys at line ${i + 1}` };
    case 7:
      lines[i] = (lines[i] ?? "").replace(/: (.+)$/, ": !!binary $1");
      return { text: lines.join("\n"), how: `tag on line ${i + 1}` };
    default:
      return { text: `${text}\n---\n${text}`, how: "two documents" };
  }
}

/** The hand-written attacks, at the size asked for (`scale` 1 for the suite, larger before releases). */
export function attacks(scale: number): FuzzCase[] {
  const laughs = [
    "app: a",
    "x:",
    '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...["b", "c", "d", "e", "f", "g", "h", "i"].map(
      (k, i) => `  ${k}: &${k} [${Array.from({ length: 9 }, () => `*${"abcdefghi"[i] ?? "a"}`).join(",")}]`,
    ),
  ].join("\n");
  const services = (n: number, usesAll: boolean): string => {
    const names = Array.from({ length: n }, (_, i) => `s${i}`);
    return `app: big\nservices:\n${names
      .map(
        (s) =>
          `  ${s}:\n    image: a/b:1.0.0\n    port: 8080${usesAll ? `\n    uses: [${names.filter((x) => x !== s).join(", ")}]` : ""}`,
      )
      .join("\n")}\n`;
  };
  const deep = (n: number): string => `app: a\nx: ${"{a: ".repeat(n)}1${"}".repeat(n)}\n`;
  const envs = (n: number): string =>
    `app: a\nservices:\n  api: { image: a/b:1.0.0, port: 80 }\nenvironments:\n${Array.from({ length: n }, (_, i) => `  e${i}: { defaults: { replicas: ${i % 5} } }`).join("\n")}\n`;
  const containers = (n: number): string =>
    `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[${Array.from({ length: n }, (_, i) => `{"name":"c${i}","image":"x:latest"}`).join(",")}]}}`;
  const deployments = (n: number): string =>
    Array.from(
      { length: n },
      (_, i) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${i}\nspec:\n  selector: {matchLabels: {app: d${i}}}\n  template:\n    metadata: {labels: {app: d${i}}}\n    spec:\n      containers:\n        - name: c\n          image: x:latest\n`,
    ).join("---\n");
  return [
    { id: "attack-laughs-render", kind: "render", text: laughs, how: "billion laughs" },
    {
      id: "attack-laughs-lint",
      kind: "lint",
      text: laughs.replace("app: a", "kind: ConfigMap\napiVersion: v1"),
      how: "billion laughs",
    },
    { id: "attack-recursive-alias", kind: "render", text: "app: &a\n  x: *a\n", how: "recursive alias" },
    { id: "attack-deep", kind: "render", text: deep(2000), how: "2000-level nesting" },
    {
      id: "attack-deep-lint",
      kind: "lint",
      text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: ${"{a: ".repeat(2000)}1${"}".repeat(2000)}\n`,
      how: "2000-level nesting",
    },
    {
      id: "attack-many-services",
      kind: "render",
      text: services(300 * scale, false),
      how: `${300 * scale} services`,
    },
    {
      id: "attack-connected",
      kind: "render",
      text: services(60 * scale, true),
      how: `${60 * scale} fully connected services`,
    },
    {
      id: "attack-environments",
      kind: "render",
      text: envs(300 * scale),
      how: `${300 * scale} environments`,
    },
    { id: "attack-empty-docs", kind: "lint", text: "---\n".repeat(3000 * scale), how: "empty documents" },
    {
      id: "attack-long-line",
      kind: "lint",
      text: containers(500 * scale),
      how: "one line with many containers",
    },
    {
      id: "attack-deployments",
      kind: "lint",
      text: deployments(200 * scale),
      how: "Deployments in one file",
    },
    {
      id: "attack-unknown-key-big",
      kind: "render",
      text: `${services(2000 * scale, false)}junk: 1\n`,
      how: "a large spec with one unknown key",
    },
    {
      id: "attack-no-type",
      kind: "render",
      text: "app: a\nbacking:\n  db: { storage: 1Gi }\n",
      how: "a backing without type",
    },
    { id: "attack-empty", kind: "render", text: "", how: "empty" },
    { id: "attack-not-yaml", kind: "render", text: "\u0000\u0001\u0002", how: "binary" },
  ];
}

/** `count` cases from the seeds, a mix of kinds, deterministic for `seed`. */
export function fuzzCases(
  seeds: { specs: readonly string[]; composes: readonly string[]; manifests: readonly string[] },
  seed: number,
  count: number,
): FuzzCase[] {
  const r = new Random(seed);
  const out: FuzzCase[] = [];
  for (let n = 0; n < count; n++) {
    const roll = r.int(10);
    const kind: CaseKind = roll < 5 ? "render" : roll < 6 ? "render-helm" : roll < 8 ? "import" : "lint";
    const source = kind === "import" ? seeds.composes : kind === "lint" ? seeds.manifests : seeds.specs;
    const base = r.pick(source);
    let text = base;
    const hows: string[] = [];
    const rounds = 1 + r.int(3);
    for (let m = 0; m < rounds; m++) {
      if (r.int(4) === 0) {
        const t = mutateText(r, text);
        text = t.text;
        hows.push(t.how);
      } else {
        let data: Json;
        try {
          data = parse(text, { uniqueKeys: false, logLevel: "silent" }) as Json;
        } catch {
          continue;
        }
        if (data === null || typeof data !== "object") continue;
        hows.push(mutateData(r, data));
        text = stringify(data, { lineWidth: 0 });
      }
    }
    out.push({ id: `${kind}-${seed}-${n}`, kind, text, how: hows.join("; ") || "unchanged" });
  }
  return out;
}

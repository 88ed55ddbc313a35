/**
 * Structured mutations of valid Kubernetes objects for the differential test against the API
 * server: field deletions, wrong values, boundary lengths and numbers, invalid names and keys,
 * broken references. Seeded: the same seed gives the same mutants.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state * 1103515245 + 12345) & 0x7fffffff;
    return this.state / 0x7fffffff;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
}

/** One mutant: the object and what was done to it. */
export interface Mutant {
  readonly object: Record<string, Json>;
  readonly how: string;
}

const BAD_STRINGS = [
  "",
  "Bad_Name",
  "UPPER",
  "-lead",
  "trail-",
  "a.b",
  "with space",
  "a/b",
  "x".repeat(64),
  "y".repeat(254),
  "%",
  "..",
  "ok-value",
];
const BAD_NUMBERS = [0, -1, 1, 65535, 65536, 70000, 2147483648, 1.5];
// Keys added to maps: invalid ones, and valid ones named like fields (`protocol` in labels or a
// ConfigMap's data is the user's key, no enum: lint once refused `protocol: v` there).
const BAD_KEYS = [
  "bad key",
  "-x",
  "a/b/c",
  "example.com/",
  "/x",
  "k".repeat(64),
  "ok.example.com/x",
  "UP/x",
  "protocol",
  "type",
  "operator",
];

function leaves(v: Json, path: (string | number)[], out: (string | number)[][]): void {
  out.push(path);
  if (Array.isArray(v))
    v.forEach((x, i) => {
      leaves(x, [...path, i], out);
    });
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) leaves(x, [...path, k], out);
}

function parentOf(o: Json, path: readonly (string | number)[]): Json | undefined {
  let cur: Json | undefined = o;
  for (const p of path.slice(0, -1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, Json>)[p as string];
  }
  return cur;
}

/** Paths not to mutate: identity and the namespace (the test places each object itself). */
function mutable(path: readonly (string | number)[]): boolean {
  const s = path.join(".");
  return (
    path.length > 0 &&
    !["apiVersion", "kind", "metadata", "metadata.namespace"].includes(s) &&
    !s.startsWith("metadata.managedFields")
  );
}

/** `count` mutants of the objects, each with one mutation. */
export function mutants(objects: readonly Record<string, Json>[], seed: number, count: number): Mutant[] {
  const r = new Random(seed);
  const out: Mutant[] = [];
  for (let n = 0; out.length < count && n < count * 20; n++) {
    const base = r.pick(objects);
    const object = structuredClone(base);
    const all: (string | number)[][] = [];
    leaves(object, [], all);
    const paths = all.filter(mutable);
    const path = r.pick(paths);
    const parent = parentOf(object, path);
    const key = path[path.length - 1] as string | number;
    if (parent === undefined || parent === null || typeof parent !== "object") continue;
    const at = path.join(".");
    const value = (parent as Record<string | number, Json>)[key];
    const set = (v: Json): void => {
      (parent as Record<string | number, Json>)[key] = v;
    };
    switch (r.int(6)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else Reflect.deleteProperty(parent, key);
        out.push({ object, how: `delete ${at}` });
        break;
      case 1:
        if (typeof value === "string" || value === null) {
          const s = r.pick(BAD_STRINGS);
          set(s);
          out.push({
            object,
            how: `${at} = ${JSON.stringify(s.length > 20 ? `${s.slice(0, 8)}…(${s.length})` : s)}`,
          });
        } else if (typeof value === "number") {
          const v = r.pick(BAD_NUMBERS);
          set(v);
          out.push({ object, how: `${at} = ${v}` });
        }
        break;
      case 2:
        if (typeof value === "number") {
          const v = r.pick(BAD_NUMBERS);
          set(v);
          out.push({ object, how: `${at} = ${v}` });
        } else if (typeof value === "string" && /^\d+(m|Mi|Gi|Ki)?$/.test(value)) {
          const v = r.pick(["0", "-1", "1e3", "abc", "1.5.5", "999Gi", "1m"]);
          set(v);
          out.push({ object, how: `${at} = ${JSON.stringify(v)}` });
        }
        break;
      case 3:
        if (value !== null && typeof value === "object" && !Array.isArray(value)) {
          const k = r.pick(BAD_KEYS);
          (value as Record<string, Json>)[k] = r.pick(["v", "x".repeat(64), "", "Bad Value"]);
          out.push({ object, how: `${at}[${JSON.stringify(k.slice(0, 20))}] added` });
        }
        break;
      case 4:
        if (Array.isArray(value) && value.length > 0) {
          value.push(structuredClone(value[0] as Json));
          out.push({ object, how: `duplicate ${at}[0]` });
        }
        break;
      default:
        if (typeof value === "string") {
          const s = `${value}${r.pick(["-", "_x", ".", "X", "/x", "%"])}`;
          set(s);
          out.push({ object, how: `${at} = …${JSON.stringify(s.slice(-12))}` });
        } else if (typeof value === "boolean") {
          set(!value);
          out.push({ object, how: `${at} = ${String(!value)}` });
        }
    }
  }
  return out;
}

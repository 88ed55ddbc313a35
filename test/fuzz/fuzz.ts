/**
 * Runs fuzz cases through the CLI in a worker process (restarted after a crash, killed past a
 * watchdog) and judges each by the oracles:
 *   - the exit code is a documented one (render and import: 0 or 2; lint: 0, 1 or 2);
 *   - no "internal error", no "please report", no stack trace;
 *   - bounded time (the watchdog) and memory;
 *   - what render writes reads back as the same objects in JavaScript's readers (YAML 1.2 and 1.1)
 *     and in kubectl's Go reader, holds no Secret, and lints clean (a credential render warned
 *     about excepted); the Helm chart renders with the real helm into the same objects;
 *   - what import writes renders, lints clean, and holds no credential value of the Compose file.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseAllDocuments } from "yaml";
import { credentialLeak } from "../../src/spec/credentials.js";
import { readLikeKubectl } from "../helpers/go-yaml.js";
import { ROOT } from "../helpers/render.js";
import { HELM } from "../helpers/tools.js";
import type { FuzzCase } from "./generate.js";

interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

interface CaseResult extends CliResult {
  readonly id: string;
  readonly ms: number;
  readonly maxRssMb: number;
  readonly lint?: CliResult;
  readonly rendered?: CliResult;
  readonly chart?: string;
  readonly plain?: string;
}

/** A case an oracle refused. */
export interface FuzzFailure {
  readonly id: string;
  readonly how: string;
  readonly oracle: string;
  readonly detail: string;
}

/** What a run tried and found. */
export interface FuzzReport {
  readonly cases: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly exitCodes: Readonly<Record<string, number>>;
  readonly failures: readonly FuzzFailure[];
  readonly slowestMs: number;
  readonly maxRssMb: number;
  readonly seconds: number;
}

/** Limits of one run. */
export interface FuzzLimits {
  /** A case that runs longer than this is a hang. */
  readonly watchdogMs: number;
  /** The worker's resident memory must stay below this. */
  readonly maxRssMb: number;
}

class Worker {
  private child: ChildProcessWithoutNullStreams;
  private pending: ((line: string | undefined) => void) | undefined;

  constructor(private readonly dir: string) {
    this.child = this.start();
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(process.execPath, ["--max-old-space-size=1536", join(ROOT, "test/fuzz/child.mjs")], {
      env: { ...process.env, KUBESHIP_FUZZ_DIR: this.dir, KUBESHIP_LINT_WORKERS: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      const p = this.pending;
      this.pending = undefined;
      p?.(line);
    });
    child.stderr.resume();
    child.on("exit", () => {
      const p = this.pending;
      this.pending = undefined;
      p?.(undefined);
    });
    return child;
  }

  /** Runs a case: its result line, or a hang past the watchdog, or a crash when the worker died. */
  async run(c: FuzzCase, watchdogMs: number): Promise<{ line: string } | "hang" | "crash"> {
    const answer = new Promise<{ line: string } | "crash">((resolve) => {
      this.pending = (line) => {
        resolve(line === undefined ? "crash" : { line });
      };
    });
    this.child.stdin.write(`${JSON.stringify({ id: c.id, kind: c.kind, text: c.text })}\n`);
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<"hang">((resolve) => {
      timer = setTimeout(() => {
        resolve("hang");
      }, watchdogMs);
    });
    const r = await Promise.race([answer, watchdog]);
    clearTimeout(timer);
    if (r === "hang" || r === "crash") {
      this.pending = undefined;
      this.child.kill("SIGKILL");
      this.child = this.start();
    }
    return r;
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

const INTERNAL = /internal error|please report|^\s+at .+\(.+:\d+:\d+\)$/im;
const ALLOWED_CODES: Readonly<Record<string, readonly number[]>> = {
  render: [0, 2],
  "render-helm": [0, 2],
  import: [0, 2],
  lint: [0, 1, 2],
};

function objectsOf(stream: string): unknown[] {
  return parseAllDocuments(stream)
    .map((d) => d.toJS() as unknown)
    .filter((o) => o !== null && o !== undefined);
}

/** Lint findings that render itself warned about (a credential written into env or config). */
function unexpectedLintErrors(lint: CliResult | undefined, renderWarnings: string): string[] {
  if (lint === undefined) return [];
  if (lint.code === 2) return [`lint refused the output: ${lint.err.slice(0, 300)}`];
  const report = JSON.parse(lint.out) as { findings: { rule: string; severity: string; message: string }[] };
  const warnedCredential = renderWarnings.includes("spec/plain-credential");
  return report.findings
    .filter((f) => f.severity === "error")
    .filter((f) => !(warnedCredential && (f.rule === "env-secret-value" || f.rule === "configmap-secret")))
    .map((f) => `${f.rule}: ${f.message}`);
}

/** Runs the cases and judges every one. */
export async function runFuzz(cases: readonly FuzzCase[], limits: FuzzLimits): Promise<FuzzReport> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "kubeship-fuzz-"));
  const worker = new Worker(dir);
  const failures: FuzzFailure[] = [];
  const byKind: Record<string, number> = {};
  const exitCodes: Record<string, number> = {};
  const fail = (c: FuzzCase, oracle: string, detail: string): void => {
    failures.push({ id: c.id, how: c.how, oracle, detail: detail.slice(0, 400) });
  };
  // Rendered streams, read by kubectl's reader in one batch at the end.
  const rendered: { c: FuzzCase; stream: string }[] = [];
  const charts: { c: FuzzCase; chart: string; plain: string }[] = [];
  let slowestMs = 0;
  let maxRssMb = 0;
  try {
    for (const c of cases) {
      byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
      const line = await worker.run(c, limits.watchdogMs);
      if (line === "hang") {
        fail(c, "bounded time", `no answer within ${limits.watchdogMs} ms`);
        continue;
      }
      if (line === "crash") {
        fail(c, "no crash", "the worker process died (out of memory or a fatal error)");
        continue;
      }
      const r = JSON.parse(line.line) as CaseResult;
      slowestMs = Math.max(slowestMs, r.ms);
      maxRssMb = Math.max(maxRssMb, r.maxRssMb);
      exitCodes[`${c.kind} ${r.code}`] = (exitCodes[`${c.kind} ${r.code}`] ?? 0) + 1;
      if (!(ALLOWED_CODES[c.kind] ?? []).includes(r.code))
        fail(c, "documented exit code", `exit ${r.code}: ${r.err}`);
      for (const part of [r, r.rendered, r.lint])
        if (part !== undefined && INTERNAL.test(`${part.out}\n${part.err}`))
          fail(c, "no internal error", part.err.slice(0, 400));
      if (r.maxRssMb > limits.maxRssMb) fail(c, "bounded memory", `${r.maxRssMb} MB`);
      if (c.kind === "render" && r.code === 0) {
        rendered.push({ c, stream: r.out });
        for (const e of unexpectedLintErrors(r.lint, r.err)) fail(c, "own lint clean", e);
      }
      if (c.kind === "render-helm" && r.code === 0 && r.chart !== undefined && r.plain !== undefined)
        charts.push({ c, chart: r.chart, plain: r.plain });
      if (c.kind === "import" && r.code === 0) {
        for (const m of c.text.matchAll(
          /^\s*-?\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*[:=]\s*"?([^"\n]+?)"?\s*$/gm,
        )) {
          const [, name = "", value = ""] = m;
          const asToken = new RegExp(
            `(^|[^A-Za-z0-9_])${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^A-Za-z0-9_]|$)`,
          );
          const data = r.out.replace(/^#.*$/gm, "");
          if (credentialLeak(name, value) !== undefined && value.length >= 4 && asToken.test(data))
            fail(c, "no secret copied", `${name}'s value is in the imported spec`);
        }
        if (r.rendered?.code !== 0)
          fail(
            c,
            "import renders",
            `the imported spec does not render: ${r.rendered?.err.slice(0, 300) ?? ""}`,
          );
        else {
          rendered.push({ c, stream: r.rendered.out });
          for (const e of unexpectedLintErrors(r.lint, r.rendered.err)) fail(c, "own lint clean", e);
        }
      }
    }
  } finally {
    worker.stop();
  }
  // What render wrote reads back the same in kubectl's Go reader, and holds no Secret.
  const go = readLikeKubectl(rendered.map((x) => x.stream));
  rendered.forEach(({ c, stream }, i) => {
    const js = objectsOf(stream);
    const g = go[i];
    if (g === undefined || "error" in g) fail(c, "Go reads it", g === undefined ? "no answer" : g.error);
    else if (canonical(g.docs) !== canonical(js))
      fail(c, "same data in Go and JavaScript", firstDifference(g.docs, js));
    if (js.some((o) => (o as { kind?: string }).kind === "Secret"))
      fail(c, "no Secret in output", "a Secret was rendered");
  });
  // The Helm chart: the real helm renders the same objects as the plain render.
  for (const { c, chart, plain } of charts) {
    let out: string;
    try {
      out = execFileSync(HELM, ["template", "fuzz", chart, "--namespace", namespaceOf(plain)], {
        encoding: "utf8",
        maxBuffer: 1 << 28,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      fail(c, "helm renders the chart", (e as { stderr?: string }).stderr ?? String(e));
      continue;
    }
    const [fromHelm, fromPlain] = readLikeKubectl([out, plain]);
    if (fromHelm === undefined || "error" in fromHelm || fromPlain === undefined || "error" in fromPlain) {
      fail(c, "helm renders the chart", "kubectl's reader refused the output");
      continue;
    }
    // As test/emit/helm.test.ts compares: the chart's own Secrets and Helm's chart label out, and
    // the Namespace, which the chart creates only when asked.
    const keyed = (docs: readonly unknown[]): Map<string, string> =>
      new Map(
        docs
          .map(
            (o) =>
              structuredClone(o) as {
                kind?: string;
                metadata?: { name?: string; labels?: Record<string, string> };
              },
          )
          .filter((o) => o.kind !== "Secret" && o.kind !== "Namespace")
          .map((o) => {
            delete o.metadata?.labels?.["helm.sh/chart"];
            return [`${o.kind ?? ""}/${o.metadata?.name ?? ""}`, canonical(o)] as const;
          }),
      );
    const a = keyed(fromHelm.docs);
    const b = keyed(fromPlain.docs);
    for (const k of new Set([...a.keys(), ...b.keys()]))
      if (a.get(k) !== b.get(k)) fail(c, "chart equals render", `${k} differs`);
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    cases: cases.length,
    byKind,
    exitCodes,
    failures,
    slowestMs,
    maxRssMb,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** JSON with every object's keys sorted: Go's encoder sorts map keys, JavaScript keeps their order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** Where two lists of objects first differ, as a path and the two values. */
function firstDifference(a: unknown, b: unknown, path = ""): string {
  if (canonical(a) === canonical(b)) return "";
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d !== "") return d;
    }
  }
  const show = (v: unknown): string => (v === undefined ? "undefined" : JSON.stringify(v).slice(0, 120));
  return `${path}: Go ${show(a)} / JavaScript ${show(b)}`;
}

function namespaceOf(stream: string): string {
  return /^ {2}namespace: (\S+)$/m.exec(stream)?.[1] ?? "default";
}

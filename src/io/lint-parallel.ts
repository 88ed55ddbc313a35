import type { Worker } from "node:worker_threads";
import { type LintReport, mergeReports } from "../lint/lint.js";
import { type NamespaceShare, planShards, type ShardPlan } from "../lint/shard.js";
import type { LintSettings } from "../lint/types.js";
import { MIN_BYTES, startLintWorkers, takeEarlyLintWorkers, workerCount, workersBuilt } from "./lint-pool.js";
import { InputError, type ManifestSource } from "./manifests.js";

/**
 * About how much YAML a worker lints at a time (see `ShardPlan.batch`), and at least as much as the
 * cluster-scoped documents, which every batch holds again (parsed once per worker; the schema rule,
 * the costly one for them, checks them only in the batch that reports them). Large batches cost
 * more than the repetition: with 470 KB of CRDs in a 146 MB input, batches of 8x that took 3.8 s,
 * batches of 1x 3.1-3.5 s, and 120 MB less memory. Small ones repeat each batch's fixed work (64
 * rules set up, an index built) and large ones leave the core's cache: on 100,000 objects, alternating
 * runs, 350 KB took 3.01 s, 250 KB 3.07 s, 500 KB 3.04 s, 700 KB 3.12 s.
 */
const BATCH_BYTES = 350_000;
const BATCH_PER_CLUSTER = 1;

/** A source given to a worker: a file to read or a text, and its place in the input order. */
export interface WorkerSource {
  readonly file: string;
  readonly text?: string;
  readonly order: number;
}

/** What a lint worker is started with. */
export interface WorkerTask {
  readonly sources: readonly WorkerSource[];
  readonly settings: LintSettings;
  /** This worker's number, and how many there are. */
  readonly index: number;
  readonly workers: number;
}

/** A document moved between workers, with its place in the input (file order, then document). */
export interface MovedDocument {
  readonly file: string;
  readonly order: number;
  readonly index: number;
  readonly line: number;
  readonly text: string;
  /** The namespace it is linted with (see `homeOf`); undefined for a cluster-scoped object. */
  readonly home: string | undefined;
}

/** Batches a busy worker hands to an idle one: each batch's namespaces and documents. */
export interface HandedBatch {
  readonly owned: readonly string[];
  readonly documents: readonly MovedDocument[];
}

/** Messages from a worker to the coordinator. */
export type FromWorker =
  /** What the worker read, by namespace; `shardable` is false when a document cannot be placed at a glance. */
  | {
      readonly type: "facts";
      readonly shardable: boolean;
      readonly shares: readonly NamespaceShare[];
      /** The size of the cluster-scoped documents it read. */
      readonly clusterBytes: number;
    }
  | { readonly type: "unreadable"; readonly message: string }
  | { readonly type: "move"; readonly to: number; readonly documents: readonly MovedDocument[] }
  /** Its batches are done: it can take some of another worker's. */
  | { readonly type: "idle" }
  /** The answer to `give`: the batches it hands over (none when it has no batch left to spare). */
  | { readonly type: "given"; readonly to: number; readonly batches: readonly HandedBatch[] }
  | { readonly type: "report"; readonly report: LintReport };

/** Messages from the coordinator to a worker. */
export type ToWorker =
  /** The first message a worker gets: what to lint. */
  | { readonly type: "task"; readonly task: WorkerTask }
  | {
      readonly type: "plan";
      /** The shard and batch of each namespace; cluster-scoped documents go to every shard and batch. */
      readonly plan: ShardPlan;
      readonly reportsClusterScoped: boolean;
    }
  | { readonly type: "moved"; readonly documents: readonly MovedDocument[] }
  /** Hand half of the batches not yet begun to worker `to`. */
  | { readonly type: "give"; readonly to: number }
  /** Batches another worker handed over. */
  | { readonly type: "taken"; readonly batches: readonly HandedBatch[] }
  /** No work is left to take: send the report. */
  | { readonly type: "finish" }
  | { readonly type: "stop" };

/**
 * Lints large inputs on every core. Each worker thread reads, splits and sizes up its own share of
 * the files (contiguous, balanced by bytes) and tells the coordinator what each document is; the
 * coordinator shards namespaces (see `planShards`), the workers hand each other the few documents
 * that belong elsewhere (and the cluster-scoped ones, which every shard needs), then each parses and
 * lints its shard. The merged report equals that of one run. Returns undefined when the input is
 * small, cannot be sharded safely, or the worker module is not built (the bundled CLI has it): the
 * caller then lints in one piece.
 * `KUBESHIP_LINT_WORKERS` sets the number of workers (1 turns sharding off; 2 or more also shards
 * small inputs, for tests), `KUBESHIP_LINT_BATCH` the bytes of a batch (for tests and benchmarks).
 */
export async function lintInParallel(
  sources: readonly ManifestSource[],
  settings: LintSettings,
  env: Readonly<Record<string, string | undefined>>,
): Promise<LintReport | undefined> {
  const { count, forced } = workerCount(env);
  const sizes = sources.map((s) => ("text" in s ? s.text.length : s.bytes));
  const total = sizes.reduce((a, b) => a + b, 0);
  const wanted = count >= 2 && (forced || total >= MIN_BYTES) && workersBuilt();
  // Workers the CLI started before it loaded, when it guessed this from the command line.
  const early = takeEarlyLintWorkers(wanted ? count : 0);
  if (!wanted) return undefined;

  // Contiguous runs of files: an app's files usually sit together, so its namespace stays on one worker.
  const shares: WorkerSource[][] = Array.from({ length: count }, () => []);
  let before = 0;
  sources.forEach((s, order) => {
    const w = Math.min(count - 1, Math.floor((before / Math.max(total, 1)) * count));
    shares[w]?.push("text" in s ? { file: s.file, text: s.text, order } : { file: s.file, order });
    before += sizes[order] ?? 0;
  });

  const batchBytes = Number(env.KUBESHIP_LINT_BATCH ?? BATCH_BYTES);
  const workers = early ?? startLintWorkers(count);
  workers.forEach((w, index) => {
    const task: WorkerTask = { sources: shares[index] ?? [], settings, index, workers: count };
    w.postMessage({ type: "task", task } satisfies ToWorker);
  });
  try {
    return await coordinate(workers, batchBytes);
  } finally {
    for (const w of workers) void w.terminate();
  }
}

function coordinate(workers: readonly Worker[], bytesPerBatch: number): Promise<LintReport | undefined> {
  const count = workers.length;
  return new Promise((resolve, reject) => {
    // By worker, so that the plan does not depend on which worker answered first.
    const shares: (readonly NamespaceShare[])[] = [];
    let shardable = true;
    let clusterBytes = 0;
    const reports: LintReport[] = [];
    let factsIn = 0;
    const send = (w: Worker | undefined, message: ToWorker): void => w?.postMessage(message);
    const onFacts = (): void => {
      const batchBytes = Math.max(bytesPerBatch, clusterBytes * BATCH_PER_CLUSTER);
      const plan = shardable ? planShards(shares.flat(), count, batchBytes) : undefined;
      if (plan === undefined) {
        for (const w of workers) send(w, { type: "stop" });
        resolve(undefined);
        return;
      }
      workers.forEach((w, i) => {
        send(w, { type: "plan", plan, reportsClusterScoped: i === 0 });
      });
    };
    // Work stealing: a worker that runs out of batches takes half of the remaining ones of a busy
    // worker, until none has any to spare; the two halves of the input rarely take equally long.
    const idle = new Set<number>();
    const spent = new Set<number>();
    const asked = new Set<number>();
    const findWork = (i: number): void => {
      const from = workers.findIndex((_, j) => j !== i && !idle.has(j) && !spent.has(j) && !asked.has(j));
      if (from < 0) {
        send(workers[i], { type: "finish" });
        return;
      }
      asked.add(from);
      send(workers[from], { type: "give", to: i });
    };
    workers.forEach((worker, i) => {
      worker.on("message", (m: FromWorker) => {
        if (m.type === "facts") {
          shares[i] = m.shares;
          shardable &&= m.shardable;
          clusterBytes += m.clusterBytes;
          if (++factsIn === count) onFacts();
        } else if (m.type === "unreadable") {
          reject(new InputError(m.message));
        } else if (m.type === "move") {
          send(workers[m.to], { type: "moved", documents: m.documents });
        } else if (m.type === "idle") {
          idle.add(i);
          findWork(i);
        } else if (m.type === "given") {
          asked.delete(i);
          if (m.batches.length === 0) {
            spent.add(i);
            findWork(m.to);
          } else {
            idle.delete(m.to);
            send(workers[m.to], { type: "taken", batches: m.batches });
          }
        } else {
          reports.push(m.report);
          if (reports.length === count) resolve(mergeReports(reports));
        }
      });
      worker.once("error", reject);
      worker.once("exit", (code) => {
        if (code !== 0) reject(new Error(`a lint worker exited with code ${code}`));
      });
    });
  });
}

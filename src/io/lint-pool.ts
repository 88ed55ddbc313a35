// The lint worker threads (lint-worker.ts): started by lintInParallel when it needs them, or early,
// before the CLI has loaded, when the command line asks for a large lint (see cli/prestart.ts). A
// worker takes about 80 ms to boot (Node's internals and the worker's modules compile); started early,
// that happens while the main thread loads the CLI and lists the files, on a core it leaves idle
// (with more cores than workers; on two cores the boot and the loading share them, and it is even).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";

/** Below this much YAML, starting workers costs more than it saves. */
export const MIN_BYTES = 8_000_000;

/**
 * Each worker's young generation (three semi-spaces' worth): a batch being linted is live when a
 * young collection comes, and is copied by it, so the fewer the collections per batch the less is
 * copied (from V8's default, 192 MB took 1.7 s of collection pauses down to 0.55 s). Since batches
 * are small (see lint-parallel.ts), a smaller one costs no more collection and keeps what is being
 * allocated within the core's cache: 48 MB, alternating runs on 100,000 objects, 3.09 s against
 * 3.16 s with 192 MB.
 */
const YOUNG_MB = 48;

/**
 * How many workers lint uses: `KUBESHIP_LINT_WORKERS` when set (1 turns sharding off; 2 or more
 * also shards small inputs, for tests), else one per core, at most 4.
 */
export function workerCount(env: Readonly<Record<string, string | undefined>>): {
  readonly count: number;
  readonly forced: boolean;
} {
  const forced = env.KUBESHIP_LINT_WORKERS;
  return forced === undefined
    ? { count: Math.min(4, availableParallelism()), forced: false }
    : { count: Number(forced), forced: true };
}

/** The worker module, beside this one in the bundle; absent when running from sources (tests). */
const MODULE = new URL("./lint-worker.mjs", import.meta.url);

/** Whether the worker module is built, so that workers can start. */
export const workersBuilt = (): boolean => existsSync(fileURLToPath(MODULE));

/** V8's optimizing compiler, tuned for lint's workers (see `startLintWorkers`). */
const COMPILE_FLAGS = [
  "--max-inlined-bytecode-size-cumulative=100",
  "--no-turbo-loop-peeling",
  "--no-concurrent-recompilation",
];

/** Starts `count` workers; each waits for its task (a `task` message). */
export function startLintWorkers(count: number): Worker[] {
  // A worker's garbage is short-lived (each batch dies whole), so pretenuring (V8 allocating objects
  // of "long-lived" allocation sites straight in the old generation) only fills the old generation
  // with garbage. Process-wide, and read by each collection: the workers start after this.
  setFlagsFromString("--no-allocation-site-pretenuring");
  // One worker per core: a young collection's helper threads would only take the other worker's core
  // (alternating runs: 3.45 s against 3.55 s). Also read at each collection.
  setFlagsFromString("--no-parallel-scavenge");
  // A worker's young generation starts at 8 MB a semi-space instead of growing there from 1 MB
  // through a run of early collections, each copying the texts just read (alternating runs, with
  // 16 MB: 3.09 s against 3.17 s). Read when an isolate's heap is set up: only the workers started
  // after this have it.
  setFlagsFromString("--min-semi-space-size=8");
  // A lint run is short and its code is large: each worker spends its first ~8,000 objects in code
  // not yet optimized, and TurboFan's compiles (700 functions over the workers, many large ones with
  // their callees inlined) take time of the two cores the workers need. Smaller compiles (less
  // inlining, no loop peeling), done at once on the worker's own thread instead of queued for a busy
  // helper thread, make the optimized code arrive sooner for less: alternating runs on 100,000
  // objects, 3.23 s against 3.76 s. Read at each compile.
  for (const flag of COMPILE_FLAGS) setFlagsFromString(flag);
  const execArgv = workerExecArgv(process.execArgv);
  return Array.from(
    { length: count },
    () => new Worker(MODULE, { execArgv, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } }),
  );
}

/**
 * The Node options to start a worker with: undefined, to inherit the process's (given explicitly,
 * V8 options such as --max-old-space-size make Node refuse to start it), or none when they have
 * `--input-type`, which a worker refuses (the CLI run from `node --input-type=module -e ...`).
 */
export function workerExecArgv(args: readonly string[]): string[] | undefined {
  return args.some((a) => a === "--input-type" || a.startsWith("--input-type=")) ? [] : undefined;
}

/** Workers started early, until lint takes them; `failed` when one failed or exited meanwhile. */
let early: { workers: Worker[]; failed: boolean; watch: () => void } | undefined;

/**
 * Starts `count` workers now, for lint to take later. They do not keep the process alive until
 * taken: a guess that was wrong costs their start-up, never a hang.
 */
export function startLintWorkersEarly(count: number): void {
  if (early !== undefined || !workersBuilt()) return;
  // Until lint takes the workers: one that failed or exited is not handed out.
  const started = {
    workers: startLintWorkers(count),
    failed: false,
    watch: (): void => {
      started.failed = true;
    },
  };
  for (const w of started.workers) {
    w.unref();
    w.on("error", started.watch);
    w.on("exit", started.watch);
  }
  early = started;
}

/**
 * The workers started early, when there are `count` of them and all are well; undefined otherwise,
 * and then any started early are stopped (`count` 0: lint does not need them). Either way, none are
 * left for a later call.
 */
export function takeEarlyLintWorkers(count: number): Worker[] | undefined {
  const started = early;
  early = undefined;
  if (started === undefined) return undefined;
  if (started.failed || started.workers.length !== count) {
    for (const w of started.workers) void w.terminate();
    return undefined;
  }
  for (const w of started.workers) {
    w.off("error", started.watch);
    w.off("exit", started.watch);
    w.ref();
  }
  return started.workers;
}

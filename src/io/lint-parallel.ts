import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { splitDocuments } from "../lint/input.js";
import { type LintReport, mergeReports } from "../lint/lint.js";
import type { SchemaSet } from "../lint/schema/compact.js";
import { type FileDocument, planShards, type Shard } from "../lint/shard.js";
import type { LintSettings } from "../lint/types.js";
import type { InputText } from "./manifests.js";

/** Below this much YAML, starting workers costs more than it saves. */
const MIN_BYTES = 8_000_000;

/** What a lint worker is given. */
export interface WorkerTask {
  readonly shard: Shard;
  readonly settings: LintSettings;
}

/**
 * Lints large inputs on every core: the documents are sharded by namespace (see `planShards`) and
 * each shard is linted in a worker thread; the merged report equals that of one run. Returns
 * undefined when the input is small, cannot be sharded safely, or the worker module is not built
 * (the bundled CLI has it): the caller then lints in one piece.
 * `KUBESHIP_LINT_WORKERS` sets the number of workers (1 turns sharding off; 2 or more also shards
 * small inputs, for tests).
 */
export async function lintInParallel(
  texts: readonly InputText[],
  settings: LintSettings,
  schemas: readonly SchemaSet[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<LintReport | undefined> {
  const forced = env.KUBESHIP_LINT_WORKERS === undefined ? undefined : Number(env.KUBESHIP_LINT_WORKERS);
  const workers = forced ?? Math.min(4, availableParallelism());
  if (!(workers >= 2)) return undefined;
  const bytes = texts.reduce((a, t) => a + t.text.length, 0);
  if (forced === undefined && bytes < MIN_BYTES) return undefined;
  const module = new URL("./lint-worker.mjs", import.meta.url);
  if (!existsSync(fileURLToPath(module))) return undefined;
  const documents: FileDocument[] = [];
  for (const t of texts)
    for (const c of splitDocuments(t.text)) documents.push({ file: t.file, text: c.text, line: c.line });
  const namespaced = new Set(schemas.flatMap((s) => s.namespaced));
  const known = new Set(schemas.flatMap((s) => Object.keys(s.kinds)));
  const shards = planShards(
    documents,
    (apiVersion, kind) => {
      const key = `${apiVersion} ${kind}`;
      return namespaced.has(key) ? true : known.has(key) ? false : undefined;
    },
    workers,
  );
  if (shards === undefined) return undefined;
  const reports = await Promise.all(
    shards.map(
      (shard) =>
        new Promise<LintReport>((resolve, reject) => {
          const task: WorkerTask = { shard, settings };
          const worker = new Worker(module, { workerData: task });
          worker.once("message", (r: LintReport) => {
            resolve(r);
          });
          worker.once("error", reject);
          worker.once("exit", (code) => {
            if (code !== 0) reject(new Error(`a lint worker exited with code ${code}`));
          });
        }),
    ),
  );
  return mergeReports(reports);
}

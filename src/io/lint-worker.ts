// A lint worker thread: lints the shard it is given and posts the report back (see lint-parallel.ts).
import { parentPort, workerData } from "node:worker_threads";
import { lintShard } from "../lint/shard.js";
import type { WorkerTask } from "./lint-parallel.js";
import { loadSchemas } from "./manifests.js";

const task = workerData as WorkerTask;
const report = lintShard(task.shard, task.settings, await loadSchemas(task.settings.kubeVersion));
parentPort?.postMessage(report);

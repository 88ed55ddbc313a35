import type { AppModel } from "../model/app-model.js";
import { BACKUP_SUFFIX } from "../render/backup-job.js";
import { awaitJob, createJobFrom, type JobTemplate, runStamp } from "./cron-job-run.js";
import { DeployError } from "./errors.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";
import { readinessOf } from "./readiness.js";

/** What `kubeship backup` did. */
export interface BackupRun {
  readonly job: string;
  readonly seconds: number;
}

/**
 * Runs one backup of a backing now, as `kubectl create job --from=cronjob/<name>-backup` would (the
 * CronJob's job template, owned by the CronJob, annotated as a manual run), and waits until the Job
 * completes; a failed Job or the timeout is an error naming the Job and how to read its logs.
 */
export async function runBackup(
  cluster: Cluster,
  model: AppModel,
  backing: string,
  timeoutSeconds: number,
  now: () => Date = () => new Date(),
): Promise<BackupRun> {
  const b = model.backings.find((x) => x.name === backing);
  if (b === undefined)
    throw new DeployError(
      `the spec has no backing '${backing}'`,
      `backings: ${model.backings.map((x) => x.name).join(", ") || "none"}`,
    );
  if (b.backup === undefined)
    throw new DeployError(
      `backing '${backing}' has no backup in this environment`,
      `add backup: { schedule, keep, to } to backing.${backing} and deploy`,
    );
  const cronName = `${backing}${BACKUP_SUFFIX}`;
  const cron = await cluster.get({
    apiVersion: "batch/v1",
    kind: "CronJob",
    name: cronName,
    namespace: model.namespace,
  });
  if (cron === undefined) {
    if (b.mode === "operator")
      throw new DeployError(
        `backups of '${backing}' are its operator's (a ScheduledBackup), not a CronJob of kubeship's`,
        `take one with the operator: kubectl cnpg backup ${backing} -n ${model.namespace} (or a Backup resource)`,
      );
    throw new DeployError(
      `no CronJob ${cronName} in namespace ${model.namespace}`,
      "deploy the spec first (kubeship deploy)",
    );
  }
  const stamp = runStamp(now());
  const name = `${cronName.slice(0, 63 - stamp.length - 8)}-manual-${stamp}`;
  const template = ((cron["spec"] ?? {}) as { jobTemplate?: JobTemplate }).jobTemplate ?? {};
  const started = Date.now();
  await createJobFrom(cluster, cron, name, template);
  const outcome = await awaitJob(cluster, model.namespace, name, started + timeoutSeconds * 1000);
  if (outcome.state === "ready") return { job: name, seconds: (Date.now() - started) / 1000 };
  if (outcome.state === "failed")
    throw new DeployError(
      `backup Job ${name} failed: ${outcome.message}`,
      `read its logs: kubectl logs -n ${model.namespace} job/${name} --all-containers`,
    );
  throw new DeployError(
    `backup Job ${name} did not finish within ${String(timeoutSeconds)} s${outcome.message === "" ? "" : ` (${outcome.message})`}`,
    `it goes on in the cluster: kubectl get job ${name} -n ${model.namespace}; kubectl logs -n ${model.namespace} job/${name} --all-containers`,
  );
}

/** One backup in a backing's store. */
export interface StoredBackup {
  readonly name: string;
  readonly size: string;
  readonly time: string;
}

/**
 * The backups of a backing, as its last successful backup Job left them in the store: the upload
 * writes the store's list (after deleting beyond `keep`) as its termination message, which the API
 * keeps with the pod. Undefined `backups` when no backup Job has succeeded (or its pod is gone).
 */
export async function listBackups(
  cluster: Cluster,
  model: AppModel,
  backing: string,
): Promise<{ readonly job?: string; readonly asOf?: string; readonly backups?: readonly StoredBackup[] }> {
  const cronName = `${backing}${BACKUP_SUFFIX}`;
  const jobs = await cluster.list("batch/v1", "Job", model.namespace, `app.kubernetes.io/name=${cronName}`);
  const done = jobs
    .map((j) => ({ j, at: ((j["status"] ?? {}) as { completionTime?: string }).completionTime }))
    .filter(
      (x): x is { j: LiveObject; at: string } => x.at !== undefined && readinessOf(x.j).state === "ready",
    )
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  for (const { j, at } of done) {
    const pods = await cluster.list("v1", "Pod", model.namespace, `job-name=${j.metadata.name}`);
    for (const pod of pods) {
      const statuses =
        (
          (pod["status"] ?? {}) as {
            containerStatuses?: { name: string; state?: { terminated?: { message?: string } } }[];
          }
        ).containerStatuses ?? [];
      const message = statuses.find((c) => c.name === "upload")?.state?.terminated?.message;
      if (message === undefined) continue;
      const backups = message
        .split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter((w) => w.length >= 3 && w[0] !== undefined && w[0] !== "")
        .map(([name = "", size = "", ...time]) => ({ name, size, time: time.join(" ") }));
      return { job: j.metadata.name, asOf: at, backups };
    }
  }
  return done[0] === undefined ? {} : { job: done[0].j.metadata.name, asOf: done[0].at };
}

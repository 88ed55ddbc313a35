import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IContainer, IEnvVar } from "kubernetes-models/v1";
import { backupPath, backupTarget, type BackupTarget } from "../catalog/backup-target.js";
import {
  backupMethod,
  type BackupMethod,
  dumpScript,
  DOWNLOAD_SCRIPT,
  restoreScript,
  UPLOAD_SCRIPT,
} from "../catalog/backups.js";
import { MC_IMAGE } from "../catalog/minio.js";
import type { BackingRuntime } from "../catalog/types.js";
import type { Backing } from "../model/app-model.js";
import type { RenderContext } from "./context.js";
import { imageTag, objectLabels } from "./labels.js";
import { backingJobPod } from "./job.js";
import { containerSecurityContext, WORKLOAD_UID } from "./security-context.js";
import { DATA_VOLUME } from "./stateful-set.js";

/** The suffix of a backing's backup CronJob (and its ConfigMap of scripts and NetworkPolicy). */
export const BACKUP_SUFFIX = "-backup";
export const BACKUP_COMPONENT = "backup";
/** Where the backup and restore jobs mount their scripts and keep the file between containers. */
const SCRIPTS = "/opt/kubeship/backup";
const BACKUP_DIR = "/backup";

/** A builtin backing with `backup`: what its jobs need. */
export interface BackupPlan {
  readonly runtime: BackingRuntime;
  readonly spec: Backing & { readonly backup: NonNullable<Backing["backup"]> };
  readonly method: BackupMethod;
  readonly target: BackupTarget;
}

/** The builtin backings with scheduled backups, with what their jobs need (the spec check refuses the rest). */
export function backupPlans(ctx: RenderContext): BackupPlan[] {
  const out: BackupPlan[] = [];
  for (const spec of ctx.model.backings) {
    const runtime = ctx.backings.get(spec.name);
    if (spec.backup === undefined || runtime === undefined || "mode" in runtime) continue;
    const method = backupMethod(spec, runtime, ctx.model);
    const target = backupTarget(ctx.model, spec);
    if (method !== undefined && target !== undefined)
      out.push({ runtime, spec: { ...spec, backup: spec.backup }, method, target });
  }
  return out;
}

/** The scripts of a backing's backup and restore jobs. */
export function renderBackupScripts(
  ctx: RenderContext,
  plan: BackupPlan,
): IConfigMap & { metadata: { name: string } } {
  const name = `${plan.spec.name}${BACKUP_SUFFIX}`;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: ctx.model.namespace,
      labels: objectLabels(ctx.model, name, BACKUP_COMPONENT),
    },
    data: {
      "dump.sh": dumpScript(plan.method),
      "upload.sh": UPLOAD_SCRIPT,
      "download.sh": DOWNLOAD_SCRIPT,
      "restore.sh": restoreScript(plan.method),
    },
  };
}

/** The store's address, keys and path, and the backup count, as the upload and download scripts read them. */
export function storeEnv(plan: BackupPlan): IEnvVar[] {
  return [
    { name: "BACKUP_DIR", value: BACKUP_DIR },
    { name: "S3_ENDPOINT", value: plan.target.endpointURL },
    {
      name: "S3_ACCESS_KEY",
      valueFrom: { secretKeyRef: { name: plan.target.secret, key: plan.target.accessKeyKey } },
    },
    {
      name: "S3_SECRET_KEY",
      valueFrom: { secretKeyRef: { name: plan.target.secret, key: plan.target.secretKeyKey } },
    },
    { name: "S3_PATH", value: backupPath(plan.target, plan.spec.name) },
    { name: "KEEP", value: String(plan.spec.backup.keep) },
  ];
}

/**
 * The backup CronJob of a builtin backing: the engine's own client dumps (in the backing's image, as
 * an unprivileged user), then the MinIO client uploads and keeps the newest `keep`. One at a time
 * (Forbid), two retries, an hour at most; a failure fails the Job, which the backup alerts watch.
 */
export function renderBackupCronJob(
  ctx: RenderContext,
  plan: BackupPlan,
): ICronJob & { metadata: { name: string } } {
  const { model } = ctx;
  const b = plan.runtime;
  const name = `${plan.spec.name}${BACKUP_SUFFIX}`;
  const labels = objectLabels(model, name, BACKUP_COMPONENT, imageTag(b.image));
  const mounts = [
    { name: "backup", mountPath: BACKUP_DIR },
    { name: "tmp", mountPath: "/tmp" },
    { name: "scripts", mountPath: SCRIPTS, readOnly: true },
  ];
  const container = (c: Pick<IContainer, "name" | "image" | "command" | "env">): IContainer =>
    jobContainer(ctx, c, mounts);
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: model.namespace, labels },
    spec: {
      schedule: plan.spec.backup.schedule,
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3600,
          template: {
            metadata: { labels },
            spec: {
              ...backingJobPod(ctx, b),
              initContainers: [
                container({
                  name: "dump",
                  image: b.image,
                  command: ["sh", `${SCRIPTS}/dump.sh`],
                  env: [
                    { name: "BACKUP_DIR", value: BACKUP_DIR },
                    { name: "BACKUP_NAME_PREFIX", value: plan.spec.name },
                    ...plan.method.env,
                  ],
                }),
              ],
              containers: [
                container({
                  name: "upload",
                  image: MC_IMAGE,
                  command: ["sh", `${SCRIPTS}/upload.sh`],
                  env: storeEnv(plan),
                }),
              ],
              volumes: [
                { name: "backup", emptyDir: {} },
                { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                { name: "scripts", configMap: { name, defaultMode: 0o555 } },
              ],
            },
          },
        },
      },
    },
  };
}

/** The annotation of a restore CronJob that names its backups' file extension. */
export const BACKUP_EXTENSION_ANNOTATION = "kubeship.io/backup-extension";

/** The suffix of a backing's restore CronJob (suspended: `kubeship restore` makes Jobs from it). */
export const RESTORE_SUFFIX = "-restore";
/** The schedule of a CronJob that never fires by itself (30 February; and it is suspended). */
const NEVER = "0 0 30 2 *";

/**
 * The restore of a builtin backing, as a suspended CronJob whose job template `kubeship restore`
 * runs (with `BACKUP_NAME` set to the backup chosen, the newest otherwise): the MinIO client fetches
 * the backup, then the engine's own tool loads it into the running server; for Redis, whose RDB is
 * read only at start, the file goes onto the stopped server's volume (as its user).
 */
export function renderRestoreCronJob(
  ctx: RenderContext,
  plan: BackupPlan,
): ICronJob & { metadata: { name: string } } {
  const { model } = ctx;
  const b = plan.runtime;
  const name = `${plan.spec.name}${RESTORE_SUFFIX}`;
  const labels = objectLabels(model, name, "restore", imageTag(b.image));
  const offline = b.type === "redis";
  const mounts = [
    { name: "backup", mountPath: BACKUP_DIR },
    { name: "tmp", mountPath: "/tmp" },
    { name: "scripts", mountPath: SCRIPTS, readOnly: true },
    ...(offline ? [{ name: DATA_VOLUME, mountPath: b.dataPath }] : []),
  ];
  const container = (c: Pick<IContainer, "name" | "image" | "command" | "env">): IContainer =>
    jobContainer(ctx, c, mounts);
  const user = offline ? b.user : { uid: WORKLOAD_UID, gid: WORKLOAD_UID, fsGroup: WORKLOAD_UID };
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: {
      name,
      namespace: model.namespace,
      labels,
      // `kubeship restore --from <time>` finds the file `<backing>-<time><extension>`.
      annotations: { [BACKUP_EXTENSION_ANNOTATION]: plan.method.extension },
    },
    spec: {
      schedule: NEVER,
      suspend: true,
      concurrencyPolicy: "Forbid",
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: 3600,
          template: {
            metadata: { labels },
            spec: {
              ...backingJobPod(ctx, b, user),
              initContainers: [
                container({
                  name: "download",
                  image: MC_IMAGE,
                  command: ["sh", `${SCRIPTS}/download.sh`],
                  env: [...storeEnv(plan), { name: "BACKUP_NAME", value: "" }],
                }),
              ],
              containers: [
                container({
                  name: "restore",
                  image: b.image,
                  command: ["sh", `${SCRIPTS}/restore.sh`],
                  env: [
                    { name: "BACKUP_DIR", value: BACKUP_DIR },
                    ...(offline ? [{ name: "DATA_DIR", value: b.dataPath }] : []),
                    ...plan.method.env,
                  ],
                }),
              ],
              volumes: [
                { name: "backup", emptyDir: {} },
                { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                {
                  name: "scripts",
                  configMap: { name: `${plan.spec.name}${BACKUP_SUFFIX}`, defaultMode: 0o555 },
                },
                ...(offline
                  ? [
                      {
                        name: DATA_VOLUME,
                        persistentVolumeClaim: { claimName: `${DATA_VOLUME}-${b.name}-0` },
                      },
                    ]
                  : []),
              ],
            },
          },
        },
      },
    },
  };
}

/** A container of a backup or restore job: the scripts' sizes, restricted, with the job's mounts. */
function jobContainer(
  ctx: RenderContext,
  c: Pick<IContainer, "name" | "image" | "command" | "env">,
  mounts: NonNullable<IContainer["volumeMounts"]>,
): IContainer {
  return {
    ...c,
    imagePullPolicy: "IfNotPresent",
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    securityContext: containerSecurityContext(ctx.model),
    volumeMounts: mounts,
  };
}

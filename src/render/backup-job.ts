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
import { ENABLE_SERVICE_LINKS, placementFields } from "./pod.js";
import { containerSecurityContext, podSecurityContext, WORKLOAD_UID } from "./security-context.js";

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
  const container = (c: Pick<IContainer, "name" | "image" | "command" | "env">): IContainer => ({
    ...c,
    imagePullPolicy: "IfNotPresent",
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    securityContext: containerSecurityContext(model),
    volumeMounts: mounts,
  });
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
              restartPolicy: "Never",
              serviceAccountName: b.group,
              automountServiceAccountToken: false,
              enableServiceLinks: ENABLE_SERVICE_LINKS,
              ...placementFields(b.placement),
              securityContext: podSecurityContext(model, {
                uid: WORKLOAD_UID,
                gid: WORKLOAD_UID,
                fsGroup: WORKLOAD_UID,
              }),
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

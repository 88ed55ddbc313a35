import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IPodSpec } from "kubernetes-models/v1";
import type { BackingRuntime, BackingInit } from "../catalog/types.js";
import type { Workload } from "../model/app-model.js";
import { filesConfigMapName, type RenderContext } from "./context.js";
import { imageTag, objectLabels } from "./labels.js";
import { ENABLE_SERVICE_LINKS, placementFields, workloadPodTemplate } from "./pod.js";
import { containerSecurityContext, podSecurityContext, WORKLOAD_UID } from "./security-context.js";

/** The suffix of a backing's init job (`kafka-init` creates Kafka's topics). */
export const INIT_JOB_SUFFIX = "-init";

/** The component label of backing init jobs. */
export const INIT_COMPONENT = "init";

/**
 * A run-to-completion Job. No ttlSecondsAfterFinished: a finished Job that disappeared would run
 * again on the next apply; `kubeship deploy` replaces it when its template changes.
 */
export function renderJob(ctx: RenderContext, w: Workload): IJob & { metadata: { name: string } } {
  const { model } = ctx;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: w.name,
      namespace: model.namespace,
      labels: objectLabels(model, w.name, "job", imageTag(w.image)),
    },
    spec: {
      backoffLimit: w.backoffLimit,
      activeDeadlineSeconds: w.timeout,
      template: workloadPodTemplate(ctx, w, { restartPolicy: "Never" }),
    },
  };
}

/** A CronJob: never two runs at once, a short history, and a missed run skipped after 5 minutes. */
export function renderCronJob(ctx: RenderContext, w: Workload): ICronJob & { metadata: { name: string } } {
  const { model } = ctx;
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: {
      name: w.name,
      namespace: model.namespace,
      labels: objectLabels(model, w.name, "job", imageTag(w.image)),
    },
    spec: {
      schedule: w.schedule ?? "",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: w.backoffLimit,
          activeDeadlineSeconds: w.timeout,
          template: workloadPodTemplate(ctx, w, { restartPolicy: "Never" }),
        },
      },
    },
  };
}

/** The init job of a backing (topics, buckets, keyspace), which waits for the server and then prepares it. */
export function renderInitJob(
  ctx: RenderContext,
  b: BackingRuntime,
  init: BackingInit,
): IJob & { metadata: { name: string } } {
  const { model } = ctx;
  const name = `${b.name}${INIT_JOB_SUFFIX}`;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: model.namespace,
      labels: objectLabels(model, name, INIT_COMPONENT, imageTag(init.image)),
    },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels: objectLabels(model, name, INIT_COMPONENT, imageTag(init.image)) },
        spec: {
          ...backingJobPod(ctx, b),
          containers: [
            {
              name: "init",
              image: init.image,
              imagePullPolicy: "IfNotPresent",
              command: [...init.command],
              ...(init.env.length > 0 ? { env: [...init.env] } : {}),
              resources: {
                requests: { cpu: "50m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "512Mi" },
              },
              securityContext: containerSecurityContext(model),
              volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                ...(init.files === undefined
                  ? []
                  : [{ name: "files", mountPath: init.files.mountPath, readOnly: true }]),
              ],
            },
          ],
          volumes: [
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            ...(init.files === undefined
              ? []
              : [
                  {
                    name: "files",
                    configMap: {
                      name: filesConfigMapName(b.group),
                      defaultMode: init.files.executable ? 0o555 : 0o444,
                    },
                  },
                ]),
          ],
        },
      },
    },
  };
}

/**
 * What every Job kubeship runs for a backing shares (its init job, its backups and restores): no
 * restarts, the backing's ServiceAccount without a token, its placement, and an unprivileged user
 * (`user`, where the job writes files the engine reads).
 */
export function backingJobPod(
  ctx: RenderContext,
  b: Pick<BackingRuntime, "group" | "placement">,
  user: { uid: number; gid: number; fsGroup: number } = {
    uid: WORKLOAD_UID,
    gid: WORKLOAD_UID,
    fsGroup: WORKLOAD_UID,
  },
): Pick<
  IPodSpec,
  | "restartPolicy"
  | "serviceAccountName"
  | "automountServiceAccountToken"
  | "enableServiceLinks"
  | "securityContext"
> &
  Partial<IPodSpec> {
  return {
    restartPolicy: "Never",
    serviceAccountName: b.group,
    automountServiceAccountToken: false,
    enableServiceLinks: ENABLE_SERVICE_LINKS,
    ...placementFields(b.placement),
    securityContext: podSecurityContext(ctx.model, user),
  };
}

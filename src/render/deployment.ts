import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { Workload } from "../model/app-model.js";
import type { RenderContext } from "./context.js";
import { imageTag, objectLabels, selectorLabels, WAIVE_ANNOTATION_PREFIX } from "./labels.js";
import { workloadPodTemplate } from "./pod.js";
import { mountsReadWriteOnce } from "./workload-volumes.js";

/** Old ReplicaSets kept for `kubectl rollout undo`. */
export const REVISION_HISTORY_LIMIT = 5;

/**
 * The Deployment of a service or worker: one new pod at a time and none taken away before its
 * replacement is ready (maxSurge 1, maxUnavailable 0). With an HPA, `replicas` is left to the HPA so
 * that a re-apply never resets what it scaled to.
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
 */
export function renderDeployment(
  ctx: RenderContext,
  w: Workload,
): IDeployment & { metadata: { name: string } } {
  const { model } = ctx;
  // Choices the spec made explicitly are recorded as lint waivers with the reason, so that lint
  // reports what the user did not ask for: one replica (the default is 2), no health check given.
  const section = w.kind === "service" ? "services" : "workers";
  const waivers: Record<string, string> = {};
  if (!w.autoscale && w.replicas < 2)
    waivers[`${WAIVE_ANNOTATION_PREFIX}replicas`] = `the spec sets replicas: ${w.replicas}`;
  if (w.health.liveness === undefined)
    waivers[`${WAIVE_ANNOTATION_PREFIX}liveness-probe`] =
      `${section}.${w.name} has no health check in the spec; add health to get one`;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: w.name,
      namespace: model.namespace,
      labels: objectLabels(model, w.name, w.kind, imageTag(w.image)),
      ...(Object.keys(waivers).length > 0 ? { annotations: waivers } : {}),
    },
    spec: {
      ...(w.autoscale ? {} : { replicas: w.replicas }),
      revisionHistoryLimit: REVISION_HISTORY_LIMIT,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: selectorLabels(model, w.name) },
      // A ReadWriteOnce volume cannot be on two nodes: the old pod goes before the new one starts.
      strategy: mountsReadWriteOnce(model, w)
        ? { type: "Recreate" }
        : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: workloadPodTemplate(ctx, w),
    },
  };
}

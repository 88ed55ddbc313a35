import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { Workload } from "../model/app-model.js";
import type { RenderContext } from "./context.js";
import { imageTag, objectLabels, selectorLabels, WAIVE_ANNOTATION_PREFIX } from "./labels.js";
import { workloadPodTemplate } from "./pod.js";

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
  // A single replica without an autoscaler is a choice the spec made explicitly (the default is 2):
  // record it, so that lint's `replicas` rule does not report what the user asked for.
  const single = !w.autoscale && w.replicas < 2;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: w.name,
      namespace: model.namespace,
      labels: objectLabels(model, w.name, w.kind, imageTag(w.image)),
      ...(single
        ? { annotations: { [`${WAIVE_ANNOTATION_PREFIX}replicas`]: `the spec sets replicas: ${w.replicas}` } }
        : {}),
    },
    spec: {
      ...(w.autoscale ? {} : { replicas: w.replicas }),
      revisionHistoryLimit: REVISION_HISTORY_LIMIT,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: selectorLabels(model, w.name) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: workloadPodTemplate(ctx, w),
    },
  };
}

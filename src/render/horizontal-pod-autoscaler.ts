import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { Autoscale, Workload } from "../model/app-model.js";
import { recordOf } from "../spec/plain-data.js";
import type { RenderContext } from "./context.js";
import type { KubeObject } from "./kube-object.js";
import { objectLabels } from "./labels.js";

/**
 * Scale-up and scale-down behaviour: up fast (double, or 4 pods, every 15 s), down slowly (at most
 * half every minute, after 5 minutes of lower load), so a spike is met and a dip is not over-reacted to.
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
 */
export const HPA_BEHAVIOR = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Percent", value: 100, periodSeconds: 15 },
      { type: "Pods", value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: "Max",
    policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
  },
} as const;

/** The autoscaling/v2 HPA of a service or worker. */
export function renderHpa(
  ctx: RenderContext,
  w: Workload,
  a: Autoscale,
): IHorizontalPodAutoscaler & { metadata: { name: string } } {
  const { model } = ctx;
  const metrics: NonNullable<NonNullable<IHorizontalPodAutoscaler["spec"]>["metrics"]> = [];
  if (a.cpu !== undefined)
    metrics.push({
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.cpu } },
    });
  if (a.memory !== undefined)
    metrics.push({
      type: "Resource",
      resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.memory } },
    });
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: w.name, namespace: model.namespace, labels: objectLabels(model, w.name, w.kind) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: w.name },
      minReplicas: a.min,
      maxReplicas: a.max,
      metrics,
      behavior: {
        scaleUp: { ...HPA_BEHAVIOR.scaleUp, policies: HPA_BEHAVIOR.scaleUp.policies.map((p) => ({ ...p })) },
        scaleDown: {
          ...HPA_BEHAVIOR.scaleDown,
          policies: HPA_BEHAVIOR.scaleDown.policies.map((p) => ({ ...p })),
        },
      },
    },
  };
}

/** What an HPA scales, `Kind/name` (its scaleTargetRef). */
export function scaleTargetOf(hpa: KubeObject): string {
  const ref = recordOf(recordOf(hpa["spec"]).scaleTargetRef);
  return `${String(ref.kind)}/${String(ref.name)}`;
}

/** The HorizontalPodAutoscaler among `objects` that scales `target` (`Kind/name`), if any. */
export function autoscalerFor(objects: readonly KubeObject[], target: string): KubeObject | undefined {
  return objects.find((o) => o.kind === "HorizontalPodAutoscaler" && scaleTargetOf(o) === target);
}

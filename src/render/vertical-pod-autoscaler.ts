import type { IVerticalPodAutoscaler } from "@kubernetes-models/autoscaler/autoscaling.k8s.io/v1/VerticalPodAutoscaler";
import type { Vertical, Workload } from "../model/app-model.js";
import type { RenderContext } from "./context.js";
import { objectLabels } from "./labels.js";

/**
 * The VerticalPodAutoscaler of a service or worker (autoscaling.k8s.io/v1, from the Kubernetes
 * autoscaler project: its CRDs and controllers must be installed; `doctor` checks). It sizes the
 * main container only, and its requests only: limits keep the ratio the spec gave them
 * (controlledValues RequestsAndLimits), so a raised request never meets an old, lower limit.
 * https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler
 */
export function renderVpa(
  ctx: RenderContext,
  w: Workload,
  v: Vertical,
): IVerticalPodAutoscaler & { metadata: { name: string } } {
  const { model } = ctx;
  return {
    apiVersion: "autoscaling.k8s.io/v1",
    kind: "VerticalPodAutoscaler",
    metadata: { name: w.name, namespace: model.namespace, labels: objectLabels(model, w.name, w.kind) },
    spec: {
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: w.name },
      updatePolicy: { updateMode: v.mode },
      resourcePolicy: {
        containerPolicies: [
          {
            containerName: w.name,
            controlledResources: [...v.resources],
            controlledValues: "RequestsAndLimits",
            ...(v.min === undefined ? {} : { minAllowed: { ...v.min } }),
            ...(v.max === undefined ? {} : { maxAllowed: { ...v.max } }),
          },
        ],
      },
    },
  };
}

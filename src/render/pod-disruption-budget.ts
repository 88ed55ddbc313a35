import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { RenderContext } from "./context.js";
import { objectLabels, selectorLabels } from "./labels.js";

/**
 * A PodDisruptionBudget that lets one pod go at a time during node drains, and never blocks a drain
 * because of pods that are not healthy anyway (unhealthyPodEvictionPolicy AlwaysAllow).
 * Rendered only where at least two replicas run: with one, any budget either blocks or protects nothing.
 * https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export function renderPdb(
  ctx: RenderContext,
  name: string,
  component: string,
  matchLabels: Record<string, string> = selectorLabels(ctx.model, name),
): IPodDisruptionBudget & { metadata: { name: string } } {
  const { model } = ctx;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, namespace: model.namespace, labels: objectLabels(model, name, component) },
    spec: {
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      selector: { matchLabels },
    },
  };
}

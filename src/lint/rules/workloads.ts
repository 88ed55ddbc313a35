import { asString, field } from "../object.js";
import { indexOf } from "../object-index.js";
import { podTemplates, type PodTemplate } from "../pods.js";
import { sameNamespace } from "../selectors.js";
import type { ManifestObject, RuleContext } from "../types.js";

/** The workload an HPA scales, when the input has it. */
export function scaleTargetOf(ctx: RuleContext, hpa: ManifestObject): ManifestObject | undefined {
  const kind = asString(field(hpa.object, "spec", "scaleTargetRef", "kind")) ?? "";
  const name = asString(field(hpa.object, "spec", "scaleTargetRef", "name")) ?? "";
  return indexOf(ctx.objects).find(kind, name, hpa.namespace);
}

/** The HorizontalPodAutoscaler that scales a workload, if the input has one. */
export function hpaFor(ctx: RuleContext, target: ManifestObject): ManifestObject | undefined {
  return indexOf(ctx.objects)
    .of("HorizontalPodAutoscaler", target.namespace)
    .find(
      (o) =>
        field(o.object, "spec", "scaleTargetRef", "kind") === target.kind &&
        field(o.object, "spec", "scaleTargetRef", "name") === target.name &&
        sameNamespace(o.namespace, target.namespace),
    );
}

/** The fewest pods a workload runs: its HPA's minimum, its replicas, or 1. */
export function minimumPods(ctx: RuleContext, target: ManifestObject): number {
  const hpa = hpaFor(ctx, target);
  if (hpa !== undefined) {
    const min = field(hpa.object, "spec", "minReplicas");
    return typeof min === "number" ? min : 1;
  }
  const r = field(target.object, "spec", "replicas");
  return typeof r === "number" ? r : 1;
}

/** Pod templates of Deployments and StatefulSets (the workloads budgets and spreading are about). */
export function replicatedTemplates(ctx: RuleContext): PodTemplate[] {
  return podTemplates(ctx.objects).filter(
    (p) => p.target.kind === "Deployment" || p.target.kind === "StatefulSet",
  );
}

/** `Kind/name` for messages. */
export function refText(o: ManifestObject): string {
  return `${o.kind}/${o.name}`;
}

/** The name of the workload an HPA scales. */
export function scaleTargetName(o: ManifestObject): string {
  return `${asString(field(o.object, "spec", "scaleTargetRef", "kind")) ?? "?"}/${asString(field(o.object, "spec", "scaleTargetRef", "name")) ?? "?"}`;
}

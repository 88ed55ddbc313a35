import { asArray, asString, field } from "../object.js";
import { indexOf } from "../object-index.js";
import { sameNamespace } from "../selectors.js";
import type { ManifestObject, Rule } from "../types.js";
import { finding } from "./support.js";

const RESOURCES = ["cpu", "memory"] as const;

/** The resources an HPA scales on: its Resource and ContainerResource metrics. */
function hpaResources(hpa: ManifestObject): Set<string> {
  const out = new Set<string>();
  for (const m of asArray(field(hpa.object, "spec", "metrics"))) {
    const name = asString(field(m, "resource", "name")) ?? asString(field(m, "containerResource", "name"));
    if (name !== undefined) out.add(name);
  }
  return out;
}

/**
 * The resources a VPA changes on running pods: none in update mode Off; else each container policy's
 * controlledResources (cpu and memory by default), except policies whose own mode is Off.
 */
function vpaResources(vpa: ManifestObject): Set<string> {
  if (asString(field(vpa.object, "spec", "updatePolicy", "updateMode")) === "Off") return new Set();
  const policies = asArray(field(vpa.object, "spec", "resourcePolicy", "containerPolicies"));
  if (policies.length === 0) return new Set(RESOURCES);
  const out = new Set<string>();
  for (const p of policies) {
    if (asString(field(p, "mode")) === "Off") continue;
    const controlled = asArray(field(p, "controlledResources")).map((x) => asString(x) ?? "");
    for (const r of controlled.length > 0 ? controlled : RESOURCES) out.add(r);
  }
  return out;
}

export const hpaVpaConflict: Rule = {
  id: "hpa-vpa-conflict",
  severity: "error",
  category: "consistency",
  title: "An HPA and a VPA do not act on the same resource of a workload",
  why: "An HPA adds pods when CPU (or memory) use is high relative to requests; a VPA raises the requests when use is high. On the same resource each undoes the other's signal: the workload flaps between pod counts and sizes, and neither converges.",
  fix: "Scale out on CPU with the HPA and let the VPA control memory only (`controlledResources: [memory]`), or run the VPA with `updateMode: Off` as a recommender.",
  seeAlso: [
    "https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#known-limitations",
    "kube-linter (none)",
  ],
  examples: {
    bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  updatePolicy: {updateMode: Recreate}\n",
    good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  updatePolicy: {updateMode: Recreate}\n  resourcePolicy:\n    containerPolicies:\n      - containerName: '*'\n        controlledResources: [memory]\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    const hpas = index.of("HorizontalPodAutoscaler", undefined);
    if (hpas.length === 0) return;
    for (const v of index.of("VerticalPodAutoscaler", undefined)) {
      const kind = asString(field(v.object, "spec", "targetRef", "kind"));
      const name = asString(field(v.object, "spec", "targetRef", "name"));
      const hpa = hpas.find(
        (h) =>
          asString(field(h.object, "spec", "scaleTargetRef", "kind")) === kind &&
          asString(field(h.object, "spec", "scaleTargetRef", "name")) === name &&
          sameNamespace(h.namespace, v.namespace),
      );
      if (hpa === undefined) continue;
      const vertical = vpaResources(v);
      const both = [...hpaResources(hpa)].filter((r) => vertical.has(r)).sort();
      if (both.length > 0)
        yield finding(
          v,
          ["spec"],
          `VerticalPodAutoscaler/${v.name} and HorizontalPodAutoscaler/${hpa.name} both act on ${both.join(" and ")} of ${kind ?? "?"}/${name ?? "?"}`,
          both.includes("cpu")
            ? "let the VPA control memory only (controlledResources: [memory]), or set updateMode: Off"
            : "scale out on CPU only, or set the VPA's updateMode: Off",
        );
    }
  },
};

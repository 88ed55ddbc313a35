import { asArray, field } from "../object.js";
import { indexOf } from "../object-index.js";
import { containersOf, podTemplateOf } from "../pods.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";
import { scaleTargetName, scaleTargetOf } from "./workloads.js";

export const hpaTarget: Rule = {
  id: "hpa-target",
  severity: "error",
  category: "consistency",
  title: "An autoscaler targets an existing workload it can measure",
  why: "An HPA whose scaleTargetRef names no workload does nothing; one that scales on CPU or memory utilization of containers without requests reports `missing request for cpu` and never scales. Both look healthy in manifests.",
  fix: "Point `spec.scaleTargetRef` at the Deployment or StatefulSet (same kind, name and namespace), and give every container of it a request for each resource the HPA measures.",
  seeAlso: ["kube-score horizontalpodautoscaler-has-target"],
  examples: {
    bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          resources:\n            requests: {cpu: 100m}\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const h of index.of("HorizontalPodAutoscaler", undefined)) {
      const target = scaleTargetOf(ctx, h);
      if (target === undefined) {
        if (index.hasPods(h.namespace))
          yield finding(
            h,
            ["spec", "scaleTargetRef"],
            `HorizontalPodAutoscaler/${h.name} scales ${scaleTargetName(h)}, which is not in the input`,
            "point scaleTargetRef at the workload's kind and name",
          );
        continue;
      }
      const pod = podTemplateOf(target);
      if (pod === undefined) continue;
      const metrics = asArray(field(h.object, "spec", "metrics"));
      for (let i = 0; i < metrics.length; i++) {
        const m = metrics[i];
        if (field(m, "type") !== "Resource" || field(m, "resource", "target", "type") !== "Utilization")
          continue;
        const resource = String(field(m, "resource", "name"));
        const missing = containersOf(pod, { init: false, ephemeral: false })
          .filter((c) => field(c.container, "resources", "requests", resource) === undefined)
          .map((c) => c.name);
        if (missing.length > 0)
          yield finding(
            h,
            ["spec", "metrics", i],
            `HorizontalPodAutoscaler/${h.name} scales on ${resource} utilization, but container${missing.length === 1 ? "" : "s"} ${missing.join(", ")} of ${target.kind}/${target.name} request${missing.length === 1 ? "s" : ""} no ${resource}`,
            `set resources.requests.${resource} on every container of the workload`,
          );
      }
    }
  },
};

import { field } from "../object.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const hpaMinReplicas: Rule = {
  id: "hpa-min-replicas",
  severity: "warning",
  category: "reliability",
  title: "Autoscalers keep at least two replicas",
  why: "An HPA scales down to its minimum when load is low, typically at night, when node maintenance happens; with a minimum of one, that drain is an outage.",
  fix: "Set `spec.minReplicas: 2` or more.",
  seeAlso: ["kube-score horizontalpodautoscaler-replicas", "Polaris"],
  examples: {
    bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 1\n  maxReplicas: 5\n",
    good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n",
  },
  *check(ctx) {
    for (const o of ctx.objects) {
      if (o.kind !== "HorizontalPodAutoscaler") continue;
      const min = field(o.object, "spec", "minReplicas");
      const n = typeof min === "number" ? min : 1;
      if (n >= 2) continue;
      yield finding(
        o,
        typeof min === "number" ? ["spec", "minReplicas"] : ["spec"],
        `HorizontalPodAutoscaler/${o.name} scales down to ${n} replica${n === 1 ? "" : "s"}`,
        "set minReplicas: 2",
      );
    }
  },
};

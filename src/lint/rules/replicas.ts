import type { Rule } from "../types.js";
import { finding } from "./support.js";
import { hpaFor, minimumPods } from "./workloads.js";

export const replicas: Rule = {
  id: "replicas",
  severity: "warning",
  category: "reliability",
  title: "Deployments run at least two replicas (or are autoscaled from two)",
  why: "With one replica every rollout, node drain, eviction or crash is an outage of the service. Two replicas on different nodes survive all of them.",
  fix: "Set `spec.replicas: 2` or more, or an HPA with `minReplicas: 2`. For a singleton by design (a scheduler, a leader), waive the rule with the reason.",
  seeAlso: ["kube-score deployment-replicas", "Polaris", "kube-linter minimum-three-replicas"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  *check(ctx) {
    for (const o of ctx.objects) {
      if (o.kind !== "Deployment") continue;
      if (hpaFor(ctx, o) !== undefined) continue;
      const n = minimumPods(ctx, o);
      if (n === 0 || n >= 2) continue;
      yield finding(
        o,
        o.object.spec !== undefined && (o.object.spec as Record<string, unknown>).replicas !== undefined
          ? ["spec", "replicas"]
          : ["spec"],
        `Deployment/${o.name} runs a single replica`,
        "set replicas: 2 or more, or autoscale with minReplicas: 2",
      );
    }
  },
};

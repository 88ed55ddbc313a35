import { field } from "../object.js";
import type { Rule } from "../types.js";
import { eachOfKind, finding } from "./support.js";

export const pdbUnhealthyEviction: Rule = {
  id: "pdb-unhealthy-eviction",
  severity: "warning",
  category: "reliability",
  title: "Disruption budgets let unhealthy pods be evicted",
  why: "By default (IfHealthyBudget) a pod that is running but not Ready may be evicted only while the budget is met. A crash-looping Deployment then blocks every node drain and cluster upgrade: its broken pods count against the budget they can never satisfy. `AlwaysAllow` evicts pods that are not Ready anyway, which is what a drain needs and costs nothing, since they serve no traffic.",
  fix: "Set `spec.unhealthyPodEvictionPolicy: AlwaysAllow` on the PodDisruptionBudget (Kubernetes 1.27+).",
  seeAlso: ["https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy"],
  examples: {
    bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n",
    good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  unhealthyPodEvictionPolicy: AlwaysAllow\n  selector:\n    matchLabels: {app: api}\n",
  },
  check: (ctx) =>
    eachOfKind(ctx, ["PodDisruptionBudget"], (o) =>
      field(o.object, "spec", "unhealthyPodEvictionPolicy") === "AlwaysAllow"
        ? undefined
        : finding(
            o,
            ["spec"],
            `PodDisruptionBudget/${o.name} keeps pods that are not Ready from being evicted while the budget is short: a crash loop blocks node drains`,
            "set spec.unhealthyPodEvictionPolicy: AlwaysAllow",
          ),
    ),
};

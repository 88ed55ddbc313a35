import { field } from "../object.js";
import { indexOf } from "../object-index.js";
import { matchesSelector, sameNamespace } from "../selectors.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";
import { minimumPods, refText, replicatedTemplates } from "./workloads.js";

export const pdbMissing: Rule = {
  id: "pdb-missing",
  severity: "warning",
  category: "reliability",
  title: "Replicated workloads have a PodDisruptionBudget",
  why: "A node drain (an upgrade, autoscaler scale-down) evicts every pod on the node at once; without a budget, all replicas of a service can be on their way out together. A PodDisruptionBudget makes the drain wait until enough replicas are ready elsewhere.",
  fix: "Add a PodDisruptionBudget (policy/v1) whose selector matches the pods, with `maxUnavailable: 1`.",
  seeAlso: [
    "kube-score deployment-has-poddisruptionbudget",
    "kube-linter no-pod-disruption-budget",
    "Polaris",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const p of replicatedTemplates(ctx)) {
      if (minimumPods(ctx, p.target) < 2) continue;
      const covered = index
        .of("PodDisruptionBudget", p.target.namespace)
        .some(
          (b) =>
            sameNamespace(b.namespace, p.target.namespace) &&
            matchesSelector(field(b.object, "spec", "selector"), p.labels),
        );
      if (!covered)
        yield finding(
          p.target,
          ["metadata", "name"],
          `${refText(p.target)} runs several replicas but no PodDisruptionBudget covers its pods`,
          "add a PodDisruptionBudget with maxUnavailable: 1 and the workload's selector",
        );
    }
  },
};

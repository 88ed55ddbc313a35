import { field } from "../object.js";
import { indexOf } from "../object-index.js";
import { matchesSelector } from "../selectors.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const pdbSelectsNothing: Rule = {
  id: "pdb-selects-nothing",
  severity: "warning",
  category: "consistency",
  title: "Every PodDisruptionBudget selects some pods",
  why: "A budget whose selector matches no pod protects nothing; the workload it was meant for is drained without limit. It usually means the labels changed and the budget was forgotten.",
  fix: "Make `spec.selector` match the pod template labels of the workload it protects.",
  seeAlso: ["kube-score poddisruptionbudget-has-policy"],
  examples: {
    bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n",
    good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const b of index.of("PodDisruptionBudget", undefined)) {
      if (!index.hasPods(b.namespace)) continue;
      const sel = field(b.object, "spec", "selector");
      if (!index.pods(b.namespace).some((p) => matchesSelector(sel, p.labels)))
        yield finding(
          b,
          ["spec", "selector"],
          `PodDisruptionBudget/${b.name} selects no pod of the input`,
          "match the pod template labels of the workload it protects",
        );
    }
  },
};

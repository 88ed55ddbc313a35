import { field } from "../object.js";
import { indexOf } from "../object-index.js";
import { matchesSelector, sameNamespace } from "../selectors.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";
import { minimumPods, refText } from "./workloads.js";

function percent(v: unknown): number | undefined {
  return typeof v === "string" && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

export const pdbBlocksEviction: Rule = {
  id: "pdb-blocks-eviction",
  severity: "error",
  category: "reliability",
  title: "PodDisruptionBudgets allow at least one eviction",
  why: "A budget with `maxUnavailable: 0`, `minAvailable: 100%`, or a `minAvailable` as large as the replica count can never be satisfied: every node drain hangs until someone deletes the budget by hand, and cluster upgrades stall.",
  fix: "Use `maxUnavailable: 1` (or a percentage above 0), or a `minAvailable` below the smallest replica count.",
  seeAlso: ["kube-linter pdb-max-unavailable", "kube-linter pdb-min-available"],
  examples: {
    bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 0\n  selector:\n    matchLabels: {app: api}\n",
    good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const b of index.of("PodDisruptionBudget", undefined)) {
      const maxU = field(b.object, "spec", "maxUnavailable");
      const minA = field(b.object, "spec", "minAvailable");
      if (maxU === 0 || percent(maxU) === 0) {
        yield finding(
          b,
          ["spec", "maxUnavailable"],
          `PodDisruptionBudget/${b.name} allows no pod to be evicted`,
          "set maxUnavailable: 1",
        );
        continue;
      }
      if (percent(minA) === 100) {
        yield finding(
          b,
          ["spec", "minAvailable"],
          `PodDisruptionBudget/${b.name} requires 100% of its pods, so no pod can be evicted`,
          "use maxUnavailable: 1 instead",
        );
        continue;
      }
      if (typeof minA !== "number") continue;
      for (const p of index.pods(b.namespace)) {
        if (p.target.kind !== "Deployment" && p.target.kind !== "StatefulSet") continue;
        if (
          !sameNamespace(b.namespace, p.target.namespace) ||
          !matchesSelector(field(b.object, "spec", "selector"), p.labels)
        )
          continue;
        const n = minimumPods(ctx, p.target);
        if (minA >= n)
          yield finding(
            b,
            ["spec", "minAvailable"],
            `PodDisruptionBudget/${b.name} requires ${minA} available pods but ${refText(p.target)} can run as few as ${n}, so no pod can be evicted`,
            `set minAvailable below ${n}, or use maxUnavailable: 1`,
          );
      }
    }
  },
};

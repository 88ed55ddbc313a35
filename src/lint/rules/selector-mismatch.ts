import { field } from "../object.js";
import { podTemplates } from "../pods.js";
import { isEmptySelector, matchesSelector } from "../selectors.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const selectorMismatch: Rule = {
  id: "selector-mismatch",
  severity: "error",
  category: "consistency",
  title: "A workload's selector matches its own pod template",
  why: "The API server rejects a Deployment, StatefulSet, DaemonSet or ReplicaSet whose `spec.selector` does not match `spec.template.metadata.labels` (`selector does not match template labels`); an empty selector would adopt every pod of the namespace.",
  fix: "Make the selector a subset of the template's labels, usually `app.kubernetes.io/name` and `app.kubernetes.io/instance`. The selector cannot be changed later, so choose stable labels (no version).",
  seeAlso: ["kube-linter mismatching-selector"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  *check(ctx) {
    for (const p of podTemplates(ctx.objects)) {
      if (!["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(p.target.kind)) continue;
      const sel = field(p.target.object, "spec", "selector");
      if (sel === undefined) continue;
      if (isEmptySelector(sel))
        yield finding(
          p.target,
          ["spec", "selector"],
          `${p.target.kind}/${p.target.name} has an empty selector`,
          "select the pod template's app.kubernetes.io/name and instance labels",
        );
      else if (!matchesSelector(sel, p.labels))
        yield finding(
          p.target,
          ["spec", "selector"],
          `the selector of ${p.target.kind}/${p.target.name} does not match its pod template's labels`,
          "make spec.selector.matchLabels a subset of spec.template.metadata.labels",
        );
    }
  },
};

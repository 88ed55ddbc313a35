import { asArray } from "../object.js";
import { podTemplates } from "../pods.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

const DEFAULT_LABELS = ["app.kubernetes.io/name"];

export const requiredLabels: Rule = {
  id: "required-labels",
  severity: "warning",
  category: "metadata",
  title: "Workloads and their pods carry the required labels",
  why: "Labels are how people and tools find things: dashboards, cost reports, `kubectl get -l`, NetworkPolicies and alerts all select by them. The recommended `app.kubernetes.io/*` labels make every workload findable the same way.",
  fix: "Add the labels to the workload's metadata and to its pod template. The list is set in `.kubeship-lint.yaml`: `rules: {required-labels: {labels: [app.kubernetes.io/name, team]}}`.",
  seeAlso: ["kube-linter required-label-owner", "Polaris"],
  optionsDoc: {
    labels: "the label keys every workload and pod template must have (default: app.kubernetes.io/name)",
  },
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels: {app.kubernetes.io/name: api}\nspec:\n  selector:\n    matchLabels: {app.kubernetes.io/name: api}\n  template:\n    metadata:\n      labels: {app.kubernetes.io/name: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  *check(ctx) {
    const wanted = asArray(ctx.options.labels).filter((x): x is string => typeof x === "string");
    const labels = wanted.length > 0 ? wanted : DEFAULT_LABELS;
    for (const p of podTemplates(ctx.objects)) {
      const own = (p.target.object.metadata as Record<string, unknown> | undefined)?.labels as
        Record<string, unknown> | undefined;
      const missingOwn = p.target.kind === "Pod" ? [] : labels.filter((l) => own?.[l] === undefined);
      if (missingOwn.length > 0)
        yield finding(
          p.target,
          ["metadata"],
          `${p.target.kind}/${p.target.name} has no label ${missingOwn.join(", ")}`,
          `add ${missingOwn.join(", ")} to metadata.labels`,
        );
      const missingPod = labels.filter((l) => p.labels[l] === undefined);
      if (missingPod.length > 0)
        yield finding(
          p.target,
          p.metaPath,
          `the pods of ${p.target.kind}/${p.target.name} have no label ${missingPod.join(", ")}`,
          `add ${missingPod.join(", ")} to the pod template's labels`,
        );
    }
  },
};

import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

export const privileged: Rule = {
  id: "privileged",
  severity: "error",
  category: "security",
  title: "No privileged containers",
  why: "A privileged container has every capability and every device of the node; a process that escapes it owns the node and every pod on it. The Pod Security Standards forbid it from the baseline level up.",
  fix: "Remove `securityContext.privileged: true`. If the workload needs one kernel feature, add just that capability (and drop ALL others); node agents that truly need the host belong in a dedicated, locked-down namespace.",
  seeAlso: [
    "kube-score container-security-context-privileged",
    "kube-linter privileged-container",
    "Polaris privilegeEscalationAllowed",
    "Checkov CKV_K8S_16",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          securityContext:\n            privileged: true\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          securityContext:\n            privileged: false\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) =>
      c.container.securityContext !== undefined &&
      (c.container.securityContext as Record<string, unknown>).privileged === true
        ? finding(
            c.pod.target,
            [...c.path, "securityContext", "privileged"],
            `container "${c.name}" is privileged`,
            "remove privileged: true; add only the capability it needs",
          )
        : undefined,
    ),
};

import type { Rule } from "../types.js";
import { eachContainer, finding, securityContextOf } from "./support.js";

export const privilegeEscalation: Rule = {
  id: "privilege-escalation",
  severity: "warning",
  category: "security",
  title: "Containers set allowPrivilegeEscalation: false",
  why: "Unless it is switched off, a process can gain more privileges than its parent through setuid binaries or file capabilities (`no_new_privs` is not set). It is the default, so only an explicit false closes it; the restricted Pod Security Standard requires it.",
  fix: "Set `securityContext.allowPrivilegeEscalation: false` on every container, init containers included.",
  seeAlso: [
    "kube-linter privilege-escalation-container",
    "Polaris privilegeEscalationAllowed",
    "Checkov CKV_K8S_20",
    "Trivy KSV001",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          securityContext:\n            allowPrivilegeEscalation: false\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) =>
      securityContextOf(c).allowPrivilegeEscalation === false
        ? undefined
        : finding(
            c.pod.target,
            [...c.path, "securityContext"],
            `container "${c.name}" allows privilege escalation`,
            "set securityContext.allowPrivilegeEscalation: false",
          ),
    ),
};

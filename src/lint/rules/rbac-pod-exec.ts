import type { Rule } from "../types.js";
import { eachOfKind } from "./support.js";
import { riskFindings } from "./rbac-support.js";

export const rbacPodExec: Rule = {
  id: "rbac-pod-exec",
  severity: "warning",
  category: "rbac",
  title: "Roles do not allow exec or attach into pods",
  why: "create on pods/exec or pods/attach runs commands inside any pod of the namespace, with that pod's identity, secrets and network access; it is a way around every other restriction.",
  fix: "Remove pods/exec and pods/attach from workload roles; give people debugging access through a separate, audited role.",
  seeAlso: ["kube-linter", "Trivy KSV053"],
  examples: {
    bad: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: debug\nrules:\n  - apiGroups: [""]\n    resources: [pods/exec]\n    verbs: [create]\n',
    good: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: debug\nrules:\n  - apiGroups: [""]\n    resources: [pods/log]\n    verbs: [get]\n',
  },
  check: (ctx) => eachOfKind(ctx, ["Role", "ClusterRole"], (o) => riskFindings(o, "rbac-pod-exec")),
};

import type { Rule } from "../types.js";
import { eachOfKind } from "./support.js";
import { riskFindings } from "./rbac-support.js";

export const rbacEscalation: Rule = {
  id: "rbac-escalation",
  severity: "warning",
  category: "rbac",
  title: "Roles do not escalate, bind or impersonate",
  why: "escalate lets a holder write roles with rights it lacks, bind lets it bind any role (cluster-admin included) to itself, impersonate lets it act as any user or ServiceAccount: each is a way to every right the API has.",
  fix: "Remove escalate, bind and impersonate; grant the rights the workload needs directly, and review them.",
  seeAlso: [
    "Trivy KSV043 (impersonate)",
    "Trivy KSV056 (bind, escalate)",
    "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
  ],
  examples: {
    bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: binder\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [roles]\n    verbs: [bind, escalate]\n",
    good: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, list, watch]\n',
  },
  check: (ctx) => eachOfKind(ctx, ["Role", "ClusterRole"], (o) => riskFindings(o, "rbac-escalation")),
};

import type { Rule } from "../types.js";
import { eachOfKind } from "./support.js";
import { riskFindings } from "./rbac-support.js";

export const rbacReadSecrets: Rule = {
  id: "rbac-read-secrets",
  severity: "warning",
  category: "rbac",
  title: "Roles do not read Secrets unless they must",
  why: "get, list or watch on secrets gives every credential of the namespace (or, in a ClusterRole, of the cluster) to whoever holds the role; list alone returns the values.",
  fix: "Mount the one Secret the workload needs instead of reading it through the API; if the API is needed, restrict the rule with `resourceNames`.",
  seeAlso: ["kube-linter access-to-secrets", "Trivy KSV041"],
  examples: {
    bad: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get, list]\n',
    good: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, list]\n',
  },
  check: (ctx) => eachOfKind(ctx, ["Role", "ClusterRole"], (o) => riskFindings(o, "rbac-read-secrets")),
};

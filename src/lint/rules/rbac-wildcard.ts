import type { Rule } from "../types.js";
import { eachOfKind } from "./support.js";
import { riskFindings } from "./rbac-support.js";

export const rbacWildcard: Rule = {
  id: "rbac-wildcard",
  severity: "warning",
  category: "rbac",
  title: "Roles name their verbs, resources and API groups",
  why: "A `*` grants everything that exists today and everything added later, including new resources of new CRDs; nobody can review what it allows. Least privilege needs explicit lists.",
  fix: "Replace `*` with the verbs (get, list, watch...), resources and API groups the workload uses.",
  seeAlso: ["kube-linter wildcard-in-rules", "Checkov CKV_K8S_49", "Trivy KSV044"],
  examples: {
    bad: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [""]\n    resources: ["*"]\n    verbs: ["*"]\n',
    good: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, list, watch]\n',
  },
  check: (ctx) => eachOfKind(ctx, ["Role", "ClusterRole"], (o) => riskFindings(o, "rbac-wildcard")),
};

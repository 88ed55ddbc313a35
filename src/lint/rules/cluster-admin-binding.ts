import { field } from "../object.js";
import type { Rule } from "../types.js";
import { eachOfKind, finding } from "./support.js";

export const clusterAdminBinding: Rule = {
  id: "cluster-admin-binding",
  severity: "error",
  category: "rbac",
  title: "Nothing is bound to cluster-admin",
  why: "cluster-admin can do anything in every namespace, including reading every Secret and granting itself more. A workload bound to it turns any bug in that workload into a cluster takeover.",
  fix: "Bind a Role (or ClusterRole) with only the permissions needed. Humans get cluster-admin through the cloud provider's identity, not a manifest.",
  seeAlso: [
    "kube-linter cluster-admin-role-binding",
    "Polaris clusterrolebindingClusterAdmin",
    "Trivy KSV111",
  ],
  examples: {
    bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: api-admin\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects:\n  - {kind: ServiceAccount, name: api, namespace: shop}\n",
    good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: api-reader\n  namespace: shop\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-reader}\nsubjects:\n  - {kind: ServiceAccount, name: api, namespace: shop}\n",
  },
  check: (ctx) =>
    eachOfKind(ctx, ["ClusterRoleBinding", "RoleBinding"], (o) =>
      field(o.object, "roleRef", "name") === "cluster-admin" &&
      field(o.object, "roleRef", "kind") === "ClusterRole"
        ? finding(
            o,
            ["roleRef", "name"],
            `${o.kind}/${o.name} grants cluster-admin`,
            "bind a Role with only the permissions needed",
          )
        : undefined,
    ),
};

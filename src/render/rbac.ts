import type { IClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import type { IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { AppModel, PermissionRule, Workload } from "../model/app-model.js";
import { objectLabels } from "./labels.js";

type Named<T> = T & { metadata: { name: string } };

/**
 * Label on cluster-scoped objects (ClusterRoles and their bindings) with the namespace of the app
 * they belong to: the same app deployed to two namespaces owns two sets, and each deploy, prune and
 * destroy selects its own by it.
 */
export const NAMESPACE_LABEL = "kubeship.io/namespace";

/** Whether a workload calls the Kubernetes API (the spec gives it permissions). */
export function hasPermissions(w: Workload): boolean {
  return w.permissions.length > 0 || w.clusterPermissions.length > 0;
}

/** The name of a workload's ClusterRole and binding: cluster-wide, so the namespace is part of it. */
export function clusterRoleName(model: AppModel, w: Workload): string {
  return `${model.namespace}-${w.name}`;
}

function rules(list: readonly PermissionRule[]): NonNullable<IRole["rules"]> {
  return list.map((r) => ({
    apiGroups: [...r.apiGroups],
    resources: [...r.resources],
    verbs: [...r.verbs],
    ...(r.names.length > 0 ? { resourceNames: [...r.names] } : {}),
  }));
}

/**
 * The Role and RoleBinding (and ClusterRole and ClusterRoleBinding) that give a workload's own
 * ServiceAccount exactly the spec's permissions; none without permissions.
 */
export function renderWorkloadRbac(
  model: AppModel,
  w: Workload,
): Named<IRole | IRoleBinding | IClusterRole | IClusterRoleBinding>[] {
  const component = w.kind === "cronjob" ? "job" : w.kind;
  const subjects = [{ kind: "ServiceAccount", name: w.name, namespace: model.namespace }];
  const out: Named<IRole | IRoleBinding | IClusterRole | IClusterRoleBinding>[] = [];
  if (w.permissions.length > 0) {
    const metadata = {
      name: w.name,
      namespace: model.namespace,
      labels: objectLabels(model, w.name, component),
    };
    out.push(
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata, rules: rules(w.permissions) },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: w.name },
        subjects,
      },
    );
  }
  if (w.clusterPermissions.length > 0) {
    const name = clusterRoleName(model, w);
    const metadata = {
      name,
      labels: { ...objectLabels(model, w.name, component), [NAMESPACE_LABEL]: model.namespace },
    };
    out.push(
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata,
        rules: rules(w.clusterPermissions),
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects,
      },
    );
  }
  return out;
}

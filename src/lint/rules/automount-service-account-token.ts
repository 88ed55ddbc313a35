import { asArray, asString, field } from "../object.js";
import { sameNamespace } from "../selectors.js";
import type { Rule } from "../types.js";
import { eachPod, finding } from "./support.js";

export const automountServiceAccountToken: Rule = {
  id: "automount-service-account-token",
  severity: "warning",
  category: "security",
  title: "Pods that do not call the Kubernetes API get no API token",
  why: "By default every pod gets a token of its ServiceAccount mounted; most applications never use it, and anyone who breaks into the pod can use it against the API. This rule looks at the RBAC bindings in the same input: a ServiceAccount bound to a Role is taken to need its token.",
  fix: "Set `automountServiceAccountToken: false` on the pod (or on its ServiceAccount).",
  seeAlso: ["kube-score", "Polaris automountServiceAccountToken", "Checkov CKV_K8S_38", "Trivy KSV036"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      serviceAccountName: api\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      serviceAccountName: api\n      automountServiceAccountToken: false\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  check(ctx) {
    // ServiceAccount name -> namespaces of the bindings' subjects ("" when a subject names none).
    const bound = new Map<string, Set<string>>();
    const accounts = new Map<string, unknown>();
    for (const o of ctx.objects) {
      if (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding")
        for (const s of asArray(field(o.object, "subjects")))
          if (field(s, "kind") === "ServiceAccount") {
            const name = asString(field(s, "name")) ?? "";
            const set = bound.get(name) ?? new Set<string>();
            set.add(asString(field(s, "namespace")) ?? o.namespace ?? "");
            bound.set(name, set);
          }
      if (o.kind === "ServiceAccount")
        accounts.set(`${o.namespace ?? ""}/${o.name}`, field(o.object, "automountServiceAccountToken"));
    }
    return eachPod(ctx, (p) => {
      if (p.spec.automountServiceAccountToken === false) return undefined;
      const sa = asString(p.spec.serviceAccountName) ?? "default";
      const key = `${p.target.namespace ?? ""}/${sa}`;
      if (p.spec.automountServiceAccountToken !== true && accounts.get(key) === false) return undefined;
      const namespaces = bound.get(sa);
      if (
        namespaces !== undefined &&
        [...namespaces].some((ns) => sameNamespace(ns || undefined, p.target.namespace))
      )
        return undefined;
      return finding(
        p.target,
        p.specPath,
        `the pod mounts a token of ServiceAccount "${sa}", which no Role in the input is bound to`,
        "set automountServiceAccountToken: false on the pod or its ServiceAccount",
      );
    });
  },
};

import { asString } from "../object.js";
import type { Rule } from "../types.js";
import { eachPod, finding } from "./support.js";

export const defaultServiceAccount: Rule = {
  id: "default-service-account",
  severity: "warning",
  category: "security",
  title: "Pods run under their own ServiceAccount",
  why: "Every pod that names no ServiceAccount shares the namespace's `default` one; a permission granted to one of them (often by a chart) is granted to all, and audit logs cannot tell them apart.",
  fix: "Create a ServiceAccount per workload and set `serviceAccountName`; grant it only what that workload needs.",
  seeAlso: ["kube-linter default-service-account", "Checkov CKV_K8S_41"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      serviceAccountName: api\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  check: (ctx) =>
    eachPod(ctx, (p) => {
      const sa = asString(p.spec.serviceAccountName) ?? asString(p.spec.serviceAccount);
      return sa === undefined || sa === "default"
        ? finding(
            p.target,
            sa === undefined ? p.specPath : [...p.specPath, "serviceAccountName"],
            "the pod runs under the namespace's default ServiceAccount",
            "create a ServiceAccount for the workload and set serviceAccountName",
          )
        : undefined;
    }),
};

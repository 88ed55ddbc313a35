import { asRecord } from "../object.js";
import type { Rule } from "../types.js";
import { effectiveSecurity, eachContainer, finding } from "./support.js";

export const seccompProfile: Rule = {
  id: "seccomp-profile",
  severity: "warning",
  category: "security",
  title: "Containers run with the RuntimeDefault (or a Localhost) seccomp profile",
  why: "Without a seccomp profile a container may call every system call of the kernel, including the rarely used ones most kernel exploits go through. RuntimeDefault blocks them at no cost to normal programs; the restricted Pod Security Standard requires it.",
  fix: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
  seeAlso: ["kube-score container-seccomp-profile", "Polaris", "Checkov CKV_K8S_31", "Trivy KSV030"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) => {
      const type = asRecord(effectiveSecurity(c, "seccompProfile"))?.type;
      return type === "RuntimeDefault" || type === "Localhost"
        ? undefined
        : finding(
            c.pod.target,
            [...c.path, "securityContext"],
            `container "${c.name}" runs ${type === undefined ? "without a seccomp profile" : `with seccomp profile ${JSON.stringify(type)}`}`,
            "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
          );
    }),
};

import type { Rule } from "../types.js";
import { effectiveSecurity, eachContainer, finding } from "./support.js";

export const runAsNonRoot: Rule = {
  id: "run-as-non-root",
  severity: "warning",
  category: "security",
  title: "Containers cannot run as root",
  why: "Many images still start as uid 0. Root inside a container is root on the host's files it can reach, and one kernel bug away from root on the node. With `runAsNonRoot: true` the kubelet refuses to start a container whose user is root.",
  fix: "Set `securityContext.runAsNonRoot: true` on the pod (or the container) and a non-zero `runAsUser`, e.g. 10001; build the image with a `USER` line.",
  seeAlso: [
    "kube-score container-security-context-user-group-id",
    "Polaris runAsRootAllowed",
    "Checkov CKV_K8S_23",
    "Trivy KSV012",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) => {
      const nonRoot = effectiveSecurity(c, "runAsNonRoot");
      const user = effectiveSecurity(c, "runAsUser");
      if (user === 0)
        return finding(
          c.pod.target,
          [...c.path, "securityContext"],
          `container "${c.name}" runs as uid 0 (root)`,
          "set runAsUser to a non-zero uid, e.g. 10001",
        );
      if (nonRoot === true || (typeof user === "number" && user > 0)) return undefined;
      return finding(
        c.pod.target,
        [...c.path, "securityContext"],
        `container "${c.name}" may run as root`,
        "set securityContext.runAsNonRoot: true and runAsUser: 10001 on the pod",
      );
    }),
};

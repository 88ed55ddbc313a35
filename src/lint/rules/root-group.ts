import { field } from "../object.js";
import type { Rule } from "../types.js";
import { effectiveSecurity, eachContainer, eachPod, finding } from "./support.js";

export const rootGroup: Rule = {
  id: "root-group",
  severity: "warning",
  category: "security",
  title: "Containers do not run with group 0",
  why: "Group 0 (root) owns many files of the node and of images; a process in it can read or write them even as a non-root user. An fsGroup of 0 makes every mounted volume writable by that group.",
  fix: "Set `runAsGroup` and `fsGroup` to a non-zero gid, usually the same as `runAsUser`.",
  seeAlso: ["kube-score container-security-context-user-group-id", "Checkov CKV_K8S_40", "Trivy KSV029"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      securityContext:\n        runAsGroup: 0\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      securityContext:\n        runAsGroup: 10001\n        fsGroup: 10001\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  *check(ctx) {
    yield* eachContainer(ctx, (c) =>
      effectiveSecurity(c, "runAsGroup") === 0
        ? finding(
            c.pod.target,
            [...c.path, "securityContext"],
            `container "${c.name}" runs with group 0 (root)`,
            "set runAsGroup to a non-zero gid",
          )
        : undefined,
    );
    yield* eachPod(ctx, (p) =>
      field(p.spec, "securityContext", "fsGroup") === 0
        ? finding(
            p.target,
            [...p.specPath, "securityContext", "fsGroup"],
            "fsGroup 0 gives group root to every volume",
            "set fsGroup to a non-zero gid",
          )
        : undefined,
    );
  },
};

import type { Rule } from "../types.js";
import { eachContainer, finding, securityContextOf } from "./support.js";

export const readOnlyRootFilesystem: Rule = {
  id: "read-only-root-filesystem",
  severity: "warning",
  category: "security",
  title: "Containers have a read-only root filesystem",
  why: "A writable root filesystem lets an attacker drop tools or change binaries inside a running container, and lets an application write state that is silently lost on restart. Read-only makes both impossible and the writable places explicit.",
  fix: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the process must write (`/tmp`, caches). For software that cannot run that way, waive the rule on the object with the reason: `kubeship.io/waive.read-only-root-filesystem: <why>`.",
  seeAlso: [
    "kube-score container-security-context-readonlyrootfilesystem",
    "kube-linter no-read-only-root-fs",
    "Polaris notReadOnlyRootFilesystem",
    "Checkov CKV_K8S_22",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          securityContext:\n            readOnlyRootFilesystem: true\n",
  },
  check: (ctx) =>
    eachContainer(
      ctx,
      (c) =>
        securityContextOf(c).readOnlyRootFilesystem === true
          ? undefined
          : finding(
              c.pod.target,
              [...c.path, "securityContext"],
              `container "${c.name}" has a writable root filesystem`,
              "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes",
            ),
      { init: true, ephemeral: false },
    ),
};

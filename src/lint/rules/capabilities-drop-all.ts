import { asArray, field } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

export const capabilitiesDropAll: Rule = {
  id: "capabilities-drop-all",
  severity: "warning",
  category: "security",
  title: "Containers drop ALL Linux capabilities",
  why: "Container runtimes grant a default set of capabilities (CHOWN, NET_RAW, SETUID and more) that almost no application needs; NET_RAW alone allows spoofing on the pod network. Dropping ALL and adding back only what is needed is the restricted Pod Security Standard.",
  fix: "Add `securityContext.capabilities.drop: [ALL]`, and `add: [NET_BIND_SERVICE]` only if the process binds a port below 1024.",
  seeAlso: [
    "kube-score container-security-context-user-group-id",
    "Polaris dangerousCapabilities",
    "Checkov CKV_K8S_28",
    "Trivy KSV003",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          securityContext:\n            capabilities:\n              drop: [ALL]\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) =>
      asArray(field(c.container, "securityContext", "capabilities", "drop")).includes("ALL")
        ? undefined
        : finding(
            c.pod.target,
            [...c.path, "securityContext"],
            `container "${c.name}" does not drop ALL capabilities`,
            "set securityContext.capabilities.drop: [ALL]",
          ),
    ),
};

import { field } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

export const memoryLimit: Rule = {
  id: "memory-limit",
  severity: "warning",
  category: "resources",
  title: "Containers have a memory limit",
  why: "A container without a memory limit can take all of its node's memory; the kernel then kills processes of other pods. A limit bounds the damage of a leak to the leaking container. (A CPU limit is a trade-off, since it throttles even when the node is idle, so it is not required.)",
  fix: "Set `resources.limits.memory`, usually equal to or somewhat above the memory request.",
  seeAlso: [
    "kube-score container-resources",
    "kube-linter unset-memory-requirements",
    "Polaris memoryLimitsMissing",
    "Checkov CKV_K8S_13",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {memory: 256Mi}\n",
  },
  check: (ctx) =>
    eachContainer(
      ctx,
      (c) =>
        field(c.container, "resources", "limits", "memory") === undefined
          ? finding(
              c.pod.target,
              [...c.path, "resources"],
              `container "${c.name}" has no memory limit`,
              "set resources.limits.memory",
            )
          : undefined,
      { init: true, ephemeral: false },
    ),
};

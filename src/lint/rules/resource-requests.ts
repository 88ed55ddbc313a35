import { field } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

export const resourceRequests: Rule = {
  id: "resource-requests",
  severity: "warning",
  category: "resources",
  title: "Containers request CPU and memory",
  why: "The scheduler places pods by their requests. Without them a node is overbooked, pods are the first to be evicted under memory pressure (BestEffort class), and an HPA on CPU utilization cannot compute anything.",
  fix: "Set `resources.requests.cpu` and `resources.requests.memory` to what the container uses under normal load (see `kubectl top pod`).",
  seeAlso: [
    "kube-score container-resources",
    "kube-linter unset-cpu-requirements",
    "Polaris cpuRequestsMissing",
    "Checkov CKV_K8S_10",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {memory: 256Mi}\n",
  },
  check: (ctx) =>
    eachContainer(
      ctx,
      (c) => {
        const missing = ["cpu", "memory"].filter(
          (r) => field(c.container, "resources", "requests", r) === undefined,
        );
        return missing.length === 0
          ? undefined
          : finding(
              c.pod.target,
              [...c.path, "resources"],
              `container "${c.name}" has no ${missing.join(" or ")} request`,
              `set resources.requests.${missing.join(" and resources.requests.")}`,
            );
      },
      { init: true, ephemeral: false },
    ),
};

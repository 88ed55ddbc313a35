import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";
import { isSidecar } from "../pods.js";

export const livenessProbe: Rule = {
  id: "liveness-probe",
  severity: "warning",
  category: "reliability",
  title: "Long-running containers have a liveness probe",
  why: "A process that hangs (a deadlock, an exhausted pool) keeps its container running forever; only a liveness probe lets the kubelet notice and restart it.",
  fix: "Add `livenessProbe` (an HTTP health endpoint, a TCP check or a command) that fails only when a restart would help, with a `startupProbe` for slow starters. Jobs and CronJobs need none.",
  seeAlso: [
    "kube-score container-probes",
    "kube-linter no-liveness-probe",
    "Polaris livenessProbeMissing",
    "Checkov CKV_K8S_8",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          livenessProbe:\n            tcpSocket: {port: 8080}\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) =>
      c.pod.longRunning &&
      (c.type === "containers" || isSidecar(c)) &&
      c.container.livenessProbe === undefined
        ? finding(c.pod.target, c.path, `container "${c.name}" has no liveness probe`, "add a livenessProbe")
        : undefined,
    ),
};

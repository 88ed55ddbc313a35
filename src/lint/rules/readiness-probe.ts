import { asArray } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

export const readinessProbe: Rule = {
  id: "readiness-probe",
  severity: "warning",
  category: "reliability",
  title: "Containers that serve a port have a readiness probe",
  why: "Without a readiness probe a pod gets traffic the moment its process starts, before it can answer, and keeps getting it while it is overloaded or shutting down; every rollout then drops requests. Rollouts also cannot tell a good version from a broken one.",
  fix: "Add `readinessProbe` that succeeds only when the container can serve (an HTTP `/ready`, a TCP check on the port).",
  seeAlso: [
    "kube-score container-probes",
    "kube-linter no-readiness-probe",
    "Polaris readinessProbeMissing",
    "Checkov CKV_K8S_9",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          ports:\n            - containerPort: 8080\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          ports:\n            - containerPort: 8080\n          readinessProbe:\n            httpGet: {path: /ready, port: 8080}\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) =>
      c.pod.longRunning &&
      c.type === "containers" &&
      asArray(c.container.ports).length > 0 &&
      c.container.readinessProbe === undefined
        ? finding(
            c.pod.target,
            c.path,
            `container "${c.name}" serves a port but has no readiness probe`,
            "add a readinessProbe",
          )
        : undefined,
    ),
};

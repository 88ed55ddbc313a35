import { asNumber, asRecord } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

const HANDLERS = ["httpGet", "tcpSocket", "grpc", "exec"] as const;

export const probesIdentical: Rule = {
  id: "probes-identical",
  severity: "warning",
  category: "reliability",
  title: "A liveness probe that repeats the readiness probe is more patient than it",
  why: "Readiness takes a pod out of the Service; liveness restarts it. When both ask the same endpoint and liveness gives up as soon as readiness does, every slow moment (a burst of traffic, a slow dependency) restarts pods instead of resting them, and the restarts move the load onto the remaining pods until they fail too. The same check is fine when liveness waits longer (periodSeconds x failureThreshold) than readiness: the pod leaves the Service first and is restarted only if it does not recover.",
  fix: "Give liveness a cheaper check of its own (a `/livez` that answers while the process is alive, or a TCP check of the port), or make it wait longer than readiness: a larger `periodSeconds` or `failureThreshold`.",
  seeAlso: [
    "kube-score container-probes",
    "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          ports: [{name: http, containerPort: 8080}]\n          readinessProbe:\n            httpGet: {path: /health, port: http}\n          livenessProbe:\n            httpGet: {path: /health, port: http}\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          ports: [{name: http, containerPort: 8080}]\n          readinessProbe:\n            httpGet: {path: /health, port: http}\n            periodSeconds: 10\n          livenessProbe:\n            httpGet: {path: /health, port: http}\n            periodSeconds: 20\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) => {
      const readiness = asRecord(c.container.readinessProbe);
      const liveness = asRecord(c.container.livenessProbe);
      if (readiness === undefined || liveness === undefined) return undefined;
      const handler = HANDLERS.find((h) => readiness[h] !== undefined);
      if (handler === undefined || liveness[handler] === undefined) return undefined;
      if (canonical(readiness[handler]) !== canonical(liveness[handler])) return undefined;
      if (patience(liveness) > patience(readiness)) return undefined;
      return finding(
        c.pod.target,
        [...c.path, "livenessProbe"],
        `container "${c.name}" restarts on the same check that takes it out of the Service, and no later (${patience(liveness)} s against readiness's ${patience(readiness)} s)`,
        "give liveness a cheaper check, or a larger periodSeconds or failureThreshold than readiness",
      );
    }),
};

/** How long a probe waits from the first failure to acting, in seconds (the API server's defaults). */
function patience(probe: Readonly<Record<string, unknown>>): number {
  return (asNumber(probe.periodSeconds) ?? 10) * (asNumber(probe.failureThreshold) ?? 3);
}

/** What a handler asks: the fields that make two handlers the same check (cheap: every container). */
function canonical(v: unknown): string {
  const h = asRecord(v);
  if (h === undefined) return "";
  const command = Array.isArray(h.command) ? h.command.join("\u0000") : "";
  return `${String(h.path)} ${String(h.port)} ${String(h.host)} ${String(h.scheme)} ${String(h.service)} ${command}`;
}

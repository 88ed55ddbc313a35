import { field } from "../object.js";
import { containerPorts } from "../pods.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"];

export const probePort: Rule = {
  id: "probe-port",
  severity: "error",
  category: "consistency",
  title: "Probes check a port the container opens",
  why: "A probe on a port name the container does not declare never succeeds, and a probe on a number the container does not open is refused: the pod never becomes ready, or is restarted forever, though the application is fine.",
  fix: "Point the probe at a declared `containerPort`, preferably by its name.",
  seeAlso: ["kube-linter liveness-port", "kube-linter readiness-port"],
  examples: {
    bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      ports:\n        - {name: http, containerPort: 8080}\n      readinessProbe:\n        httpGet: {path: /ready, port: web}\n",
    good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      ports:\n        - {name: http, containerPort: 8080}\n      readinessProbe:\n        httpGet: {path: /ready, port: http}\n",
  },
  check: (ctx) =>
    eachContainer(
      ctx,
      (c) => {
        const ports = containerPorts(c.container);
        return PROBES.flatMap((probe) =>
          ["httpGet", "tcpSocket", "grpc"].flatMap((handler) => {
            const port = field(c.container, probe, handler, "port");
            if (port === undefined) return [];
            const named = typeof port === "string" && !/^\d+$/.test(port);
            const ok = named
              ? ports.names.has(port)
              : ports.numbers.size === 0 || ports.numbers.has(Number(port));
            return ok
              ? []
              : [
                  finding(
                    c.pod.target,
                    [...c.path, probe, handler, "port"],
                    `the ${probe} of container "${c.name}" checks port ${JSON.stringify(port)}, which the container does not ${named ? "declare" : "open"}`,
                    `use one of its ports: ${[...ports.names.keys(), ...[...ports.numbers].map(String)].join(", ")}`,
                  ),
                ];
          }),
        );
      },
      { init: true, ephemeral: false },
    ),
};

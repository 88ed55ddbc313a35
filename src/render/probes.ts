import type { IProbe } from "kubernetes-models/v1";
import type { ProbeCheck, Workload } from "../model/app-model.js";
import { servicePortName } from "./context.js";

/** Readiness: checked often, taken out of the Service quickly. */
export const READINESS_TIMING = {
  periodSeconds: 10,
  timeoutSeconds: 3,
  failureThreshold: 3,
  successThreshold: 1,
} as const;
/** Liveness: patient, so a slow moment does not restart a healthy pod. */
export const LIVENESS_TIMING = {
  periodSeconds: 20,
  timeoutSeconds: 3,
  failureThreshold: 3,
  successThreshold: 1,
} as const;
/** Start-up: up to 150 s before liveness takes over. */
export const STARTUP_TIMING = {
  periodSeconds: 5,
  timeoutSeconds: 3,
  failureThreshold: 30,
  successThreshold: 1,
} as const;

/** The Kubernetes probe for one check of a workload. */
export function probeFor(w: Workload, check: ProbeCheck, timing: Partial<IProbe>): IProbe {
  switch (check.kind) {
    case "http":
      return { httpGet: { path: check.path, port: servicePortName(w) }, ...timing };
    // gRPC probes take a port number, not a name.
    case "grpc":
      return { grpc: { port: w.port ?? 0 }, ...timing };
    case "tcp":
      return { tcpSocket: { port: servicePortName(w) }, ...timing };
    case "exec":
      return { exec: { command: [...check.command] }, ...timing };
  }
}

/** The probes of a workload's main container. */
export function workloadProbes(w: Workload): {
  readinessProbe?: IProbe;
  livenessProbe?: IProbe;
  startupProbe?: IProbe;
} {
  const h = w.health;
  return {
    ...(h.readiness ? { readinessProbe: probeFor(w, h.readiness, READINESS_TIMING) } : {}),
    ...(h.liveness ? { livenessProbe: probeFor(w, h.liveness, LIVENESS_TIMING) } : {}),
    ...(h.startup ? { startupProbe: probeFor(w, h.startup, STARTUP_TIMING) } : {}),
  };
}

import type { Autoscale, Resources } from "./app-model.js";

/** Resources of a workload when neither it nor `defaults` sets them. @default 100m/128Mi requested, 500m/256Mi limit */
export const DEFAULT_WORKLOAD_RESOURCES: Resources = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/** Replicas of a service or worker when neither it nor `defaults` sets them: two, so one can be evicted. */
export const DEFAULT_REPLICAS = 2;

/** HPA CPU target when `autoscale` names neither cpu nor memory. */
export const DEFAULT_AUTOSCALE_CPU = 80;

/** Job retries before it is marked failed. */
export const DEFAULT_JOB_BACKOFF_LIMIT = 2;

/** Job activeDeadlineSeconds: a hung migration fails instead of blocking a deploy forever. */
export const DEFAULT_JOB_TIMEOUT_SECONDS = 600;

/** Ingress class when `ingress.className` is not set. */
export const DEFAULT_INGRESS_CLASS = "nginx";

/** Where the usual ingress controllers are installed by their own charts, by IngressClass. */
export const INGRESS_CONTROLLER_NAMESPACES: Readonly<Record<string, string>> = {
  nginx: "ingress-nginx",
  traefik: "traefik",
  haproxy: "haproxy-controller",
};

/** Fills in the HPA target when none is given. */
export function completeAutoscale(a: {
  min: number;
  max: number;
  cpu?: number | undefined;
  memory?: number | undefined;
}): Autoscale {
  if (a.cpu === undefined && a.memory === undefined)
    return { min: a.min, max: a.max, cpu: DEFAULT_AUTOSCALE_CPU };
  return {
    min: a.min,
    max: a.max,
    ...(a.cpu === undefined ? {} : { cpu: a.cpu }),
    ...(a.memory === undefined ? {} : { memory: a.memory }),
  };
}

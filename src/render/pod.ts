import type { IContainer, IPodSpec, IPodTemplateSpec, ITopologySpreadConstraint } from "kubernetes-models/v1";
import type { Placement, Workload } from "../model/app-model.js";
import { configMapName, hasSeparateMetricsPort, type RenderContext, servicePortName } from "./context.js";
import { CONFIG_HASH_ANNOTATION, imageTag, objectLabels, selectorLabels } from "./labels.js";
import { workloadProbes } from "./probes.js";
import { containerSecurityContext, workloadPodSecurityContext } from "./security-context.js";
import { hasPermissions } from "./rbac.js";
import { workloadEnv } from "./wiring.js";
import { workloadVolumes } from "./workload-volumes.js";

/** Size limit of the writable /tmp every workload gets (the root filesystem is read-only). */
export const TMP_SIZE_LIMIT = "256Mi";

/** Seconds a service keeps serving after it is told to stop, while endpoints drain from load balancers. */
export const PRE_STOP_SLEEP_SECONDS = 5;

/**
 * Every pod kubeship writes turns off Docker-link variables. By default the kubelet adds
 * `<SERVICE>_PORT=tcp://...` and friends for every Service in the namespace: they mislead apps that
 * read `REDIS_PORT` or `KAFKA_PORT`, and some images exit on them (cp-kafka's configure refuses
 * `KAFKA_PORT`). kubeship's own wiring (`<NAME>_HOST`, `_PORT`, `_URL`) replaces them.
 * https://kubernetes.io/docs/tutorials/services/connect-applications-service/#environment-variables
 */
export const ENABLE_SERVICE_LINKS = false;

/** Spread a workload's pods over nodes and zones when it can, without blocking scheduling when it cannot. */
export function topologySpread(selector: Record<string, string>): ITopologySpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: selector },
    },
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: selector },
    },
  ];
}

/** The pod spec fields of a placement: registry credentials, node selector, tolerations (only those set). */
export function placementFields(p: Placement): Partial<IPodSpec> {
  return {
    ...(p.imagePullSecrets.length > 0
      ? { imagePullSecrets: p.imagePullSecrets.map((name) => ({ name })) }
      : {}),
    ...(Object.keys(p.nodeSelector).length > 0 ? { nodeSelector: { ...p.nodeSelector } } : {}),
    ...(p.tolerations.length > 0 ? { tolerations: p.tolerations.map((t) => ({ ...t })) } : {}),
  };
}

/** The main container of a service, worker or job. */
export function workloadContainer(ctx: RenderContext, w: Workload): IContainer {
  const ports: NonNullable<IContainer["ports"]> = [];
  if (w.port !== undefined) ports.push({ name: servicePortName(w), containerPort: w.port, protocol: "TCP" });
  if (w.metrics !== undefined && (w.port === undefined || hasSeparateMetricsPort(w)))
    ports.push({ name: "metrics", containerPort: w.metrics.port, protocol: "TCP" });
  const env = workloadEnv(ctx, w);
  const hasConfig = Object.keys(ctx.model.config).length > 0;
  return {
    name: w.name,
    image: w.image,
    imagePullPolicy: "IfNotPresent",
    ...(w.command ? { command: [...w.command] } : {}),
    ...(w.args ? { args: [...w.args] } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(hasConfig ? { envFrom: [{ configMapRef: { name: configMapName(ctx.model) } }] } : {}),
    ...(env.length > 0 ? { env } : {}),
    resources: {
      requests: { cpu: w.resources.requests.cpu, memory: w.resources.requests.memory },
      limits: { cpu: w.resources.limits.cpu, memory: w.resources.limits.memory },
    },
    ...workloadProbes(w),
    ...(w.kind === "service"
      ? { lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } } }
      : {}),
    securityContext: containerSecurityContext(ctx.model),
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...workloadVolumes(ctx.model, w).mounts],
  };
}

/** The pod template of a service, worker or job. */
export function workloadPodTemplate(
  ctx: RenderContext,
  w: Workload,
  extra: Partial<IPodSpec> = {},
): IPodTemplateSpec {
  const long = w.kind === "service" || w.kind === "worker";
  const own = workloadVolumes(ctx.model, w);
  return {
    metadata: {
      labels: objectLabels(ctx.model, w.name, w.kind === "cronjob" ? "job" : w.kind, imageTag(w.image)),
      annotations: {
        ...w.placement.annotations,
        [CONFIG_HASH_ANNOTATION]: ctx.configHash,
        ...own.annotations,
      },
    },
    spec: {
      serviceAccountName: w.name,
      // The API token only for a workload the spec gives permissions: it calls the API.
      automountServiceAccountToken: hasPermissions(w),
      enableServiceLinks: ENABLE_SERVICE_LINKS,
      securityContext: workloadPodSecurityContext(ctx.model),
      ...(long ? { topologySpreadConstraints: topologySpread(selectorLabels(ctx.model, w.name)) } : {}),
      ...placementFields(w.placement),
      containers: [workloadContainer(ctx, w)],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: TMP_SIZE_LIMIT } }, ...own.volumes],
      ...extra,
    },
  };
}

import {
  type Diagnostic,
  type DocPath,
  error,
  formatPath,
  resultOf,
  type Result,
  warning,
} from "../spec/diagnostic.js";
import { quantityValue } from "../spec/quantity.js";
import type { AppSpec, AutoscaleSpec, HealthSpec, PermissionSpec, ResourcesSpec } from "../spec/schema.js";
import type {
  AppModel,
  Autoscale,
  GatewayRef,
  Backing,
  Health,
  Placement,
  Toleration,
  ProbeCheck,
  Protocol,
  Resources,
  Workload,
} from "./app-model.js";
import {
  completeAutoscale,
  DEFAULT_INGRESS_CLASS,
  DEFAULT_JOB_BACKOFF_LIMIT,
  DEFAULT_JOB_TIMEOUT_SECONDS,
  DEFAULT_REPLICAS,
  DEFAULT_WORKLOAD_RESOURCES,
  INGRESS_CONTROLLER_NAMESPACES,
} from "./defaults.js";
import {
  filesOf,
  mountsOf,
  permissionsOf,
  resourceAmounts,
  type SpecFileReader,
  verticalOf,
  volumesOf,
} from "./workload-features.js";
import { translateAnnotations } from "./ingress-annotations.js";
import { cycleDiagnostics, DependencyGraph, type DependencyEdge, type GraphNode } from "./graph.js";

/**
 * Normalizes a validated spec into the app model: every default applied, env values as strings,
 * sorted collections, and one dependency graph (refused when it has a cycle).
 */
export function buildModel(
  spec: AppSpec,
  environment?: string,
  options: { readonly readFile?: SpecFileReader } = {},
): Result<AppModel> {
  const d = spec.defaults ?? {};
  const workloads: Workload[] = [];
  const diagnostics: Diagnostic[] = [];
  const common = (
    section: string,
    name: string,
    w: {
      image: string;
      command?: string[] | undefined;
      args?: string[] | undefined;
      env?: Record<string, string | number | boolean> | undefined;
      secrets?: string[] | undefined;
      uses?: string[] | undefined;
      resources?: ResourcesSpec | undefined;
      mounts?: Parameters<typeof mountsOf>[0];
      files?: Parameters<typeof filesOf>[0];
      permissions?: PermissionSpec[] | undefined;
      clusterPermissions?: PermissionSpec[] | undefined;
    } & PlacementSpec,
  ) => ({
    mounts: mountsOf(w.mounts),
    files: filesOf(w.files, [section, name, "files"], options.readFile, diagnostics),
    permissions: permissionsOf(w.permissions),
    clusterPermissions: permissionsOf(w.clusterPermissions),
    name,
    placement: placementOf(w, d),
    image: w.image,
    ...(w.command === undefined ? {} : { command: w.command }),
    ...(w.args === undefined ? {} : { args: w.args }),
    env: stringRecord(w.env),
    secrets: [...new Set(w.secrets ?? [])].sort(),
    uses: [...new Set(w.uses ?? [])],
    resources: mergeResources(
      DEFAULT_WORKLOAD_RESOURCES,
      [
        { path: ["defaults", "resources"], spec: d.resources },
        { path: [section, name, "resources"], spec: w.resources },
      ],
      diagnostics,
    ),
  });
  const scaling = (w: { replicas?: number | undefined; autoscale?: AutoscaleSpec | undefined }) => {
    const a = w.autoscale ?? d.autoscale;
    const autoscale: Autoscale | undefined =
      a === undefined || a === false || a.min === undefined || a.max === undefined
        ? undefined
        : completeAutoscale({ ...a, min: a.min, max: a.max });
    const vertical = verticalOf(a);
    return {
      replicas: w.replicas ?? d.replicas ?? autoscale?.min ?? DEFAULT_REPLICAS,
      ...(autoscale ? { autoscale } : {}),
      ...(vertical ? { vertical } : {}),
    };
  };
  const none = { before: [], backoffLimit: DEFAULT_JOB_BACKOFF_LIMIT, timeout: DEFAULT_JOB_TIMEOUT_SECONDS };

  for (const [name, s] of sorted(spec.services)) {
    const protocol: Protocol = s.protocol ?? "http";
    workloads.push({
      ...common("services", name, s),
      kind: "service",
      port: s.port,
      protocol,
      ...(s.route === undefined ? {} : { route: s.route }),
      health: serviceHealth(s.health, protocol),
      ...(s.metrics ? { metrics: { port: s.metrics.port, path: s.metrics.path ?? "/metrics" } } : {}),
      ...scaling(s),
      ...none,
    });
  }
  for (const [name, w] of sorted(spec.workers)) {
    workloads.push({
      ...common("workers", name, w),
      kind: "worker",
      protocol: "tcp",
      health:
        typeof w.health === "object" && w.health.exec
          ? allProbes({ kind: "exec", command: w.health.exec })
          : {},
      ...(w.metrics ? { metrics: { port: w.metrics.port, path: w.metrics.path ?? "/metrics" } } : {}),
      ...scaling(w),
      ...none,
    });
  }
  for (const [name, j] of sorted(spec.jobs)) {
    workloads.push({
      ...common("jobs", name, j),
      kind: j.schedule === undefined ? "job" : "cronjob",
      protocol: "tcp",
      health: {},
      replicas: 1,
      ...(j.schedule === undefined ? {} : { schedule: j.schedule }),
      before: [...new Set(j.before ?? [])].sort(),
      backoffLimit: j.backoffLimit ?? DEFAULT_JOB_BACKOFF_LIMIT,
      timeout: j.timeout ?? DEFAULT_JOB_TIMEOUT_SECONDS,
    });
  }
  workloads.sort((a, b) => compare(a.name, b.name));

  const backings = modelBackings(spec);

  const graph = buildGraph(spec, workloads, backings);
  diagnostics.push(...cycleDiagnostics(graph));
  if (spec.ingress?.api === "gateway" && spec.ingress.gateway?.create === undefined) {
    const key = Object.keys(spec.ingress.annotations ?? {}).find((k) => /\/(force-)?ssl-redirect$/.test(k));
    if (key !== undefined && translateAnnotations(spec.ingress.annotations ?? {}).httpsRedirect)
      diagnostics.push(
        warning(
          "spec/gateway-redirect-elsewhere",
          ["ingress", "annotations", key],
          `the redirect to HTTPS is a route on the HTTP listener of Gateway ${spec.ingress.gateway?.name ?? ""}, which its owner writes: kubeship does not`,
          "ask the Gateway's owner for the redirect, or let kubeship write the Gateway (ingress.gateway.create)",
        ),
      );
  }
  if (spec.ingress?.api === "gateway")
    for (const u of translateAnnotations(spec.ingress.annotations ?? {}).untranslated)
      diagnostics.push(
        warning(
          "spec/annotation-without-gateway-equivalent",
          ["ingress", "annotations", u.key],
          `${u.key} has no Gateway API equivalent and is not written: ${u.why}`,
          "configure it in the gateway implementation, or remove it",
        ),
      );
  const model: AppModel = {
    app: spec.app,
    namespace: spec.namespace ?? spec.app,
    ...(environment === undefined ? {} : { environment }),
    ...(spec.domain === undefined ? {} : { domain: spec.domain }),
    ingress: {
      api: spec.ingress?.api ?? "ingress",
      ...gatewayOf(spec),
      className: spec.ingress?.className ?? DEFAULT_INGRESS_CLASS,
      ...(spec.ingress?.tls === undefined ? {} : { tls: spec.ingress.tls }),
      ...controllerNamespace(spec),
      annotations: sortRecord(spec.ingress?.annotations ?? {}),
    },
    config: stringRecord(spec.config),
    workloads,
    backings,
    volumes: volumesOf(spec),
    ...(spec.backup?.velero === undefined
      ? {}
      : {
          velero: {
            schedule: spec.backup.velero.schedule,
            ttl: spec.backup.velero.ttl ?? "720h",
            namespace: spec.backup.velero.namespace ?? "velero",
            ...(spec.backup.velero.storageLocation === undefined
              ? {}
              : { storageLocation: spec.backup.velero.storageLocation }),
            volumes: spec.backup.velero.volumes ?? "filesystem",
          },
        }),
    monitoring: {
      serviceMonitor: spec.monitoring?.serviceMonitor ?? false,
      alerts: spec.monitoring?.alerts ?? false,
      dashboard: spec.monitoring?.dashboard ?? false,
      ...(spec.monitoring?.prometheusNamespace === undefined
        ? {}
        : { prometheusNamespace: spec.monitoring.prometheusNamespace }),
    },
    security: {
      networkPolicies: spec.security?.networkPolicies ?? false,
      podSecurity: spec.security?.podSecurity ?? "restricted",
    },
    secrets: {
      shared: [...new Set(spec.secrets?.shared ?? [])].sort(compare),
      supplied: [...new Set(spec.secrets?.supplied ?? [])].sort(compare),
      backend: spec.secrets?.backend ?? "generate",
      ...(spec.secrets?.backend === "external-secrets" && spec.secrets.store !== undefined
        ? {
            external: {
              store: { name: spec.secrets.store.name, kind: spec.secrets.store.kind ?? "ClusterSecretStore" },
              remoteKey: spec.secrets.remoteKey ?? "{app}/{secret}",
              remoteKeys: sortRecord(spec.secrets.remoteKeys ?? {}),
              refreshInterval: spec.secrets.refreshInterval ?? "1h",
              generated: spec.secrets.generated ?? "store",
            },
          }
        : {}),
    },
    graph,
  };
  return resultOf(model, diagnostics);
}

type PlacementSpec = Partial<
  Pick<
    NonNullable<AppSpec["backing"]>[string],
    "imagePullSecrets" | "nodeSelector" | "tolerations" | "annotations"
  >
>;

/** A workload's placement over `defaults` (a workload's list replaces the default one; node selectors merge). */
function placementOf(own: PlacementSpec, defaults: PlacementSpec = {}): Placement {
  return {
    imagePullSecrets: [...new Set(own.imagePullSecrets ?? defaults.imagePullSecrets ?? [])],
    nodeSelector: sortRecord({ ...(defaults.nodeSelector ?? {}), ...(own.nodeSelector ?? {}) }),
    tolerations: (own.tolerations ?? defaults.tolerations ?? []).map((t): Toleration =>
      Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)),
    ),
    annotations: sortRecord(own.annotations ?? {}),
  };
}

/** The backing services of a spec, normalized and sorted by name. */
export function modelBackings(spec: AppSpec): Backing[] {
  return sorted(spec.backing).map(([name, b]) => ({
    name,
    type: b.type,
    ...(b.version === undefined ? {} : { version: String(b.version) }),
    ...(b.storage === undefined ? {} : { storage: String(b.storage) }),
    ...(b.storageClass === undefined ? {} : { storageClass: b.storageClass }),
    replicas: b.replicas ?? 1,
    ...(b.sync === undefined ? {} : { sync: b.sync }),
    ...(b.database === undefined ? {} : { database: b.database }),
    buckets: [...new Set(b.buckets ?? [])].sort(),
    topics: [...new Set(b.topics ?? [])].sort(),
    ...(b.keyspace === undefined ? {} : { keyspace: b.keyspace }),
    ...(b.resources === undefined ? {} : { resources: stringResources(b.resources) }),
    uses: [...new Set(b.uses ?? [])].sort(),
    mode: b.type === "external" ? "external" : (b.mode ?? "builtin"),
    ...(b.url === undefined ? {} : { url: b.url }),
    ...(b.readUrl === undefined ? {} : { readUrl: b.readUrl }),
    secrets: [...new Set(b.secrets ?? [])].sort(),
    placement: placementOf(b),
    ...(b.operator?.namespace === undefined ? {} : { operatorNamespace: b.operator.namespace }),
    ...(b.backup === undefined
      ? {}
      : { backup: { schedule: b.backup.schedule, keep: b.backup.keep ?? 7, to: b.backup.to } }),
  }));
}

/**
 * Where the traffic to routed services comes from, for their NetworkPolicies: the namespace given,
 * else the usual one of the IngressClass's controller, else (Gateway API) the namespace of a Gateway
 * kubeship does not write (its proxies run there in most implementations; a Gateway kubeship writes
 * has a policy of its own for its proxies, see render/network-policy.ts).
 */
function controllerNamespace(spec: AppSpec): { controllerNamespace?: string } {
  const i = spec.ingress;
  const gw = gatewayOf(spec).gateway;
  const ns =
    i?.controllerNamespace ??
    (i?.api === "gateway"
      ? gw?.create === undefined
        ? gw?.namespace
        : undefined
      : INGRESS_CONTROLLER_NAMESPACES[i?.className ?? DEFAULT_INGRESS_CLASS]);
  return ns === undefined ? {} : { controllerNamespace: ns };
}

/** The Gateway of `api: gateway` (its name and namespace defaulted); none for Ingress. */
function gatewayOf(spec: AppSpec): { gateway?: GatewayRef } {
  const i = spec.ingress;
  if (i?.api !== "gateway") return {};
  const g = i.gateway ?? {};
  const ns = spec.namespace ?? spec.app;
  return {
    gateway: {
      name: g.name ?? spec.app,
      namespace: g.namespace ?? ns,
      ...(g.sectionName === undefined ? {} : { sectionName: g.sectionName }),
      ...(g.create === undefined ? {} : { create: { className: g.create.className } }),
    },
  };
}

function buildGraph(
  spec: AppSpec,
  workloads: readonly Workload[],
  backings: readonly Backing[],
): DependencyGraph {
  const nodes: GraphNode[] = [
    ...workloads.map((w) => ({ name: w.name, kind: w.kind })),
    ...backings.map((b) => ({ name: b.name, kind: "backing" as const })),
  ];
  const edges: DependencyEdge[] = [];
  const sectionOf = (w: Workload): string =>
    w.kind === "service" ? "services" : w.kind === "worker" ? "workers" : "jobs";
  for (const w of workloads) {
    const declared = sectionUses(spec, sectionOf(w), w.name);
    for (const dep of w.uses)
      edges.push({
        dependent: w.name,
        dependency: dep,
        reason: "uses",
        path: [sectionOf(w), w.name, "uses", declared.indexOf(dep)],
      });
    w.before.forEach((target) => {
      const i = (spec.jobs?.[w.name]?.before ?? []).indexOf(target);
      edges.push({
        dependent: target,
        dependency: w.name,
        reason: "before",
        path: ["jobs", w.name, "before", i],
      });
    });
  }
  for (const b of backings)
    b.uses.forEach((dep) => {
      edges.push({
        dependent: b.name,
        dependency: dep,
        reason: "uses",
        path: ["backing", b.name, "uses", (spec.backing?.[b.name]?.uses ?? []).indexOf(dep)] as DocPath,
      });
    });
  // Backups go to their store from the first WAL segment on: the store comes first, and the
  // NetworkPolicies let the database reach it.
  for (const b of backings)
    if (b.backup !== undefined && b.mode === "operator" && backings.some((t) => t.name === b.backup?.to))
      edges.push({
        dependent: b.name,
        dependency: b.backup.to,
        reason: "uses",
        path: ["backing", b.name, "backup", "to"] as DocPath,
      });
  return new DependencyGraph(nodes, edges);
}

function sectionUses(spec: AppSpec, section: string, name: string): string[] {
  const s = section === "services" ? spec.services : section === "workers" ? spec.workers : spec.jobs;
  return s?.[name]?.uses ?? [];
}

function serviceHealth(h: HealthSpec | undefined, protocol: Protocol): Health {
  if (h === undefined) return allProbes(protocol === "grpc" ? { kind: "grpc" } : { kind: "tcp" });
  if (typeof h === "string") return allProbes({ kind: "http", path: h });
  if (h.exec) return allProbes({ kind: "exec", command: h.exec });
  if (h.grpc === true) return allProbes({ kind: "grpc" });
  if (h.tcp === true) return allProbes({ kind: "tcp" });
  const http = (p: string | undefined): ProbeCheck | undefined =>
    p === undefined ? undefined : { kind: "http", path: p };
  const readiness = http(h.readiness ?? h.liveness ?? h.startup);
  // A liveness probe must not depend on the app's dependencies; without a path it only checks the port.
  const liveness = http(h.liveness) ?? { kind: "tcp" };
  const startup = http(h.startup ?? h.liveness);
  return { ...(readiness ? { readiness } : {}), liveness, ...(startup ? { startup } : {}) };
}

function allProbes(check: ProbeCheck): Health {
  return { readiness: check, liveness: check, startup: check };
}

/**
 * Field-by-field merge: the workload's own value, else `defaults`, else the built-in default. A limit
 * nobody set never falls below the request (a request of 2 CPUs raises the built-in 500m limit to 2,
 * which the API server would otherwise refuse); a limit that was set and is below the request is an
 * error at the request, naming where the limit comes from.
 */
function mergeResources(
  base: Resources,
  layers: readonly { path: DocPath; spec: ResourcesSpec | undefined }[],
  diagnostics: Diagnostic[],
): Resources {
  type Field = { value: string; from?: DocPath };
  const pick = (side: "requests" | "limits", res: "cpu" | "memory"): Field => {
    let f: Field = { value: base[side][res] };
    for (const layer of layers) {
      const v = layer.spec?.[side]?.[res];
      if (v !== undefined) f = { value: String(v), from: [...layer.path, side, res] };
    }
    return f;
  };
  const out = { requests: { cpu: "", memory: "" }, limits: { cpu: "", memory: "" } };
  for (const res of ["cpu", "memory"] as const) {
    const request = pick("requests", res);
    const limit = pick("limits", res);
    out.requests[res] = request.value;
    out.limits[res] = limit.value;
    if (quantityValue(request.value) <= quantityValue(limit.value)) continue;
    if (limit.from === undefined) out.limits[res] = request.value;
    else
      diagnostics.push(
        error(
          "spec/request-above-limit",
          request.from ?? limit.from,
          `the ${res} request ${request.value} is above its limit ${limit.value}${request.from === undefined ? " (the request is kubeship's default)" : ""} (limit from ${formatPath(limit.from)})`,
          `the API server refuses requests above limits: raise ${formatPath(limit.from)} or lower the request`,
        ),
      );
  }
  return out;
}

function stringResources(r: ResourcesSpec): {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
} {
  const requests = resourceAmounts(r.requests);
  const limits = resourceAmounts(r.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function stringRecord(r: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return sortRecord(Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, String(v)])));
}

function sortRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => compare(a, b)));
}

function sorted<T>(r: Record<string, T> | undefined): [string, T][] {
  return Object.entries(r ?? {}).sort(([a], [b]) => compare(a, b));
}

/** Code-point order, the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { RenderedApp } from "../render/render-app.js";
import { autoscalerFor } from "../render/horizontal-pod-autoscaler.js";
import type { KubeObject } from "../render/kube-object.js";
import { INSTANCE_LABEL } from "../render/labels.js";
import { quantityValue } from "../spec/quantity.js";
import { manifestObjectsOf } from "../lint/input.js";
import { containersOf, podTemplates } from "../lint/pods.js";
import { explainNotReady } from "./diagnose.js";
import type { DoctorCheck } from "./doctor-check.js";
import { operatorChecks } from "./doctor-operators.js";
import { gatewayChecks } from "./doctor-gateway.js";
import { volumeChecks } from "./doctor-volumes.js";
import type { Cluster } from "./kube/cluster.js";
import { conditionTrue, readinessOf } from "./readiness.js";
import { asArray, asString, recordOf } from "../spec/plain-data.js";

export type { DoctorCheck } from "./doctor-check.js";

/** An object of the deployed app that is not healthy, with the cause and the fix. */
export interface Unhealthy {
  readonly object: string;
  readonly cause: string;
  readonly fix: string;
}

/** Everything `kubeship doctor` found. */
export interface DoctorReport {
  readonly checks: readonly DoctorCheck[];
  /** Undefined when the app is not deployed (no revision and no workload found). */
  readonly unhealthy: readonly Unhealthy[] | undefined;
}

/** The oldest and newest Kubernetes minor versions kubeship's schemas and tests cover. */
export const SUPPORTED_MINORS = { min: 30, max: 37 } as const;

/** What the app asks of the cluster at its smallest size (HPA minimum, or replicas). */
export interface AppNeeds {
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
  readonly claims: number;
  readonly storage: number;
}

/** Sums the requests of every long-running pod of the rendered app, and its volume claims. */
export function appNeeds(objects: readonly KubeObject[]): AppNeeds {
  let cpu = 0;
  let memory = 0;
  let pods = 0;
  let claims = 0;
  let storage = 0;
  for (const o of objects) {
    if (o.kind !== "Deployment" && o.kind !== "StatefulSet") continue;
    const hpa = autoscalerFor(objects, `${o.kind}/${o.metadata.name}`);
    const replicas =
      hpa !== undefined
        ? Number(recordOf(hpa.spec).minReplicas ?? 1)
        : Number(recordOf(o.spec).replicas ?? 1);
    const containers = asArray(recordOf(recordOf(recordOf(o.spec).template).spec).containers);
    for (const c of containers) {
      const req = recordOf(recordOf(recordOf(c).resources).requests);
      cpu += quantityValue(req.cpu) * replicas;
      memory += quantityValue(req.memory) * replicas;
    }
    pods += replicas;
    for (const t of asArray(recordOf(o.spec).volumeClaimTemplates)) {
      claims += replicas;
      storage +=
        quantityValue(recordOf(recordOf(recordOf(recordOf(t).spec).resources).requests).storage) * replicas;
    }
  }
  return { cpu, memory, pods, claims, storage };
}

/**
 * What a LimitRange's admission check would refuse in the app, as the LimitRanger plugin checks it:
 * each container's requests at least `min`, limits at most `max`, limit over request at most
 * `maxLimitRequestRatio`; each pod's sums within the Pod limits; each volume claim template's storage
 * within the PersistentVolumeClaim limits. https://kubernetes.io/docs/concepts/policy/limit-range/
 */
export function limitRangeViolations(objects: readonly KubeObject[], range: KubeObject): string[] {
  const out: string[] = [];
  const items = asArray(recordOf(range["spec"]).limits).map(recordOf);
  const show = (q: unknown): string => (typeof q === "string" || typeof q === "number" ? String(q) : "?");
  const check = (
    what: string,
    item: Record<string, unknown>,
    requests: Record<string, unknown>,
    limits: Record<string, unknown>,
    claim = false,
  ): void => {
    for (const [resource, min] of Object.entries(recordOf(item.min))) {
      const have = requests[resource] ?? limits[resource];
      if (have !== undefined && quantityValue(have) < quantityValue(min))
        out.push(`${what} requests ${resource} ${show(have)}, below the minimum ${show(min)}`);
    }
    for (const [resource, max] of Object.entries(recordOf(item.max))) {
      const have = limits[resource];
      if (have === undefined)
        out.push(`${what} sets no ${resource} limit, and the maximum ${show(max)} requires one`);
      else if (quantityValue(have) > quantityValue(max))
        out.push(
          claim
            ? `${what} asks for ${resource} ${show(have)}, above the maximum ${show(max)}`
            : `${what} limits ${resource} to ${show(have)}, above the maximum ${show(max)}`,
        );
    }
    for (const [resource, ratio] of Object.entries(recordOf(item.maxLimitRequestRatio))) {
      const limit = limits[resource];
      const request = requests[resource];
      if (limit === undefined || request === undefined || quantityValue(request) === 0) continue;
      if (quantityValue(limit) / quantityValue(request) > quantityValue(ratio))
        out.push(
          `${what} ${resource} limit ${show(limit)} is more than ${show(ratio)} times its request ${show(request)}`,
        );
    }
  };
  // The pod templates as lint reads them (workloads, CronJobs' job templates, their containers).
  const pods = podTemplates(manifestObjectsOf(objects, "rendered").objects);
  for (const item of items) {
    for (const pod of item.type === "Container" || item.type === "Pod" ? pods : []) {
      const owner = `${pod.target.kind}/${pod.target.name}`;
      if (item.type === "Container") {
        // Missing values are filled from the range's defaults before it checks, as the admission does.
        for (const c of containersOf(pod, { init: true, ephemeral: false })) {
          const res = recordOf(c.container.resources);
          const limits = { ...recordOf(item.default), ...recordOf(res.limits) };
          const requests = { ...limits, ...recordOf(item.defaultRequest), ...recordOf(res.requests) };
          check(`${owner} container ${c.name}`, item, requests, limits);
        }
      } else {
        const sum = (key: "requests" | "limits"): Record<string, number> => {
          const total: Record<string, number> = {};
          for (const c of containersOf(pod, { init: false, ephemeral: false }))
            for (const [r, q] of Object.entries(recordOf(recordOf(c.container.resources)[key])))
              total[r] = (total[r] ?? 0) + quantityValue(q);
          return total;
        };
        check(`${owner} pod`, item, sum("requests"), sum("limits"));
      }
    }
    if (item.type === "PersistentVolumeClaim")
      for (const o of objects)
        for (const t of asArray(recordOf(o.spec).volumeClaimTemplates)) {
          // A claim's minimum and maximum both bound the storage it requests.
          const requests = recordOf(recordOf(recordOf(recordOf(t).spec).resources).requests);
          const name = asString(recordOf(recordOf(t).metadata).name) ?? "?";
          check(`${o.kind}/${o.metadata.name} claim ${name}`, item, requests, requests, true);
        }
  }
  return out;
}

const cores = (n: number): string => (n < 10 ? `${Math.round(n * 1000)}m` : `${Math.round(n)}`);
const gib = (n: number): string => `${Math.round((n / 2 ** 30) * 10) / 10}Gi`;

/**
 * Preflight of the cluster the app needs (API and version, metrics-server for autoscalers, the
 * IngressClass, a StorageClass for its claims, the CRDs its monitoring and TLS use, room under the
 * namespace's quotas, its LimitRanges and on the nodes), then, when the app is deployed, every unhealthy object with
 * its cause and the fix.
 */
export async function runDoctor(cluster: Cluster, app: RenderedApp): Promise<DoctorReport> {
  const { model, objects } = app;
  const checks: DoctorCheck[] = [];
  const has = (kind: string): boolean => objects.some((o) => o.kind === kind);

  const version = await cluster.version();
  const minor = Number(/^v?1\.(\d+)/.exec(version)?.[1] ?? 0);
  checks.push(
    minor >= SUPPORTED_MINORS.min && minor <= SUPPORTED_MINORS.max
      ? { name: "Kubernetes API", status: "ok", detail: `${version} at ${cluster.server}` }
      : {
          name: "Kubernetes API",
          status: "warn",
          detail: `${version} at ${cluster.server}, outside the versions kubeship is tested with (1.${SUPPORTED_MINORS.min} to 1.${SUPPORTED_MINORS.max})`,
          fix: "upgrade the cluster, or lint the manifests for it: kubeship lint --spec SPEC --kube-version 1.N",
        },
  );

  if (has("HorizontalPodAutoscaler")) {
    const api = await cluster.get({
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      name: "v1beta1.metrics.k8s.io",
    });
    const available = asArray(recordOf(api?.["status"]).conditions).some(
      (c) => recordOf(c).type === "Available" && recordOf(c).status === "True",
    );
    checks.push(
      available
        ? {
            name: "metrics-server",
            status: "ok",
            detail: "the resource metrics API answers; autoscalers can read CPU and memory",
          }
        : {
            name: "metrics-server",
            status: "fail",
            detail:
              api === undefined
                ? "no resource metrics API (v1beta1.metrics.k8s.io): the autoscalers will never scale"
                : "the resource metrics API is registered but not available: the autoscalers will report unknown metrics",
            fix: "install metrics-server: kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml",
          },
    );
  }

  if (has("Ingress")) {
    const className = model.ingress.className;
    const cls = await cluster.get({
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      name: className,
    });
    const all =
      cls === undefined ? await cluster.list("networking.k8s.io/v1", "IngressClass", undefined) : [];
    checks.push(
      cls !== undefined
        ? {
            name: "IngressClass",
            status: "ok",
            detail: `${className} (controller ${asString(recordOf(cls["spec"]).controller) || "?"})`,
          }
        : {
            name: "IngressClass",
            status: "fail",
            detail: `no IngressClass ${className}: the routes will not be served`,
            fix:
              all.length > 0
                ? `set ingress.className to one of: ${all.map((c) => c.metadata.name).join(", ")}`
                : "install an ingress controller (ingress-nginx, Traefik) or set ingress.className",
          },
    );
  }

  const claimClasses = new Set<string | undefined>();
  for (const o of objects)
    if (o.kind === "StatefulSet")
      for (const t of asArray(recordOf(o.spec).volumeClaimTemplates)) {
        const c = recordOf(recordOf(t).spec).storageClassName;
        claimClasses.add(typeof c === "string" ? c : undefined);
      }
  if (claimClasses.size > 0) {
    const classes = await cluster.list("storage.k8s.io/v1", "StorageClass", undefined);
    const names = classes.map((c) => c.metadata.name);
    const defaults = classes.filter(
      (c) => c.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true",
    );
    for (const wanted of claimClasses) {
      if (wanted === undefined)
        checks.push(
          defaults.length > 0
            ? {
                name: "StorageClass",
                status: "ok",
                detail: `default class ${defaults.map((c) => c.metadata.name).join(", ")} for the databases' volumes`,
              }
            : {
                name: "StorageClass",
                status: "fail",
                detail: "no default StorageClass: the databases' claims will stay Pending",
                fix:
                  names.length > 0
                    ? `set backing.NAME.storageClass to one of: ${names.join(", ")}, or mark one default`
                    : "install a storage provisioner (for example local-path-provisioner)",
              },
        );
      else
        checks.push(
          names.includes(wanted)
            ? { name: "StorageClass", status: "ok", detail: `${wanted} exists` }
            : {
                name: "StorageClass",
                status: "fail",
                detail: `no StorageClass ${wanted}: claims that ask for it stay Pending`,
                fix: `use one of: ${names.join(", ") || "(none)"}`,
              },
        );
    }
  }

  checks.push(...(await volumeChecks(cluster, objects)));
  checks.push(...(await gatewayChecks(cluster, model, objects)));
  checks.push(...(await operatorChecks(cluster, objects)));

  const monitoringFix =
    "install prometheus-operator (kube-prometheus-stack), turn the monitoring option off, or deploy with --skip-missing-crds";
  const crdKinds = [
    ["monitoring.coreos.com/v1", "ServiceMonitor", "prometheus-operator", monitoringFix],
    ["monitoring.coreos.com/v1", "PrometheusRule", "prometheus-operator", monitoringFix],
    [
      "autoscaling.k8s.io/v1",
      "VerticalPodAutoscaler",
      "the Vertical Pod Autoscaler",
      "install the Vertical Pod Autoscaler (kubernetes/autoscaler, vertical-pod-autoscaler/hack/vpa-up.sh, or its Helm chart), remove autoscale.vertical, or deploy with --skip-missing-crds",
    ],
  ] as const;
  for (const [apiVersion, kind, operator, fix] of crdKinds) {
    if (!has(kind)) continue;
    checks.push(
      (await cluster.serves(apiVersion, kind))
        ? { name: `${kind} CRD`, status: "ok", detail: `${operator} is installed` }
        : {
            name: `${kind} CRD`,
            status: "fail",
            detail: `the cluster does not serve ${apiVersion} ${kind}: ${operator} is not installed`,
            fix,
          },
    );
  }
  if (model.ingress.tls !== undefined && (has("Ingress") || has("Gateway"))) {
    const serves = await cluster.serves("cert-manager.io/v1", "ClusterIssuer");
    const issuer = serves
      ? await cluster.get({
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          name: model.ingress.tls,
        })
      : undefined;
    checks.push(
      issuer !== undefined
        ? { name: "cert-manager", status: "ok", detail: `ClusterIssuer ${model.ingress.tls} exists` }
        : {
            name: "cert-manager",
            status: "fail",
            detail: serves
              ? `no ClusterIssuer ${model.ingress.tls}: the Ingress gets no certificate`
              : "cert-manager is not installed: the Ingress gets no certificate",
            fix: serves
              ? `create the ClusterIssuer ${model.ingress.tls}, or set ingress.tls to an existing one`
              : "install cert-manager, or remove ingress.tls",
          },
    );
  }

  const needs = appNeeds(objects);
  const quotas = await cluster.list("v1", "ResourceQuota", model.namespace);
  if (quotas.length === 0)
    checks.push({ name: "ResourceQuota", status: "ok", detail: `no quota in namespace ${model.namespace}` });
  for (const q of quotas) {
    const hard = recordOf(recordOf(q["status"]).hard ?? recordOf(q["spec"]).hard);
    const used = recordOf(recordOf(q["status"]).used);
    const short: string[] = [];
    const room = (key: string): number | undefined =>
      hard[key] === undefined ? undefined : quantityValue(hard[key]) - quantityValue(used[key] ?? 0);
    const compare = (keys: readonly string[], need: number, show: (n: number) => string): void => {
      for (const key of keys) {
        const r = room(key);
        if (r !== undefined && need > r)
          short.push(`${key}: needs ${show(need)}, ${show(Math.max(0, r))} left`);
      }
    };
    compare(["requests.cpu", "cpu"], needs.cpu, cores);
    compare(["requests.memory", "memory"], needs.memory, gib);
    compare(["pods"], needs.pods, String);
    compare(["persistentvolumeclaims"], needs.claims, String);
    compare(["requests.storage"], needs.storage, gib);
    checks.push(
      short.length === 0
        ? { name: "ResourceQuota", status: "ok", detail: `${q.metadata.name} leaves room for the app` }
        : {
            name: "ResourceQuota",
            status: "fail",
            detail: `${q.metadata.name} is too small for the app at its minimum size (${short.join("; ")})`,
            fix: "raise the quota, or lower replicas, autoscale.min or resources in the spec",
          },
    );
  }

  const ranges = await cluster.list("v1", "LimitRange", model.namespace);
  if (ranges.length === 0)
    checks.push({
      name: "LimitRange",
      status: "ok",
      detail: `no LimitRange in namespace ${model.namespace}`,
    });
  for (const range of ranges) {
    const broken = limitRangeViolations(objects, range);
    checks.push(
      broken.length === 0
        ? {
            name: "LimitRange",
            status: "ok",
            detail: `${range.metadata.name} admits the app's pods and claims`,
          }
        : {
            name: "LimitRange",
            status: "fail",
            detail: `${range.metadata.name} rejects ${broken.length === 1 ? "this" : `these ${broken.length}`} (the pods are never created): ${broken.slice(0, 5).join("; ")}${broken.length > 5 ? "; ..." : ""}`,
            fix: "change the resources (or backing storage) in the spec to fit, or widen the LimitRange",
          },
    );
  }

  const nodes = (await cluster.list("v1", "Node", undefined)).filter((n) => conditionTrue(n, "Ready"));
  const allocatable = nodes.reduce(
    (a, n) => {
      const al = recordOf(recordOf(n["status"]).allocatable);
      return { cpu: a.cpu + quantityValue(al.cpu), memory: a.memory + quantityValue(al.memory) };
    },
    { cpu: 0, memory: 0 },
  );
  checks.push(
    nodes.length === 0
      ? { name: "nodes", status: "fail", detail: "no Ready node", fix: "check the nodes: kubectl get nodes" }
      : needs.cpu > allocatable.cpu || needs.memory > allocatable.memory
        ? {
            name: "nodes",
            status: "fail",
            detail: `the app requests ${cores(needs.cpu)} CPU and ${gib(needs.memory)} at its minimum; ${nodes.length} Ready nodes offer ${cores(allocatable.cpu)} and ${gib(allocatable.memory)} in all`,
            fix: "add nodes, or lower the requests in the spec",
          }
        : {
            name: "nodes",
            status: "ok",
            detail: `${nodes.length} Ready, ${cores(allocatable.cpu)} CPU and ${gib(allocatable.memory)} allocatable; the app requests ${cores(needs.cpu)} and ${gib(needs.memory)} at its minimum`,
          },
  );

  return { checks, unhealthy: await diagnoseDeployed(cluster, app) };
}

/** The fix for a known cause of an unhealthy workload, if it is one. */
export function fixFor(cause: string): string | undefined {
  return FIXES.find(([re]) => re.test(cause))?.[1];
}

const FIXES: readonly (readonly [RegExp, string])[] = [
  [
    /(maximum|minimum) \S+ usage per (container|pod)|limit to request ratio|exceeded quota/i,
    "fit the resources in the spec to the namespace's LimitRange and ResourceQuota (kubeship doctor shows which)",
  ],
  [
    /insufficient|unschedulable|didn't match|untolerated/i,
    "lower its requests in the spec or add nodes (kubectl describe nodes shows what is free)",
  ],
  [/pull|image/i, "check the image name and tag in the spec, and the registry's credentials"],
  [/crash|exit code|back-off restarting/i, "read the logs of the last run: kubectl logs POD --previous"],
  [
    /probe|readiness|liveness/i,
    "check the health path and port in the spec, and that the app listens on them",
  ],
  [
    /persistentvolumeclaim|pvc|pending.*claim|unbound/i,
    "give it a StorageClass that provisions volumes (see the StorageClass check)",
  ],
  [
    /secret|configmap/i,
    "run kubeship deploy to create the Secrets it needs (external ones from the environment or --secrets-file)",
  ],
];

/** The unhealthy workloads and autoscalers of the deployed app, each with the cause and a fix. */
async function diagnoseDeployed(cluster: Cluster, app: RenderedApp): Promise<Unhealthy[] | undefined> {
  const { model } = app;
  const selector = `${INSTANCE_LABEL}=${model.app}`;
  const [deployments, sets, jobs, hpas] = await Promise.all([
    cluster.list("apps/v1", "Deployment", model.namespace, selector),
    cluster.list("apps/v1", "StatefulSet", model.namespace, selector),
    cluster.list("batch/v1", "Job", model.namespace, selector),
    cluster.list("autoscaling/v2", "HorizontalPodAutoscaler", model.namespace, selector),
  ]);
  if (deployments.length + sets.length + jobs.length === 0) return undefined;
  const out: Unhealthy[] = [];
  for (const o of [...sets, ...jobs, ...deployments]) {
    const r = readinessOf(o);
    if (r.state === "ready") continue;
    const cause = (await explainNotReady(cluster, o)) || r.message;
    out.push({
      object: `${o.kind}/${o.metadata.name}`,
      cause,
      fix:
        fixFor(cause) ?? `kubectl -n ${model.namespace} describe ${o.kind.toLowerCase()}/${o.metadata.name}`,
    });
  }
  for (const h of hpas) {
    const conditions = asArray(recordOf(h["status"]).conditions);
    const active = conditions.find((c) => recordOf(c).type === "ScalingActive");
    if (active !== undefined && recordOf(active).status === "False")
      out.push({
        object: `HorizontalPodAutoscaler/${h.metadata.name}`,
        cause: `cannot scale: ${asString(recordOf(active).message) || asString(recordOf(active).reason) || ""}`,
        fix: "install metrics-server (see its check) and give every container a CPU request",
      });
  }
  return out;
}

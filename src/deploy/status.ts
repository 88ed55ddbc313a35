import type { AppModel } from "../model/app-model.js";
import { GATEWAY_API_VERSION } from "../render/gateway-routes.js";
import { INSTANCE_LABEL } from "../render/labels.js";
import { NAMESPACE_LABEL } from "../render/rbac.js";
import { str } from "./diagnose.js";
import { deleteRevisions } from "./history.js";
import type { Cluster } from "./kube/cluster.js";
import { OPERATED_API, OPERATED_MAIN_KINDS } from "../render/operated.js";
import { num, readinessOf } from "./readiness.js";

type Obj = Record<string, unknown>;

/** The state of a deployed app, for `kubeship status`. */
export interface AppStatus {
  readonly workloads: readonly {
    readonly kind: string;
    readonly name: string;
    readonly ready: number;
    readonly desired: number;
    readonly state: string;
  }[];
  readonly autoscalers: readonly {
    readonly name: string;
    readonly current: number;
    readonly desired: number;
    readonly min: number;
    readonly max: number;
    readonly metrics: string;
  }[];
  /** Routing: Gateway API routes and the Gateway kubeship writes, with their controller's verdict. */
  readonly routes: readonly {
    readonly kind: string;
    readonly name: string;
    readonly ready: boolean;
    readonly state: string;
  }[];
  readonly warnings: readonly {
    readonly object: string;
    readonly reason: string;
    readonly message: string;
    readonly count: number;
  }[];
}

/** Workloads ready/desired, autoscalers current/target, and recent warning events. */
export async function appStatus(cluster: Cluster, model: AppModel): Promise<AppStatus> {
  const selector = `${INSTANCE_LABEL}=${model.app}`;
  const ns = model.namespace;
  const [deployments, sets, jobs, hpas, events] = await Promise.all([
    cluster.list("apps/v1", "Deployment", ns, selector),
    cluster.list("apps/v1", "StatefulSet", ns, selector),
    cluster.list("batch/v1", "Job", ns, selector),
    cluster.list("autoscaling/v2", "HorizontalPodAutoscaler", ns, selector),
    cluster.list("v1", "Event", ns, undefined, "type=Warning"),
  ]);
  const routed = await Promise.all(
    (["Gateway", "HTTPRoute", "GRPCRoute"] as const).map(async (kind) =>
      (await cluster.serves(GATEWAY_API_VERSION, kind))
        ? cluster.list(GATEWAY_API_VERSION, kind, ns, selector)
        : [],
    ),
  );
  // Backing services on their operators: their own readiness, as the deploy judged it.
  const operated = (
    await Promise.all(
      OPERATED_API.filter((k) => OPERATED_MAIN_KINDS.has(k.kind)).map(async ({ apiVersion, kind }) =>
        (await cluster.serves(apiVersion, kind)) ? cluster.list(apiVersion, kind, ns, selector) : [],
      ),
    )
  )
    .flat()
    .map((o) => {
      const r = readinessOf(o);
      const spec = (o["spec"] ?? {}) as Obj;
      const desired = num(spec["instances"]) || num(spec["replicas"]) || 1;
      return {
        kind: o.kind,
        name: o.metadata.name,
        ready: r.state === "ready" ? desired : 0,
        desired,
        state: r.message,
      };
    });
  const routes = routed.flat().map((o) => {
    const r = readinessOf(o);
    return { kind: o.kind, name: o.metadata.name, ready: r.state === "ready", state: r.message };
  });
  const own = [...deployments, ...sets, ...jobs].map((o) => {
    const spec = (o["spec"] ?? {}) as Obj;
    const status = (o["status"] ?? {}) as Obj;
    const desired = o.kind === "Job" ? 1 : typeof spec["replicas"] === "number" ? spec["replicas"] : 1;
    const ready =
      o.kind === "Job"
        ? typeof status["succeeded"] === "number"
          ? status["succeeded"]
          : 0
        : num(o.kind === "Deployment" ? status["availableReplicas"] : status["readyReplicas"]);
    return { kind: o.kind, name: o.metadata.name, ready, desired, state: readinessOf(o).message };
  });
  const workloads = [...own, ...operated];
  const autoscalers = hpas.map((h) => {
    const spec = (h["spec"] ?? {}) as Obj;
    const status = (h["status"] ?? {}) as Obj;
    const current = ((status["currentMetrics"] as Obj[] | undefined) ?? [])
      .map((m) => {
        const r = m["resource"] as { name?: string; current?: { averageUtilization?: number } } | undefined;
        return r ? `${r.name ?? "?"} ${r.current?.averageUtilization ?? "?"}%` : "";
      })
      .filter((x) => x !== "");
    const targets = ((spec["metrics"] as Obj[] | undefined) ?? []).map((m) => {
      const r = m["resource"] as { name?: string; target?: { averageUtilization?: number } } | undefined;
      return `${r?.name ?? "?"} target ${r?.target?.averageUtilization ?? "?"}%`;
    });
    return {
      name: h.metadata.name,
      current: num(status["currentReplicas"]),
      desired: num(status["desiredReplicas"]),
      min: num(spec["minReplicas"]),
      max: num(spec["maxReplicas"]),
      metrics: [...current, ...targets].join(", "),
    };
  });
  const warnings = events
    .sort((a, b) => str(b["lastTimestamp"]).localeCompare(str(a["lastTimestamp"])))
    .slice(0, 10)
    .map((e) => {
      const involved = (e["involvedObject"] ?? {}) as { kind?: string; name?: string };
      return {
        object: `${involved.kind ?? "?"}/${involved.name ?? "?"}`,
        reason: str(e["reason"]),
        message: str(e["message"]),
        count: num(e["count"]),
      };
    });
  return { workloads, autoscalers, routes, warnings };
}

/**
 * Deletes everything kubeship created for the app, newest layer first, and its history. Claims
 * (the data) stay unless `deleteData`; with it, the claims and a namespace kubeship created go too.
 */
export async function destroy(
  cluster: Cluster,
  model: AppModel,
  deleteData: boolean,
  report: (object: string) => void,
): Promise<void> {
  const selector = `${INSTANCE_LABEL}=${model.app}`;
  const ns = model.namespace;
  const order = [
    ["monitoring.coreos.com/v1", "PrometheusRule"],
    ["monitoring.coreos.com/v1", "ServiceMonitor"],
    ["networking.k8s.io/v1", "Ingress"],
    ["gateway.networking.k8s.io/v1", "HTTPRoute"],
    ["gateway.networking.k8s.io/v1", "GRPCRoute"],
    ["gateway.networking.k8s.io/v1", "Gateway"],
    ["autoscaling.k8s.io/v1", "VerticalPodAutoscaler"],
    ["autoscaling/v2", "HorizontalPodAutoscaler"],
    ["policy/v1", "PodDisruptionBudget"],
    ["batch/v1", "CronJob"],
    ["apps/v1", "Deployment"],
    ["batch/v1", "Job"],
    ["apps/v1", "StatefulSet"],
    ["v1", "Service"],
    ["networking.k8s.io/v1", "NetworkPolicy"],
    ["v1", "ConfigMap"],
    ["v1", "Secret"],
    ["rbac.authorization.k8s.io/v1", "RoleBinding"],
    ["rbac.authorization.k8s.io/v1", "Role"],
    ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding"],
    ["rbac.authorization.k8s.io/v1", "ClusterRole"],
    ["v1", "ServiceAccount"],
  ] as const;
  for (const [apiVersion, kind] of order) {
    if (!(await cluster.serves(apiVersion, kind))) continue;
    const clusterWide = kind === "ClusterRole" || kind === "ClusterRoleBinding";
    const own = clusterWide ? `${selector},${NAMESPACE_LABEL}=${ns}` : selector;
    for (const o of await cluster.list(apiVersion, kind, ns, own)) {
      await cluster.delete(
        clusterWide
          ? { apiVersion, kind, name: o.metadata.name }
          : { apiVersion, kind, name: o.metadata.name, namespace: ns },
        { propagation: "Background" },
      );
      report(`${kind}/${o.metadata.name}`);
    }
  }
  await deleteRevisions(cluster, model.app, ns);
  if (deleteData) {
    for (const pvc of await cluster.list("v1", "PersistentVolumeClaim", ns, selector)) {
      await cluster.delete({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        name: pvc.metadata.name,
        namespace: ns,
      });
      report(`PersistentVolumeClaim/${pvc.metadata.name}`);
    }
    const namespace = await cluster.get({ apiVersion: "v1", kind: "Namespace", name: ns });
    if (namespace?.metadata.labels?.["app.kubernetes.io/managed-by"] === "kubeship") {
      await cluster.delete({ apiVersion: "v1", kind: "Namespace", name: ns });
      // Until the namespace is gone, a deploy into it is refused ("being terminated"): wait (up to
      // two minutes) so that `destroy --delete-data && deploy` works.
      const deadline = Date.now() + 120_000;
      while (
        Date.now() < deadline &&
        (await cluster.get({ apiVersion: "v1", kind: "Namespace", name: ns })) !== undefined
      )
        await new Promise((r) => setTimeout(r, 500));
      report(`Namespace/${ns}`);
    }
  }
}

import type { AppModel } from "../model/app-model.js";
import type { KubeObject } from "../render/kube-object.js";
import { manifestObjectsOf } from "../lint/input.js";
import { podTemplateOf } from "../lint/pods.js";
import { podReferences } from "../lint/references.js";
import { scaleTargetOf } from "../render/horizontal-pod-autoscaler.js";
import { objectsByNode } from "../render/node-objects.js";
import { recordOf, recordsOf } from "../spec/plain-data.js";
import { type ContainerStatus, explainNotReady, podProblem, str } from "./diagnose.js";
import { type Cluster, type LiveObject, refOf } from "./kube/cluster.js";
import type { NodeHealth } from "./node-health.js";
import { num } from "./readiness.js";

/** A pod of a node, as the details show it. */
export interface PodView {
  readonly name: string;
  readonly phase: string;
  /** Ready containers / containers. */
  readonly ready: string;
  readonly restarts: number;
  /** The last time a container ended: `OOMKilled (exit 137)`. */
  readonly lastTermination?: string;
  /** What keeps it from running, if anything. */
  readonly problem?: string;
  readonly nodeName?: string;
  readonly started?: string;
}

/** Everything the page shows about one node: names and numbers, never a Secret's value. */
export interface NodeDetails {
  readonly node: string;
  readonly nodeKind: "workload" | "backing";
  /** service, worker, job, cronjob; or the backing's type and mode. */
  readonly type: string;
  readonly objects: readonly string[];
  readonly desired?: number;
  readonly ready?: number;
  readonly pods: readonly PodView[];
  readonly events: readonly {
    readonly time: string;
    readonly type: string;
    readonly reason: string;
    readonly object: string;
    readonly message: string;
    readonly count: number;
  }[];
  /** Why it is not ready, as `kubeship deploy` would say it. */
  readonly explanation?: string;
  /** The last lines of a failing container (its previous run's, for a crash loop). */
  readonly logs?: { readonly pod: string; readonly container: string; readonly lines: string };
  readonly autoscaler?: {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly current?: number;
    readonly desired?: number;
    readonly metrics: readonly {
      readonly name: string;
      readonly target: string;
      readonly current?: string;
    }[];
  };
  readonly disruptionBudget?: {
    readonly name: string;
    readonly minAvailable?: string;
    readonly maxUnavailable?: string;
    readonly allowed?: number;
    readonly healthy?: number;
  };
  /** The Secrets and ConfigMaps its pods read, by name. */
  readonly reads: { readonly secrets: readonly string[]; readonly configMaps: readonly string[] };
}

/**
 * The details of one node from the rendered objects (what it runs, reads, its autoscaler and budget)
 * and, with a cluster, from the live ones: its pods with their phase, restarts and last termination,
 * recent events, why it is not ready and the last log lines of a failing container.
 */
export async function nodeDetails(
  model: AppModel,
  objects: readonly KubeObject[],
  node: string,
  live?: {
    cluster: Cluster;
    health?: NodeHealth;
    pods: readonly LiveObject[];
    get: (key: string) => LiveObject | undefined;
  },
): Promise<NodeDetails | undefined> {
  const desired = objectsByNode(model, objects).find((n) => n.node === node);
  if (desired === undefined) return undefined;
  const workload = model.workloads.find((w) => w.name === node);
  const backing = model.backings.find((b) => b.name === node);
  const type =
    workload?.kind ??
    `${backing?.type ?? "?"}${backing?.mode === undefined || backing.mode === "builtin" ? "" : ` (${backing.mode})`}`;
  const mains = desired.objects.filter((o) => o.role === "main").map((o) => o.object);
  const targets = new Set(mains.map((o) => `${o.kind}/${o.metadata.name}`));
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler" && targets.has(scaleTargetOf(o)));
  // The node's pod templates as lint reads them (one per object, in order), and what they read.
  const templates = manifestObjectsOf(
    desired.objects.map(({ object }) => object),
    "",
  ).objects.map(podTemplateOf);
  const podLabels = templates
    .filter((_, i) => desired.objects[i]?.role === "main")
    .map((t) => t?.labels ?? {});
  const pdb = objects.find((o) => {
    if (o.kind !== "PodDisruptionBudget") return false;
    const match = recordOf(recordOf(recordOf(o)["spec"])["selector"])["matchLabels"] as
      Record<string, string> | undefined;
    return match !== undefined && podLabels.some((l) => Object.entries(match).every(([k, v]) => l[k] === v));
  });
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  for (const pod of templates)
    if (pod !== undefined)
      podReferences(pod, (kind, name) => (kind === "Secret" ? secrets : configMaps).add(name));
  const base: NodeDetails = {
    node,
    nodeKind: desired.nodeKind,
    type,
    objects: desired.objects.map(({ object }) => `${object.kind}/${object.metadata.name}`),
    pods: [],
    events: [],
    ...(hpa === undefined ? {} : { autoscaler: autoscalerOf(hpa, undefined) }),
    ...(pdb === undefined ? {} : { disruptionBudget: budgetOf(pdb, undefined) }),
    reads: { secrets: [...secrets].sort(), configMaps: [...configMaps].sort() },
  };
  if (live === undefined) return base;
  const pods = live.pods.map(podView).sort((a, b) => a.name.localeCompare(b.name));
  let desiredPods = 0;
  let readyPods = 0;
  for (const o of mains) {
    const l = live.get(`${o.kind}/${o.metadata.name}`);
    if (l === undefined) continue;
    const spec = recordOf(l["spec"]);
    const status = recordOf(l["status"]);
    desiredPods +=
      typeof spec["replicas"] === "number"
        ? spec["replicas"]
        : typeof spec["instances"] === "number"
          ? spec["instances"]
          : o.kind === "CronJob"
            ? 0
            : 1;
    readyPods += num(status["readyReplicas"]) || num(status["readyInstances"]) || num(status["succeeded"]);
  }
  const names = new Set([
    ...desired.objects.map(({ object }) => object.metadata.name),
    ...live.pods.map((p) => p.metadata.name),
  ]);
  const events = (await live.cluster.list("v1", "Event", model.namespace))
    .filter((e) => names.has(str(recordOf(e["involvedObject"])["name"])))
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)))
    .slice(0, 15)
    .map((e) => ({
      time: eventTime(e),
      type: str(e["type"]),
      reason: str(e["reason"]),
      object: `${str(recordOf(e["involvedObject"])["kind"])}/${str(recordOf(e["involvedObject"])["name"])}`,
      message: str(e["message"]),
      count: num(e["count"]) || 1,
    }));
  let explanation: string | undefined;
  if (live.health !== undefined && (live.health.state === "progressing" || live.health.state === "failed")) {
    const stuck = mains.map((o) => live.get(`${o.kind}/${o.metadata.name}`)).find((o) => o !== undefined);
    explanation =
      stuck === undefined
        ? live.health.message
        : await explainNotReady(live.cluster, stuck).catch(() => live.health?.message ?? "");
  }
  const logs = await failingLogs(live.cluster, model.namespace, live.pods);
  const [hpaLive, pdbLive] = await Promise.all(
    [hpa, pdb].map((o) =>
      o === undefined
        ? Promise.resolve(undefined)
        : live.cluster.get({ ...refOf(o), namespace: model.namespace }),
    ),
  );
  return {
    ...base,
    ...(hpa === undefined ? {} : { autoscaler: autoscalerOf(hpa, hpaLive) }),
    ...(pdb === undefined ? {} : { disruptionBudget: budgetOf(pdb, pdbLive) }),
    desired: desiredPods,
    ready: readyPods,
    pods,
    events,
    ...(explanation === undefined || explanation === "" ? {} : { explanation }),
    ...(logs === undefined ? {} : { logs }),
  };
}

const eventTime = (e: LiveObject): string =>
  str(e["lastTimestamp"]) || str(e["eventTime"]) || str(recordOf(e.metadata)["creationTimestamp"]);

function podView(p: LiveObject): PodView {
  const status = recordOf(p["status"]);
  const containers = (status["containerStatuses"] as ContainerStatus[] | undefined) ?? [];
  const last = containers
    .map((c) => ({ name: c.name, t: c.lastState?.terminated ?? c.state?.terminated }))
    .find((c) => c.t !== undefined);
  const problem = podProblem(p);
  const nodeName = str(recordOf(p["spec"])["nodeName"]);
  const started = str(status["startTime"]);
  return {
    name: p.metadata.name,
    phase: p.metadata.deletionTimestamp === undefined ? str(status["phase"]) || "Pending" : "Terminating",
    ready: `${containers.filter((c) => c.ready === true).length}/${Math.max(containers.length, recordsOf(recordOf(p["spec"])["containers"]).length)}`,
    restarts: containers.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    ...(last?.t === undefined
      ? {}
      : {
          lastTermination: `${last.name}: ${last.t.reason ?? "Terminated"} (exit ${last.t.exitCode ?? "?"})`,
        }),
    ...(problem === undefined ? {} : { problem }),
    ...(nodeName === "" ? {} : { nodeName }),
    ...(started === "" ? {} : { started }),
  };
}

/** The last log lines of the first container that is crash-looping or has ended in failure. */
async function failingLogs(
  cluster: Cluster,
  namespace: string,
  pods: readonly LiveObject[],
): Promise<NodeDetails["logs"]> {
  for (const p of pods) {
    for (const c of (recordOf(p["status"])["containerStatuses"] as ContainerStatus[] | undefined) ?? []) {
      const crashing = c.state?.waiting?.reason === "CrashLoopBackOff";
      const failed = (c.state?.terminated?.exitCode ?? 0) !== 0;
      if (!crashing && !failed) continue;
      const lines = await cluster.logs(namespace, p.metadata.name, c.name, 20, crashing);
      return { pod: p.metadata.name, container: c.name, lines };
    }
  }
  return undefined;
}

function autoscalerOf(hpa: KubeObject, live: LiveObject | undefined): NonNullable<NodeDetails["autoscaler"]> {
  const spec = recordOf(recordOf(hpa)["spec"]);
  const status = recordOf(live?.["status"]);
  const current = recordsOf(status["currentMetrics"]);
  const metrics = recordsOf(spec["metrics"]).map((m) => {
    const r = recordOf(m["resource"]);
    const target = recordOf(r["target"]);
    const name = str(r["name"]) || str(m["type"]);
    const now = current.find((c) => str(recordOf(c["resource"])["name"]) === name);
    const value = recordOf(recordOf(now?.["resource"])["current"]);
    const currentText =
      typeof value["averageUtilization"] === "number"
        ? `${value["averageUtilization"]}%`
        : str(value["averageValue"]);
    return {
      name,
      target:
        typeof target["averageUtilization"] === "number"
          ? `${target["averageUtilization"]}%`
          : str(target["averageValue"]) || str(target["value"]),
      ...(currentText === "" ? {} : { current: currentText }),
    };
  });
  return {
    name: hpa.metadata.name,
    min: num(spec["minReplicas"]) || 1,
    max: num(spec["maxReplicas"]),
    // Until the controller has synced it once (and without metrics), the status has no replicas.
    ...(typeof status["currentReplicas"] === "number" && status["currentReplicas"] > 0
      ? { current: status["currentReplicas"], desired: num(status["desiredReplicas"]) }
      : {}),
    metrics,
  };
}

function budgetOf(
  pdb: KubeObject,
  live: LiveObject | undefined,
): NonNullable<NodeDetails["disruptionBudget"]> {
  const spec = recordOf(recordOf(pdb)["spec"]);
  const status = recordOf(live?.["status"]);
  const text = (v: unknown): string | undefined =>
    typeof v === "number" || typeof v === "string" ? String(v) : undefined;
  const minAvailable = text(spec["minAvailable"]);
  const maxUnavailable = text(spec["maxUnavailable"]);
  return {
    name: pdb.metadata.name,
    ...(minAvailable === undefined ? {} : { minAvailable }),
    ...(maxUnavailable === undefined ? {} : { maxUnavailable }),
    ...(live === undefined
      ? {}
      : { allowed: num(status["disruptionsAllowed"]), healthy: num(status["currentHealthy"]) }),
  };
}

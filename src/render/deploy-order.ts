import type { AppModel } from "../model/app-model.js";
import { GATEWAY_KINDS } from "./gateway-routes.js";
import { OPERATED_INIT_KINDS, OPERATED_MAIN_KINDS, OPERATED_PART_KINDS } from "./operated.js";
import type { KubeObject } from "./kube-object.js";
import { BACKING_LABEL, COMPONENT_LABEL, NAME_LABEL } from "./labels.js";

/**
 * The graph node an object belongs to: its backing service for every StatefulSet and Service of one
 * (a primary's read replicas and Redis's sentinels deploy with it), else its own name.
 */
function ownerOf(o: KubeObject): string | undefined {
  return o.metadata.labels?.[BACKING_LABEL] ?? o.metadata.labels?.[NAME_LABEL];
}

/** One step of a deploy: objects applied together (in parallel), then waited for. */
export interface Wave {
  readonly name: string;
  readonly objects: readonly KubeObject[];
}

const CONFIG_KINDS = new Set([
  "ServiceAccount",
  "ConfigMap",
  "Secret",
  "ExternalSecret",
  "Password",
  "NetworkPolicy",
  "Service",
  "Role",
  "RoleBinding",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolumeClaim",
  // The Barman Cloud plugin's object store, which a CloudNativePG Cluster names.
  "ObjectStore",
]);
/**
 * What a graph node runs: kubeship's workloads, an operator's main resource and its parts, and the
 * resources made once a node is ready (an init job, Strimzi's topics).
 */
const WORKLOAD_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "Job",
  "CronJob",
  "DaemonSet",
  ...OPERATED_MAIN_KINDS,
  ...OPERATED_PART_KINDS,
  ...OPERATED_INIT_KINDS,
]);
/** The kinds of a node's init step. */
const INIT_KINDS = new Set(["Job", ...OPERATED_INIT_KINDS]);
const SCALING_KINDS = new Set(["HorizontalPodAutoscaler", "VerticalPodAutoscaler", "PodDisruptionBudget"]);
const MONITORING_KINDS = new Set(["ServiceMonitor", "PrometheusRule", "PodMonitor"]);

/**
 * The deploy order, from the model's one dependency graph: the namespace; config, accounts, policies
 * and Services; then the graph's waves (backing services, their init jobs, `before` jobs, then the
 * workloads that use them); then autoscalers and disruption budgets, Ingress or Gateway API routes,
 * and monitoring.
 */
export function deployWaves(model: AppModel, objects: readonly KubeObject[]): Wave[] {
  const waves: Wave[] = [];
  const used = new Set<KubeObject>();
  const take = (name: string, pick: (o: KubeObject) => boolean): void => {
    const picked = objects.filter((o) => !used.has(o) && pick(o));
    picked.forEach((o) => used.add(o));
    if (picked.length > 0) waves.push({ name, objects: picked });
  };
  const isDashboard = (o: KubeObject): boolean =>
    o.kind === "ConfigMap" && o.metadata.labels?.["grafana_dashboard"] === "1";
  take("namespace", (o) => o.kind === "Namespace");
  take("config", (o) => CONFIG_KINDS.has(o.kind) && !isDashboard(o));
  const owner = ownerOf;
  for (const wave of model.graph.waves()) {
    const members = new Set(wave);
    take(
      wave.join(", "),
      (o) =>
        WORKLOAD_KINDS.has(o.kind) &&
        members.has(owner(o) ?? "") &&
        o.metadata.labels?.[COMPONENT_LABEL] !== "init",
    );
    const inits = wave.map((n) => `${n}-init`);
    take(
      inits.filter((n) => objects.some((o) => owner(o) === n)).join(", "),
      (o) => INIT_KINDS.has(o.kind) && inits.includes(owner(o) ?? ""),
    );
  }
  take("workloads", (o) => WORKLOAD_KINDS.has(o.kind));
  take("scaling", (o) => SCALING_KINDS.has(o.kind));
  take("traffic", (o) => o.kind === "Ingress" || GATEWAY_KINDS.has(o.kind));
  take("monitoring", (o) => MONITORING_KINDS.has(o.kind) || isDashboard(o));
  take("other", () => true);
  return waves;
}

/** The deploy as steps: before the graph, per graph node (its workloads, then its init job), after. */
export interface DeploySteps {
  readonly before: readonly Wave[];
  readonly nodes: ReadonlyMap<string, readonly Wave[]>;
  /**
   * Per graph node, the Services whose endpoints its dependents connect to: the node is ready for
   * them once its workloads are and these Services have ready endpoints.
   */
  readonly services: ReadonlyMap<string, readonly string[]>;
  readonly after: readonly Wave[];
  readonly count: number;
}

/**
 * Splits the objects into the steps the engine runs: the namespace and config first; then one step
 * per graph node (and one for its init job), which the engine starts as soon as the node's own
 * dependencies are ready rather than a whole level at a time; then scaling, traffic and monitoring.
 */
export function deploySteps(model: AppModel, objects: readonly KubeObject[]): DeploySteps {
  const waves = deployWaves(model, objects);
  const owner = ownerOf;
  const before = waves.filter((w) => w.name === "namespace" || w.name === "config");
  const graphNames = new Set(model.graph.nodes.map((n) => n.name));
  const nodes = new Map<string, Wave[]>();
  const rest: KubeObject[] = [];
  for (const w of waves.filter((x) => !before.includes(x))) {
    for (const o of w.objects) {
      const name = owner(o) ?? "";
      const isInit =
        o.metadata.labels?.[COMPONENT_LABEL] === "init" &&
        name.endsWith("-init") &&
        graphNames.has(name.slice(0, -5));
      const node = isInit ? name.slice(0, -5) : name;
      if (WORKLOAD_KINDS.has(o.kind) && graphNames.has(node)) {
        const steps = nodes.get(node) ?? [];
        // A backing's other StatefulSets (read replicas, sentinels) and its exporter follow its main
        // one, each a step of its own: replicas copy a primary that is ready.
        // An operator's parts (a node pool) go with its main resource, which cannot be ready without them.
        const stepName = isInit
          ? `${node}-init`
          : o.metadata.name === node || OPERATED_PART_KINDS.has(o.kind)
            ? node
            : o.metadata.name;
        const step = steps.find((s) => s.name === stepName);
        if (step) (step.objects as KubeObject[]).push(o);
        else steps.push({ name: stepName, objects: [o] });
        nodes.set(node, steps);
      } else rest.push(o);
    }
  }
  // The node's main workload first, then its members, then the init job that needs them all.
  for (const [node, steps] of nodes) {
    const rank = (w: Wave): number => (w.name === node ? 0 : w.name === `${node}-init` ? 2 : 1);
    steps.sort((a, b) => rank(a) - rank(b));
  }
  const after = rest.length > 0 ? [{ name: "scaling, traffic, monitoring", objects: rest }] : [];
  const services = new Map<string, string[]>();
  for (const o of objects) {
    const node = owner(o) ?? "";
    const spec = (o as { spec?: { selector?: Record<string, string>; type?: string } }).spec;
    if (
      o.kind !== "Service" ||
      spec?.type === "ExternalName" ||
      Object.keys(spec?.selector ?? {}).length === 0 ||
      !(nodes.get(node) ?? []).some((step) => step.objects.some(runsPods))
    )
      continue;
    services.set(node, [...(services.get(node) ?? []), o.metadata.name]);
  }
  return {
    before,
    nodes,
    services,
    after,
    count: before.length + [...nodes.values()].reduce((n, s) => n + s.length, 0) + after.length,
  };
}

/** A Deployment or StatefulSet that asks for at least one pod (a Service over it gets endpoints). */
function runsPods(o: KubeObject): boolean {
  const replicas = (o as { spec?: { replicas?: number } }).spec?.replicas;
  return (o.kind === "Deployment" || o.kind === "StatefulSet") && replicas !== 0;
}

/**
 * The graph's nodes, those with the longest chain of dependents after them first (stable otherwise):
 * the engine starts them in this order, so the controllers, which work first come first served, get
 * to the critical path before the nodes that have time to spare.
 */
export function criticalFirst(model: AppModel, steps: DeploySteps): string[] {
  const height = new Map<string, number>();
  const heightOf = (name: string): number => {
    let h = height.get(name);
    if (h === undefined) {
      height.set(name, 0); // a cycle (refused earlier by the model) cannot recurse forever
      const own = steps.nodes.get(name)?.length ?? 0;
      h = own + Math.max(0, ...model.graph.dependentsOf(name).map(heightOf));
      height.set(name, h);
    }
    return h;
  };
  const names = model.graph.nodes.map((n) => n.name);
  return names
    .map((name, i) => ({ name, i, h: heightOf(name) }))
    .sort((a, b) => b.h - a.h || a.i - b.i)
    .map((x) => x.name);
}

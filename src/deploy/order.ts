import type { AppModel } from "../model/app-model.js";
import type { KubeObject } from "../render/kube-object.js";
import { COMPONENT_LABEL, NAME_LABEL } from "../render/labels.js";

/** One step of a deploy: objects applied together (in parallel), then waited for. */
export interface Wave {
  readonly name: string;
  readonly objects: readonly KubeObject[];
}

const CONFIG_KINDS = new Set([
  "ServiceAccount",
  "ConfigMap",
  "Secret",
  "NetworkPolicy",
  "Service",
  "Role",
  "RoleBinding",
]);
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet"]);
const SCALING_KINDS = new Set(["HorizontalPodAutoscaler", "PodDisruptionBudget"]);
const MONITORING_KINDS = new Set(["ServiceMonitor", "PrometheusRule", "PodMonitor"]);

/**
 * The deploy order, from the model's one dependency graph: the namespace; config, accounts, policies
 * and Services; then the graph's waves (backing services, their init jobs, `before` jobs, then the
 * workloads that use them); then autoscalers and disruption budgets, Ingress, and monitoring.
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
  const owner = (o: KubeObject): string | undefined => o.metadata.labels?.[NAME_LABEL];
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
      (o) => o.kind === "Job" && inits.includes(owner(o) ?? ""),
    );
  }
  take("workloads", (o) => WORKLOAD_KINDS.has(o.kind));
  take("scaling", (o) => SCALING_KINDS.has(o.kind));
  take("traffic", (o) => o.kind === "Ingress");
  take("monitoring", (o) => MONITORING_KINDS.has(o.kind) || isDashboard(o));
  take("other", () => true);
  return waves;
}

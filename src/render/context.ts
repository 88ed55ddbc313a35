import { createHash } from "node:crypto";
import type { ResolvedBacking } from "../catalog/catalog.js";
import type { AppModel, Workload } from "../model/app-model.js";

/** What every builder is given: the model and the catalog's view of its backing services. */
export interface RenderContext {
  readonly model: AppModel;
  readonly backings: ReadonlyMap<string, ResolvedBacking>;
  /** Hash of the shared ConfigMap's data: a pod annotation, so that a config change rolls the pods. */
  readonly configHash: string;
}

/** Builds the render context. */
export function renderContext(
  model: AppModel,
  backings: ReadonlyMap<string, ResolvedBacking>,
): RenderContext {
  return { model, backings, configHash: shortHash(JSON.stringify(model.config)) };
}

/** The first 16 hex digits of a SHA-256. */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The name of the shared ConfigMap. */
export function configMapName(model: AppModel): string {
  return `${model.app}-config`;
}

/** The ConfigMap of a backing's files (one for all its StatefulSets), or of a workload's files. */
export function filesConfigMapName(name: string): string {
  return `${name}-files`;
}

/** The name of the Secret with a workload's own generated values. */
export function workloadSecretName(name: string): string {
  return `${name}-secrets`;
}

/** The Secret of the app's shared generated values (`secrets.shared`). */
export function sharedSecretName(model: AppModel): string {
  return `${model.app}-shared`;
}

/** The Secret of the values supplied at deploy time (`secrets.supplied`). */
export function suppliedSecretName(model: AppModel): string {
  return `${model.app}-supplied`;
}

/** The Secret a workload reads a secret value from: the app's shared or supplied one, or its own. */
export function secretSourceOf(model: AppModel, workload: string, key: string): string {
  if (model.secrets.supplied.includes(key)) return suppliedSecretName(model);
  if (model.secrets.shared.includes(key)) return sharedSecretName(model);
  return workloadSecretName(workload);
}

/** The workload of that name. */
export function workloadNamed(model: AppModel, name: string): Workload | undefined {
  return model.workloads.find((w) => w.name === name);
}

/** The name of a port by protocol: `http`, `grpc` or `tcp`. */
export function servicePortName(w: Workload): string {
  return w.protocol;
}

/** Whether the metrics endpoint needs a port of its own. */
export function hasSeparateMetricsPort(w: Workload): boolean {
  return w.metrics !== undefined && w.metrics.port !== w.port;
}

/** The port name a ServiceMonitor scrapes for a workload. */
export function metricsPortName(w: Workload): string {
  return hasSeparateMetricsPort(w) ? "metrics" : servicePortName(w);
}

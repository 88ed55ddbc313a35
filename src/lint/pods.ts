import type { DocPath } from "../spec/diagnostic.js";
import { asArray, asRecord, asString, field, fieldAt, stringMap } from "./object.js";
import type { ManifestObject } from "./types.js";

/** A pod template found in a workload (or a bare Pod). */
export interface PodTemplate {
  readonly target: ManifestObject;
  /** Path of the PodSpec inside the object. */
  readonly specPath: DocPath;
  readonly spec: Readonly<Record<string, unknown>>;
  /** Path of the pod's metadata inside the object. */
  readonly metaPath: DocPath;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** False for Jobs, CronJobs and run-to-completion Pods: they need no probes, replicas or budgets. */
  readonly longRunning: boolean;
}

/** A container of a pod template. */
export interface ContainerRef {
  readonly pod: PodTemplate;
  readonly container: Readonly<Record<string, unknown>>;
  readonly name: string;
  readonly path: DocPath;
  readonly type: "containers" | "initContainers" | "ephemeralContainers";
}

/** Kinds whose objects carry `spec.template` (a PodTemplateSpec). */
export const TEMPLATE_KINDS: ReadonlySet<string> = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
]);

// The pod templates of the input seen last (a strong slot, not a WeakMap: see `indexOf`).
let last: { readonly objects: readonly ManifestObject[]; readonly pods: readonly PodTemplate[] } | undefined;

/** Every pod template of the input, in input order. */
export function podTemplates(objects: readonly ManifestObject[]): readonly PodTemplate[] {
  if (last?.objects === objects) return last.pods;
  const out: PodTemplate[] = [];
  for (const target of objects) {
    const pt = podTemplateOf(target);
    if (pt !== undefined) out.push(pt);
  }
  last = { objects, pods: out };
  return out;
}

/** The pod template of one object, if it has one. */
export function podTemplateOf(target: ManifestObject): PodTemplate | undefined {
  const o = target.object;
  let metaPath: DocPath;
  let specPath: DocPath;
  if (target.kind === "Pod") {
    metaPath = ["metadata"];
    specPath = ["spec"];
  } else if (TEMPLATE_KINDS.has(target.kind)) {
    metaPath = ["spec", "template", "metadata"];
    specPath = ["spec", "template", "spec"];
  } else if (target.kind === "CronJob") {
    metaPath = ["spec", "jobTemplate", "spec", "template", "metadata"];
    specPath = ["spec", "jobTemplate", "spec", "template", "spec"];
  } else {
    return undefined;
  }
  const spec = asRecord(fieldAt(o, specPath));
  if (spec === undefined) return undefined;
  const meta = fieldAt(o, metaPath);
  const restart = asString(spec.restartPolicy);
  const longRunning =
    target.kind !== "Job" &&
    target.kind !== "CronJob" &&
    !(target.kind === "Pod" && (restart === "Never" || restart === "OnFailure"));
  return {
    target,
    specPath,
    spec,
    metaPath,
    labels: stringMap(field(meta, "labels")),
    annotations: stringMap(field(meta, "annotations")),
    longRunning,
  };
}

/** Where a pod template keeps its containers once listed (on the template: it dies with it). */
const CONTAINERS = Symbol("containers");
interface Listed {
  [CONTAINERS]?: readonly ContainerRef[];
}

/**
 * The containers of a pod template: regular ones, and init and ephemeral ones when asked. Built once
 * per pod (some 25 rules ask for each pod's containers).
 */
export function containersOf(
  pod: PodTemplate,
  which: { init?: boolean; ephemeral?: boolean } = { init: true, ephemeral: true },
): readonly ContainerRef[] {
  const memo = pod as Listed;
  let all = memo[CONTAINERS];
  if (all === undefined) {
    const out: ContainerRef[] = [];
    for (const type of ["containers", "initContainers", "ephemeralContainers"] as const) {
      asArray(pod.spec[type]).forEach((c, i) => {
        const container = asRecord(c);
        if (container === undefined) return;
        out.push({
          pod,
          container,
          name: asString(container.name) ?? `#${i}`,
          path: [...pod.specPath, type, i],
          type,
        });
      });
    }
    all = out;
    memo[CONTAINERS] = all;
  }
  if (which.init === true && which.ephemeral === true) return all;
  return all.filter(
    (c) =>
      c.type === "containers" ||
      (c.type === "initContainers" && which.init === true) ||
      (c.type === "ephemeralContainers" && which.ephemeral === true),
  );
}

/** An init container that keeps running beside the app (`restartPolicy: Always`, native sidecars). */
export function isSidecar(c: ContainerRef): boolean {
  return c.type === "initContainers" && c.container.restartPolicy === "Always";
}

/** The ports a container declares: numbers and names. */
export function containerPorts(c: Readonly<Record<string, unknown>>): {
  numbers: Set<number>;
  names: Map<string, number>;
} {
  const numbers = new Set<number>();
  const names = new Map<string, number>();
  for (const p of asArray(c.ports)) {
    const port = asRecord(p);
    const n = port?.containerPort;
    if (typeof n !== "number") continue;
    numbers.add(n);
    const name = asString(port?.name);
    if (name !== undefined) names.set(name, n);
  }
  return { numbers, names };
}

/** Whether the replica count of a workload is known and how big it is (`undefined` when defaulted to 1). */
export function replicasOf(target: ManifestObject): number | undefined {
  const r = field(target.object, "spec", "replicas");
  return typeof r === "number" ? r : undefined;
}

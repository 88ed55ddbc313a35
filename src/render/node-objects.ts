import type { AppModel } from "../model/app-model.js";
import { BACKUP_SUFFIX, RESTORE_SUFFIX } from "./backup-job.js";
import type { KubeObject } from "./kube-object.js";
import { BACKING_LABEL, NAME_LABEL } from "./labels.js";
import { OPERATED_MAIN_KINDS, OPERATED_PART_KINDS } from "./operated.js";

/** What an object does for its node of the graph. */
export type NodeRole = "main" | "init" | "backup" | "restore" | "exporter";

/** A node of the app's graph (a workload or a backing) and the objects that run its pods. */
export interface NodeObjects {
  readonly node: string;
  readonly nodeKind: "workload" | "backing";
  readonly objects: readonly { readonly object: KubeObject; readonly role: NodeRole }[];
}

/** Kinds whose objects run pods (directly, or through an operator). */
const POD_KINDS: ReadonlySet<string> = new Set([
  "Deployment",
  "StatefulSet",
  "Job",
  "CronJob",
  ...OPERATED_MAIN_KINDS,
  ...OPERATED_PART_KINDS,
]);

const SUFFIX_ROLES: readonly (readonly [string, NodeRole])[] = [
  ["-init", "init"],
  [BACKUP_SUFFIX, "backup"],
  [RESTORE_SUFFIX, "restore"],
  ["-exporter", "exporter"],
];

/**
 * The rendered objects that run each node's pods, by node, in the model's order: a workload's
 * Deployment, StatefulSet, Job or CronJob; a backing's StatefulSets (primary, replicas, sentinels),
 * its operator's resources, its exporter, init Job and backup CronJobs. The graph view colours a node
 * by these objects' readiness; `cost` sums their requests.
 */
export function objectsByNode(model: AppModel, objects: readonly KubeObject[]): NodeObjects[] {
  const nodes = new Map<
    string,
    { nodeKind: NodeObjects["nodeKind"]; objects: NodeObjects["objects"][number][] }
  >();
  for (const w of model.workloads) nodes.set(w.name, { nodeKind: "workload", objects: [] });
  for (const b of model.backings) nodes.set(b.name, { nodeKind: "backing", objects: [] });
  for (const o of objects) {
    if (!POD_KINDS.has(o.kind)) continue;
    const found = nodeOfLabels(o.metadata.labels ?? {}, o.metadata.name, nodes);
    if (found !== undefined) nodes.get(found.node)?.objects.push({ object: o, role: found.role });
  }
  return [...nodes].map(([node, v]) => ({ node, nodeKind: v.nodeKind, objects: v.objects }));
}

/**
 * The node an object or a pod belongs to, by its labels (a backing's label, else its name label, a
 * helper's name with its suffix taken off), and what it does there; undefined for other objects.
 */
export function nodeOfLabels(
  labels: Readonly<Record<string, string>>,
  objectName: string,
  nodes: { has(node: string): boolean },
): { node: string; role: NodeRole } | undefined {
  const name = labels[NAME_LABEL] ?? objectName;
  const suffixed = SUFFIX_ROLES.find(([suffix]) => name.endsWith(suffix));
  const backing = labels[BACKING_LABEL];
  if (backing !== undefined && nodes.has(backing))
    return { node: backing, role: name === backing ? "main" : (suffixed?.[1] ?? "main") };
  if (nodes.has(name)) return { node: name, role: "main" };
  if (suffixed === undefined) return undefined;
  const base = name.slice(0, -suffixed[0].length);
  return nodes.has(base) ? { node: base, role: suffixed[1] } : undefined;
}

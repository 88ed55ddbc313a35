import type { AppModel } from "../model/app-model.js";
import type { NodeObjects } from "../render/node-objects.js";
import { podProblem } from "./diagnose.js";
import type { LiveObject } from "./kube/cluster.js";
import { type Readiness, readinessFromPods, readinessOf } from "./readiness.js";

/**
 * Where a node of the graph stands: `ready`, `progressing`, `failed` (an object failed, or its pods
 * cannot run: unschedulable, an image that cannot be pulled, a crash loop), `missing` (not deployed),
 * `external` (a managed service kubeship does not run) or `unknown` (no cluster to ask).
 */
export type NodeState = "ready" | "progressing" | "failed" | "missing" | "external" | "unknown";

/** A node's state, in words, and the state of each of its objects. */
export interface NodeHealth {
  readonly node: string;
  readonly state: NodeState;
  readonly message: string;
  readonly objects: readonly {
    readonly object: string;
    readonly state: NodeState;
    readonly message: string;
  }[];
}

/** Live objects by `Kind/name`, and the app's pods by node. */
export interface LiveSnapshot {
  readonly objects: ReadonlyMap<string, LiveObject>;
  readonly podsByNode: ReadonlyMap<string, readonly LiveObject[]>;
}

const RANK: Readonly<Record<NodeState, number>> = {
  failed: 5,
  missing: 4,
  progressing: 3,
  unknown: 2,
  external: 1,
  ready: 0,
};

/**
 * A node's health from its live objects, judged as the deploy judges them (readiness.ts, the same
 * rules `kubeship deploy` waits on) and from its pods' problems, so the page and the CLI agree.
 * The worst object decides; helpers (init, backup and restore Jobs) count only when they failed.
 */
export function nodeHealth(model: AppModel, desired: NodeObjects, live: LiveSnapshot): NodeHealth {
  const backing = model.backings.find((b) => b.name === desired.node);
  if (backing !== undefined && (backing.type === "external" || backing.mode === "external"))
    return {
      node: desired.node,
      state: "external",
      message: "a managed service: kubeship does not run it",
      objects: [],
    };
  const pods = live.podsByNode.get(desired.node) ?? [];
  type ObjectHealth = NodeHealth["objects"][number];
  const objects = desired.objects.flatMap(({ object, role }): ObjectHealth[] => {
    const key = `${object.kind}/${object.metadata.name}`;
    const found = live.objects.get(key);
    if (found === undefined) return [{ object: key, state: "missing", message: "not deployed" }];
    const r = judge(found, pods);
    // A helper's progress does not colour the node; its failure does.
    if (role !== "main" && role !== "exporter" && r.state !== "failed") return [];
    return [{ object: key, state: r.state, message: r.message }];
  });
  const worst = objects.reduce<ObjectHealth | undefined>(
    (w, o) => (w === undefined || RANK[o.state] > RANK[w.state] ? o : w),
    undefined,
  );
  if (worst === undefined) return { node: desired.node, state: "ready", message: "nothing to run", objects };
  // Pods that cannot run make a rollout that is still "progressing" a failing one.
  if (worst.state === "progressing") {
    const problem = pods
      .filter((p) => p.metadata.deletionTimestamp === undefined)
      .map(podProblem)
      .find((p) => p !== undefined);
    if (problem !== undefined) return { node: desired.node, state: "failed", message: problem, objects };
  }
  const message =
    objects.length === 1 || worst.state !== "ready"
      ? `${worst.object}: ${worst.message}`
      : `${objects.length} objects ready`;
  return { node: desired.node, state: worst.state, message, objects };
}

function judge(o: LiveObject, pods: readonly LiveObject[]): Readiness {
  const status = readinessOf(o);
  if (status.state !== "progressing") return status;
  return readinessFromPods(o, pods) ?? status;
}

/** Every node unknown: no cluster to ask. */
export function unknownHealth(nodes: readonly NodeObjects[], why: string): NodeHealth[] {
  return nodes.map((n) => ({ node: n.node, state: "unknown", message: why, objects: [] }));
}

import { diffJson } from "../emit/json-patch.js";
import type { KubeObject } from "../render/kube-object.js";
import type { LiveObject, ObjectRef } from "./kube/cluster.js";
import { refOf } from "./kube/cluster.js";
import { ClusterError } from "./kube/errors.js";
import { DeployError } from "./errors.js";

/** What a deploy does to one object. */
export type PlanAction = "create" | "update" | "replace" | "unchanged" | "prune";

/** One line of a plan. */
export interface PlanEntry {
  readonly ref: ObjectRef;
  readonly action: PlanAction;
  /** Changed fields, `path: before -> after`. */
  readonly changes: readonly string[];
  /** Why, for replace and prune. */
  readonly reason?: string;
}

/** `Kind/name` of a reference. */
export function refName(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}`;
}

/** The identity of an object across renders and the cluster. */
export function refKey(ref: ObjectRef): string {
  return `${ref.apiVersion.split("/")[0] ?? ""}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
}

/**
 * Classifies one desired object from what the server said to a dry-run server-side apply:
 * a new object is created; an object whose dry run equals the live one is unchanged; an immutable
 * field change (422 naming the field) is a replacement; anything else is an update.
 */
export function classify(
  desired: KubeObject,
  live: LiveObject | undefined,
  dryRun: LiveObject | ClusterError,
): PlanEntry {
  const ref = refOf(desired);
  if (dryRun instanceof ClusterError) {
    // A claim holds data: it is never replaced. The API lets a bound claim grow, nothing else.
    if (live !== undefined && desired.kind === "PersistentVolumeClaim" && dryRun.status === 422)
      throw new DeployError(
        `PersistentVolumeClaim/${desired.metadata.name} cannot change that way: ${dryRun.message}`,
        "a volume's size can only grow (where its StorageClass has allowVolumeExpansion); for another access mode or storage class, add a new volume, copy the data, and remove the old one",
      );
    if (live !== undefined && isImmutableError(dryRun)) {
      return { ref, action: "replace", changes: [], reason: immutableReason(desired, dryRun) };
    }
    throw dryRun;
  }
  if (live === undefined) return { ref, action: "create", changes: [] };
  const ops = diffJson(comparable(live), comparable(dryRun));
  if (ops.length === 0) return { ref, action: "unchanged", changes: [] };
  const before = comparable(live);
  return {
    ref,
    action: "update",
    changes: ops.map((op) => {
      const path = op.path.slice(1).replace(/\//g, ".").replace(/~1/g, "/").replace(/~0/g, "~");
      const old = valueAt(before, op.path);
      if (op.op === "remove") return `${path}: ${short(old)} -> (removed)`;
      return `${path}: ${op.op === "add" ? "(none)" : short(old)} -> ${short(op.value)}`;
    }),
  };
}

/** True when the API refused a change because a field cannot change after creation. */
export function isImmutableError(e: ClusterError): boolean {
  if (e.status !== 422) return false;
  const text = [e.message, ...(e.details?.causes ?? []).map((c) => c.message ?? "")].join(" ");
  return /field is immutable|Forbidden: updates to statefulset spec|may not change once set|spec\.clusterIPs?\b.*(invalid|immutable)/i.test(
    text,
  );
}

function immutableReason(desired: KubeObject, e: ClusterError): string {
  const fields = (e.details?.causes ?? []).map((c) => c.field).filter((f): f is string => f !== undefined);
  const what = fields.length > 0 ? fields.join(", ") : "an immutable field";
  if (desired.kind === "StatefulSet")
    return `${what} cannot change in place: the StatefulSet is deleted with its pods orphaned and created again; its PersistentVolumeClaims are kept`;
  if (desired.kind === "Job")
    return `${what} cannot change in place: the Job is deleted and created again, so it runs again`;
  return `${what} cannot change in place: the object is deleted and created again`;
}

/** Plan lines for objects kubeship created before that are no longer wanted. */
export function pruneEntries(desired: readonly KubeObject[], owned: readonly LiveObject[]): PlanEntry[] {
  const wanted = new Set(desired.map((o) => refKey(refOf(o))));
  return owned
    .filter((o) => o.kind !== "PersistentVolumeClaim" && !wanted.has(refKey(refOf(o))))
    .map((o) => ({ ref: refOf(o), action: "prune" as const, changes: [], reason: "no longer in the spec" }));
}

/** What a comparison should ignore: status and the fields the server maintains. */
export function comparable(o: LiveObject): Record<string, unknown> {
  const { status: _status, ...rest } = o as Record<string, unknown> & { status?: unknown };
  const dropped = new Set([
    "managedFields",
    "resourceVersion",
    "generation",
    "uid",
    "creationTimestamp",
    "selfLink",
  ]);
  const meta: Record<string, unknown> = Object.fromEntries(
    Object.entries(o.metadata).filter(([k]) => !dropped.has(k)),
  );
  const annotations = { ...((meta["annotations"] as Record<string, string> | undefined) ?? {}) };
  delete annotations["deployment.kubernetes.io/revision"];
  delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
  if (Object.keys(annotations).length > 0) meta["annotations"] = annotations;
  else delete meta["annotations"];
  return { ...rest, metadata: meta };
}

function valueAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const t of pointer.slice(1).split("/")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[t.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return cur;
}

function short(v: unknown): string {
  const s = typeof v === "string" ? v : v === undefined ? "undefined" : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

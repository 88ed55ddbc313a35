import { FREE_FORM, validateEverywhere } from "./generic.js";
import { validateKind } from "./kinds.js";
import { validateMeta } from "./meta.js";
import { type Obj, type Refusal, Refusals } from "./support.js";

export type { Refusal } from "./support.js";

/** The API groups of built-in kinds (a CRD's fields may mean anything). */
const BUILT_IN =
  /^(v1|(apps|batch|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|scheduling\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io)\/v\d+(beta\d+)?)$/;

/** Kinds without a namespace. */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "CustomResourceDefinition",
  "Node",
]);

/**
 * What the API server's own validation (pkg/apis/<group>/validation, apimachinery's name and label
 * formats) would refuse in an object, in its words, where no schema says it: names per kind, labels
 * and annotations, ports, quantities and requests over limits, env names, volume and mount
 * references, probes, restart policies per owner, update strategies, selectors against templates,
 * cron schedules, and the rules of the core, apps, batch, networking, policy, rbac and autoscaling
 * kinds kubeship and the guides use. Pure: the object in, refusals out.
 */
export function apiValidation(o: Obj): readonly Refusal[] {
  const kind = typeof o["kind"] === "string" ? o["kind"] : "";
  const apiVersion = typeof o["apiVersion"] === "string" ? o["apiVersion"] : "";
  const r = new Refusals();
  validateMeta(r, o, kind, !CLUSTER_SCOPED.has(kind));
  validateKind(r, o, kind, apiVersion);
  if (BUILT_IN.test(apiVersion)) {
    for (const k in o) if (k !== "metadata" && !FREE_FORM.has(k)) validateEverywhere(r, o[k], k, kind);
  }
  return r.list;
}

import {
  arr,
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  type Obj,
  pathSegmentErrors,
  qualifiedNameErrors,
  rec,
  type Refusals,
  sub,
  type Where,
  str,
} from "./support.js";

/** The total size of an object's annotations the API server allows (TotalAnnotationSizeLimitB). */
const ANNOTATIONS_LIMIT = 256 * 1024;

/** The name format of each built-in kind, from the kind's own Validate<Kind>Name. */
const NAME_RULES: Readonly<Record<string, (name: string) => string[]>> = {
  Namespace: dns1123LabelErrors,
  Service: dns1035LabelErrors,
  StatefulSet: dns1123LabelErrors,
  Role: pathSegmentErrors,
  ClusterRole: pathSegmentErrors,
  RoleBinding: pathSegmentErrors,
  ClusterRoleBinding: pathSegmentErrors,
  // ValidatePodDisruptionBudget checks no name format beyond what every object's path allows.
  PodDisruptionBudget: pathSegmentErrors,
  CronJob: (name) => [
    ...dns1123SubdomainErrors(name),
    // A CronJob's Jobs are named <name>-<11 digits> and carry it as a label value.
    ...(name.length > 52 ? ["must be no more than 52 characters"] : []),
  ],
};

/** Built-in kinds whose names are DNS-1123 subdomains (the default of ValidateObjectMeta's callers). */
const SUBDOMAIN_KINDS = new Set([
  "Pod",
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "PersistentVolumeClaim",
  "PersistentVolume",
  "Deployment",
  "DaemonSet",
  "ReplicaSet",
  "Job",
  "Ingress",
  "IngressClass",
  "NetworkPolicy",
  "HorizontalPodAutoscaler",
  "PriorityClass",
  "StorageClass",
  "LimitRange",
  "ResourceQuota",
  "Endpoints",
  "PodTemplate",
]);

/**
 * Keys already found valid. The same few label keys come back in every object, and in several
 * places of each (metadata, template, selectors, spreading): remembering them makes the checks of a
 * large input cost a set look-up each. Bounded: cleared when full.
 */
const validKeys = new Set<string>();
/** Annotation keys are compared in lower case: a set of their own. */
const validAnnotationKeys = new Set<string>();
const REMEMBERED = 20_000;

function remember(set: Set<string>, value: string): void {
  if (set.size >= REMEMBERED) set.clear();
  set.add(value);
}

/**
 * Whether a label value is valid (what `labelValueErrors` finds nothing in), character by character:
 * values are new strings each (keys are property names the engine has already hashed), and a loop
 * over a few characters costs less than hashing them to look them up.
 */
function isLabelValue(v: string): boolean {
  const n = v.length;
  if (n > 63) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) continue;
    if (i === 0 || i === n - 1 || !(c === 45 || c === 95 || c === 46)) return false;
  }
  return true;
}

/** Labels: qualified-name keys, label values. */
export function validateLabels(r: Refusals, labels: unknown, path: Where): void {
  const map = rec(labels);
  if (map === undefined) return;
  for (const k in map) {
    const v = map[k];
    if (!validKeys.has(k)) {
      const problems = qualifiedNameErrors(k);
      if (problems.length === 0) remember(validKeys, k);
      else r.invalid(path, k, problems);
    }
    if (typeof v === "string" && !isLabelValue(v)) r.invalid(sub(path, k), v, labelValueErrors(v));
  }
}

/** ObjectMeta: the name for the kind, namespace, labels, annotations and their total size. */
export function validateMeta(r: Refusals, o: Obj, kind: string, namespaced: boolean | undefined): void {
  const meta = rec(o["metadata"]) ?? {};
  const name = str(meta["name"]);
  const generate = str(meta["generateName"]);
  if (name === undefined || name === "") {
    if (generate === undefined || generate === "")
      r.required(["metadata", "name"], "name or generateName is required");
  } else {
    const rule = NAME_RULES[kind] ?? (SUBDOMAIN_KINDS.has(kind) ? dns1123SubdomainErrors : undefined);
    if (rule !== undefined) r.invalid(["metadata", "name"], name, rule(name));
  }
  const ns = str(meta["namespace"]);
  if (ns !== undefined && ns !== "" && namespaced !== false)
    r.invalid(["metadata", "namespace"], ns, dns1123LabelErrors(ns));
  validateLabels(r, meta["labels"], ["metadata", "labels"]);
  validateAnnotations(r, meta["annotations"], ["metadata", "annotations"]);
  for (const [i, ref] of arr(meta["ownerReferences"]).entries())
    if (str(rec(ref)?.["uid"]) === undefined)
      r.required(["metadata", "ownerReferences", i, "uid"], "uid must not be empty");
}

/** Annotations: qualified-name keys (compared in lower case), 256 KiB in all. */
export function validateAnnotations(r: Refusals, annotations: unknown, path: Where): void {
  let size = 0;
  const map = rec(annotations) ?? {};
  for (const k in map) {
    const v = map[k];
    if (!validAnnotationKeys.has(k)) {
      const problems = qualifiedNameErrors(k.toLowerCase());
      if (problems.length === 0) remember(validAnnotationKeys, k);
      else r.invalid(path, k, problems);
    }
    size += k.length + (typeof v === "string" ? v.length : 0);
  }
  if (size > ANNOTATIONS_LIMIT) r.add(path, `Too long: may not be more than ${ANNOTATIONS_LIMIT} bytes`);
}

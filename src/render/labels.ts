import type { AppModel } from "../model/app-model.js";

/** The label kubeship selects pods by, together with `INSTANCE_LABEL`. */
export const NAME_LABEL = "app.kubernetes.io/name";
/** The app (spec `app`) an object belongs to; also what `deploy` prunes by. */
export const INSTANCE_LABEL = "app.kubernetes.io/instance";
/** What part an object plays: service, worker, job, database, init, monitoring, ... */
export const COMPONENT_LABEL = "app.kubernetes.io/component";
export const PART_OF_LABEL = "app.kubernetes.io/part-of";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const VERSION_LABEL = "app.kubernetes.io/version";
/** Who manages kubeship's objects. */
export const MANAGED_BY = "kubeship";
/** Annotation prefix that waives a lint rule on one object: `kubeship.io/waive.<rule>: <reason>`. */
export const WAIVE_ANNOTATION_PREFIX = "kubeship.io/waive.";
/**
 * The backing service a StatefulSet belongs to, on the objects and pods of all its StatefulSets (a
 * primary and its read replicas, Redis and its sentinels): disruption budgets, NetworkPolicies and
 * the deploy order treat them as one.
 */
export const BACKING_LABEL = "kubeship.io/backing";
/** Pod annotation holding a hash of a backing's or workload's files: a changed file rolls the pods. */
export const FILES_HASH_ANNOTATION = "kubeship.io/files-hash";
/** Pod annotation holding a hash of the shared config, so a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = "kubeship.io/config-hash";

/** The pods of every StatefulSet of a backing service. */
export function backingGroupLabels(model: AppModel, group: string): Record<string, string> {
  return { [BACKING_LABEL]: group, [INSTANCE_LABEL]: model.app };
}

/** The immutable selector of a workload's or backing's pods. */
export function selectorLabels(model: AppModel, name: string): Record<string, string> {
  return { [NAME_LABEL]: name, [INSTANCE_LABEL]: model.app };
}

/** The full label set of an object. */
export function objectLabels(
  model: AppModel,
  name: string,
  component: string,
  version?: string,
): Record<string, string> {
  const labels: Record<string, string> = {
    [NAME_LABEL]: name,
    [INSTANCE_LABEL]: model.app,
    [COMPONENT_LABEL]: component,
    [PART_OF_LABEL]: model.app,
    [MANAGED_BY_LABEL]: MANAGED_BY,
  };
  const v = version === undefined ? undefined : labelValue(version);
  if (v !== undefined && v !== "") labels[VERSION_LABEL] = v;
  return labels;
}

/** The tag of an image reference (`repo:1.2` -> `1.2`; a digest -> its first 12 hex digits). */
export function imageTag(image: string): string | undefined {
  const at = image.indexOf("@");
  if (at !== -1)
    return image
      .slice(at + 1)
      .replace(/^sha256:/, "")
      .slice(0, 12);
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > lastSlash ? image.slice(colon + 1) : undefined;
}

/** A string made safe for a label value (63 characters of [A-Za-z0-9._-], alphanumeric at both ends). */
export function labelValue(s: string): string {
  return s
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

import { podTemplates, type PodTemplate } from "./pods.js";
import type { ManifestObject } from "./types.js";

/**
 * Objects by kind and namespace, so that cross-object rules look up their peers instead of scanning
 * everything (linting 100,000 objects must stay linear). Built once per input and cached.
 * An object without a namespace goes wherever it is applied, so it is found from every namespace.
 */
export interface ObjectIndex {
  /** Objects of a kind in a namespace (`undefined`: every namespace), those without one included. */
  of(kind: string, namespace: string | undefined): readonly ManifestObject[];
  /** The object of a kind and name that a reference from `namespace` reaches. */
  find(kind: string, name: string, namespace: string | undefined): ManifestObject | undefined;
  /** Pod templates in a namespace (`undefined`: every namespace), those without one included. */
  pods(namespace: string | undefined): readonly PodTemplate[];
  /** True when the input has a pod template that can be in the namespace. */
  hasPods(namespace: string | undefined): boolean;
}

const cache = new WeakMap<readonly ManifestObject[], ObjectIndex>();
const NONE = "\u0000";

/** The index of an input (built on first use). */
export function indexOf(objects: readonly ManifestObject[]): ObjectIndex {
  const hit = cache.get(objects);
  if (hit !== undefined) return hit;
  const byKindNs = new Map<string, ManifestObject[]>();
  const byKind = new Map<string, ManifestObject[]>();
  const byName = new Map<string, ManifestObject[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [v]);
    else list.push(v);
  };
  for (const o of objects) {
    push(byKindNs, `${o.kind}/${o.namespace ?? NONE}`, o);
    push(byKind, o.kind, o);
    push(byName, `${o.kind}/${o.name}`, o);
  }
  const podsByNs = new Map<string, PodTemplate[]>();
  const allPods = podTemplates(objects);
  for (const p of allPods) push(podsByNs, p.target.namespace ?? NONE, p);
  const merged = new Map<string, readonly ManifestObject[]>();
  const mergedPods = new Map<string, readonly PodTemplate[]>();
  const index: ObjectIndex = {
    of(kind, namespace) {
      if (namespace === undefined) return byKind.get(kind) ?? [];
      const key = `${kind}/${namespace}`;
      let list = merged.get(key);
      if (list === undefined) {
        const own = byKindNs.get(key) ?? [];
        const floating = byKindNs.get(`${kind}/${NONE}`) ?? [];
        list = floating.length === 0 ? own : [...own, ...floating];
        merged.set(key, list);
      }
      return list;
    },
    find(kind, name, namespace) {
      return (byName.get(`${kind}/${name}`) ?? []).find(
        (o) => namespace === undefined || o.namespace === undefined || o.namespace === namespace,
      );
    },
    pods(namespace) {
      if (namespace === undefined) return allPods;
      let list = mergedPods.get(namespace);
      if (list === undefined) {
        const own = podsByNs.get(namespace) ?? [];
        const floating = podsByNs.get(NONE) ?? [];
        list = floating.length === 0 ? own : [...own, ...floating];
        mergedPods.set(namespace, list);
      }
      return list;
    },
    hasPods(namespace) {
      return index.pods(namespace).length > 0;
    },
  };
  cache.set(objects, index);
  return index;
}

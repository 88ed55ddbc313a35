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
  // By kind, namespace and name: a name repeats in every namespace of a large input, so `find` must not
  // scan them all. Objects without a namespace are kept apart and compared by input position.
  const byName = new Map<string, ManifestObject[]>();
  const byKindName = new Map<string, ManifestObject[]>();
  const position = new Map<ManifestObject, number>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [v]);
    else list.push(v);
  };
  objects.forEach((o, i) => {
    push(byKindNs, `${o.kind}/${o.namespace ?? NONE}`, o);
    push(byKind, o.kind, o);
    push(byName, `${o.kind}/${o.namespace ?? NONE}/${o.name}`, o);
    push(byKindName, `${o.kind}/${o.name}`, o);
    position.set(o, i);
  });
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
      if (namespace === undefined) return byKindName.get(`${kind}/${name}`)?.[0];
      // The first in input order of the namespace's own object and one without a namespace.
      const own = byName.get(`${kind}/${namespace}/${name}`)?.[0];
      const floating = byName.get(`${kind}/${NONE}/${name}`)?.[0];
      if (own === undefined || floating === undefined) return own ?? floating;
      return (position.get(own) ?? 0) < (position.get(floating) ?? 0) ? own : floating;
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

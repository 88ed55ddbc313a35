import { labelsOf } from "./object.js";
import { podTemplates, type PodTemplate } from "./pods.js";
import { matchesMap } from "./selectors.js";
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
  /**
   * The pods a plain selector map (a Service's `spec.selector`) selects in a namespace, as
   * `pods(namespace).filter(matchesMap)` would give them, found through a label index: a large
   * namespace made every Service scan all its pods.
   */
  podsSelectedBy(
    selector: Readonly<Record<string, string>>,
    namespace: string | undefined,
  ): readonly PodTemplate[];
  /** Objects of a kind (any namespace, in input order) whose metadata.labels has `key: value`. */
  labelled(kind: string, key: string, value: string): readonly ManifestObject[];
}

/**
 * The index of the input linted last: every rule of a run asks with the same array. A single strong
 * slot rather than a WeakMap: a WeakMap entry whose key has reached the old generation keeps its
 * value alive through every young collection, so each batch's index and objects were copied from
 * one generation to the next until a full collection (1 GB copied for 100,000 objects).
 */
let last: { readonly objects: readonly ManifestObject[]; readonly index: ObjectIndex } | undefined;
const NONE = "\u0000";

/** The index of an input (built on first use). */
export function indexOf(objects: readonly ManifestObject[]): ObjectIndex {
  if (last?.objects === objects) return last.index;
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
  // Pods by label, per namespace (NONE for those without one) and across namespaces.
  const podsByNsLabel = new Map<string, PodTemplate[]>();
  const podsByLabel = new Map<string, PodTemplate[]>();
  for (const p of allPods)
    for (const k in p.labels) {
      const pair = `${k}\u0000${p.labels[k] ?? ""}`;
      push(podsByNsLabel, `${p.target.namespace ?? NONE}\u0000${pair}`, p);
      push(podsByLabel, pair, p);
    }
  const labelledByKind = new Map<string, Map<string, ManifestObject[]>>();
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
    podsSelectedBy(selector, namespace) {
      const keys = Object.keys(selector);
      if (keys.length === 0) return [];
      const matches = (p: PodTemplate): boolean => matchesMap(selector, p.labels);
      // Candidates from one pair of the selector (the rarest), then the whole selector on each.
      const list = (prefix: string): readonly PodTemplate[] => {
        let best: readonly PodTemplate[] | undefined;
        for (const k of keys) {
          const l =
            (prefix === "" ? podsByLabel : podsByNsLabel).get(`${prefix}${k}\u0000${selector[k] ?? ""}`) ??
            [];
          if (best === undefined || l.length < best.length) best = l;
        }
        return best ?? [];
      };
      if (namespace === undefined) return list("").filter(matches);
      const own = list(`${namespace}\u0000`).filter(matches);
      const floating = list(`${NONE}\u0000`).filter(matches);
      return floating.length === 0 ? own : [...own, ...floating];
    },
    labelled(kind, key, value) {
      let byLabel = labelledByKind.get(kind);
      if (byLabel === undefined) {
        byLabel = new Map();
        for (const o of byKind.get(kind) ?? []) {
          const labels = labelsOf(o.object);
          for (const k in labels) push(byLabel, `${k}\u0000${labels[k] ?? ""}`, o);
        }
        labelledByKind.set(kind, byLabel);
      }
      return byLabel.get(`${key}\u0000${value}`) ?? [];
    },
  };
  last = { objects, index };
  return index;
}

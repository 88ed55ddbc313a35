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
  const index = buildIndex(objects);
  last = { objects, index };
  return index;
}

function push<K, T>(m: Map<K, T[]>, k: K, v: T): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

/** The inner map of a nested map, made on first use. */
function inner<K, L, V>(m: Map<K, Map<L, V>>, k: K): Map<L, V> {
  let i = m.get(k);
  if (i === undefined) {
    i = new Map();
    m.set(k, i);
  }
  return i;
}

function buildIndex(objects: readonly ManifestObject[]): ObjectIndex {
  // Nested maps rather than joined keys: joining kind, namespace and name for every object cost more
  // than all the lookups. The parts that only some rules ask for are built when first asked.
  const byKind = new Map<string, ManifestObject[]>();
  const byKindNs = new Map<string, Map<string, ManifestObject[]>>();
  for (const o of objects) {
    push(byKind, o.kind, o);
    push(inner(byKindNs, o.kind), o.namespace ?? NONE, o);
  }
  // By kind, namespace and name (the first of each): a name repeats in every namespace of a large
  // input, so `find` must not scan them all. Objects without a namespace are kept apart (NONE) and
  // compared with a namespace's own by input position.
  let byName: Map<string, Map<string, Map<string, ManifestObject>>> | undefined;
  let position: Map<ManifestObject, number> | undefined;
  const names = (): Map<string, Map<string, Map<string, ManifestObject>>> => {
    if (byName === undefined) {
      byName = new Map();
      for (const o of objects) {
        const n = inner(inner(byName, o.kind), o.namespace ?? NONE);
        if (!n.has(o.name)) n.set(o.name, o);
      }
    }
    return byName;
  };
  const positionOf = (o: ManifestObject): number => {
    position ??= new Map(objects.map((x, i) => [x, i]));
    return position.get(o) ?? 0;
  };
  const allPods = podTemplates(objects);
  const podsByNs = new Map<string, PodTemplate[]>();
  for (const p of allPods) push(podsByNs, p.target.namespace ?? NONE, p);
  const merged = new Map<string, readonly ManifestObject[]>();
  const mergedPods = new Map<string, readonly PodTemplate[]>();
  // Pods by label pair, per namespace (NONE for those without one) and across namespaces.
  let podLabels:
    | { readonly byNs: Map<string, Map<string, PodTemplate[]>>; readonly all: Map<string, PodTemplate[]> }
    | undefined;
  const labelIndex = (): NonNullable<typeof podLabels> => {
    if (podLabels === undefined) {
      podLabels = { byNs: new Map(), all: new Map() };
      for (const p of allPods)
        for (const k in p.labels) {
          const pair = `${k}\u0000${p.labels[k] ?? ""}`;
          push(inner(podLabels.byNs, p.target.namespace ?? NONE), pair, p);
          push(podLabels.all, pair, p);
        }
    }
    return podLabels;
  };
  const labelledByKind = new Map<string, Map<string, ManifestObject[]>>();
  const index: ObjectIndex = {
    of(kind, namespace) {
      if (namespace === undefined) return byKind.get(kind) ?? [];
      const key = `${kind}/${namespace}`;
      let list = merged.get(key);
      if (list === undefined) {
        const nss = byKindNs.get(kind);
        const own = nss?.get(namespace) ?? [];
        const floating = nss?.get(NONE) ?? [];
        list = floating.length === 0 ? own : [...own, ...floating];
        merged.set(key, list);
      }
      return list;
    },
    find(kind, name, namespace) {
      const nss = names().get(kind);
      if (nss === undefined) return undefined;
      if (namespace === undefined) {
        // The first in input order of that kind and name, in any namespace.
        let first: ManifestObject | undefined;
        for (const n of nss.values()) {
          const o = n.get(name);
          if (o !== undefined && (first === undefined || positionOf(o) < positionOf(first))) first = o;
        }
        return first;
      }
      // The first in input order of the namespace's own object and one without a namespace.
      const own = nss.get(namespace)?.get(name);
      const floating = nss.get(NONE)?.get(name);
      if (own === undefined || floating === undefined) return own ?? floating;
      return positionOf(own) < positionOf(floating) ? own : floating;
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
      // A few pods are quicker to test than to index (the index is built for every namespace).
      if (namespace !== undefined) {
        const pods = index.pods(namespace);
        if (pods.length <= 32) return pods.filter(matches);
      }
      const labels = labelIndex();
      // Candidates from one pair of the selector (the rarest), then the whole selector on each.
      const list = (pairs: Map<string, PodTemplate[]> | undefined): readonly PodTemplate[] => {
        let best: readonly PodTemplate[] | undefined;
        for (const k of keys) {
          const l = pairs?.get(`${k}\u0000${selector[k] ?? ""}`) ?? [];
          if (best === undefined || l.length < best.length) best = l;
        }
        return best ?? [];
      };
      if (namespace === undefined) return list(labels.all).filter(matches);
      const own = list(labels.byNs.get(namespace)).filter(matches);
      const floating = list(labels.byNs.get(NONE)).filter(matches);
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
  return index;
}

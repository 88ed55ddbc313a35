import { type LintInput, type LintReport, lintManifests, mergeReports } from "./lint.js";
import type { SchemaSet } from "./schema/compact.js";
import type { LintSettings, ObjectRef } from "./types.js";

/** What a quick look at a document's text tells without parsing it. */
interface Peek {
  readonly apiVersion: string;
  readonly kind: string;
  /** The namespace, or null for none. */
  readonly namespace: string | null;
}

const KIND = /^kind: *["']?([A-Za-z0-9]+)["']? *$/m;
const API_VERSION = /^apiVersion: *["']?([A-Za-z0-9./-]+)["']? *$/m;
const METADATA = /^metadata: *$/m;
const NAMESPACE = /^ {2}namespace: *["']?([a-z0-9]([-a-z0-9]*[a-z0-9])?)["']? *(#.*)?$/;
const SERVICE_HOST = /\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\b/g;
const OTHER_NAMESPACE = /^ +(?:- )?namespace: *["']?([a-z0-9]([-a-z0-9]*[a-z0-9])?)["']?/gm;
const MATCH_NAMES = /^ +- *["']?([a-z0-9]([-a-z0-9]*[a-z0-9])?)["']? *$/gm;

/**
 * Reads kind, apiVersion and namespace from a document's text, for the common layout (top-level keys
 * at column 0, metadata's fields indented by two). Anything else: undefined, and lint does not shard.
 */
export function peekDocument(text: string): Peek | undefined {
  const t = text.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) return undefined;
  const kind = KIND.exec(text)?.[1];
  const apiVersion = API_VERSION.exec(text)?.[1];
  const meta = METADATA.exec(text);
  if (kind === undefined || apiVersion === undefined || meta === null || kind.endsWith("List"))
    return undefined;
  let namespace: string | null = null;
  let pos = text.indexOf("\n", meta.index) + 1;
  let sawChild = false;
  while (pos > 0 && pos < text.length) {
    const nl = text.indexOf("\n", pos);
    const end = nl < 0 ? text.length : nl;
    const c = text.charCodeAt(pos);
    if (c !== 32) {
      // A line at column 0 ends metadata, unless it is blank or a comment.
      if (c !== 10 && c !== 35 && end > pos) break;
    } else {
      const line = text.slice(pos, end);
      const trimmed = line.trimStart();
      if (trimmed !== "" && !trimmed.startsWith("#")) {
        if (!sawChild && line.length - trimmed.length !== 2) return undefined; // not a two-space layout
        sawChild = true;
        if (trimmed.startsWith("namespace:")) {
          const m = NAMESPACE.exec(line);
          if (m === null) return undefined;
          namespace = m[1] ?? null;
        }
      }
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  return sawChild ? { apiVersion, kind, namespace } : undefined;
}

/** What sharding needs to know of one document, read from its text by `factsOf`. */
export type DocFacts =
  /** Blank or comments only: harmless anywhere, needed nowhere. */
  | { readonly scope: "blank" }
  /** A cluster-scoped object: every shard needs it. */
  | { readonly scope: "cluster" }
  /** A namespaced object and the other namespaces it refers to (they must share its shard). */
  | { readonly scope: "namespace"; readonly namespace: string; readonly related: readonly string[] };

/**
 * What a document tells the shard planner: its scope and the namespaces it relates to (`svc.other.svc`
 * hosts, ServiceMonitor `matchNames`, RoleBinding subjects, NetworkPolicy peers). Undefined when that
 * cannot be told at a glance (an unusual layout, an object without a namespace that would land in
 * one, a selector over every namespace): then lint must not shard.
 */
export function factsOf(
  text: string,
  isNamespaced: (apiVersion: string, kind: string) => boolean | undefined,
): DocFacts | undefined {
  const peek = peekDocument(text);
  if (peek === undefined)
    return text.replace(/^\s*#.*$/gm, "").trim() === "" ? { scope: "blank" } : undefined;
  const namespaced = isNamespaced(peek.apiVersion, peek.kind);
  if (peek.namespace === null) {
    // A namespaced object without a namespace goes wherever it is applied; so can its relations.
    return namespaced === false ? { scope: "cluster" } : undefined;
  }
  const ns = peek.namespace;
  const related = new Set<string>();
  if (text.includes(".svc"))
    for (const m of text.matchAll(SERVICE_HOST)) if (m[1] !== undefined) related.add(m[1]);
  if (peek.kind === "ServiceMonitor" || peek.kind === "PodMonitor") {
    if (/^ +any: *true/m.test(text)) return undefined;
    const sel = /^( +)namespaceSelector:\s*\n((?:\1 +.*\n?)*)/m.exec(text);
    for (const m of (sel?.[2] ?? "").matchAll(MATCH_NAMES)) if (m[1] !== undefined) related.add(m[1]);
  }
  if (peek.kind === "RoleBinding" || peek.kind === "NetworkPolicy")
    for (const m of text.matchAll(OTHER_NAMESPACE)) if (m[1] !== undefined) related.add(m[1]);
  related.delete(ns);
  return { scope: "namespace", namespace: ns, related: [...related] };
}

/** What one worker read of a namespace: how many bytes, and the namespaces its documents refer to. */
export interface NamespaceShare {
  readonly namespace: string;
  readonly bytes: number;
  readonly holder: number;
  readonly related: readonly string[];
}

/** Sums up the namespaced documents one worker read, for `planShards`. */
export function sharesOf(
  facts: readonly (DocFacts | undefined)[],
  sizes: readonly number[],
  holder: number,
): NamespaceShare[] {
  const byNs = new Map<string, { bytes: number; related: Set<string> }>();
  facts.forEach((f, i) => {
    if (f?.scope !== "namespace") return;
    const share = byNs.get(f.namespace) ?? { bytes: 0, related: new Set<string>() };
    share.bytes += sizes[i] ?? 0;
    for (const r of f.related) share.related.add(r);
    byNs.set(f.namespace, share);
  });
  return [...byNs].map(([namespace, s]) => ({ namespace, bytes: s.bytes, holder, related: [...s.related] }));
}

/**
 * Splits namespaces into `count` shards so that every cross-object rule still sees, in one shard,
 * all the objects it relates: namespaces that refer to each other go together, and cluster-scoped
 * objects go to every shard (see `lintShard`). A group of namespaces goes to the worker that already
 * holds most of its bytes unless that would unbalance the work, so that few documents move between
 * workers. Returns the shard of each namespace, or undefined when there are fewer than two groups
 * (or shards): then lint runs in one piece.
 */
export function planShards(
  shares: readonly NamespaceShare[],
  count: number,
): ReadonlyMap<string, number> | undefined {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    parent.set(x, r);
    return r;
  };
  const add = (x: string): void => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const union = (a: string, b: string): void => {
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const held = new Map<string, number[]>();
  for (const d of shares) {
    const ns = d.namespace;
    add(ns);
    for (const other of d.related) union(ns, other);
    const bytes = held.get(ns) ?? new Array<number>(count).fill(0);
    bytes[d.holder] = (bytes[d.holder] ?? 0) + d.bytes;
    held.set(ns, bytes);
  }
  const groups = new Map<string, { namespaces: string[]; held: number[]; bytes: number }>();
  for (const ns of parent.keys()) {
    const root = find(ns);
    const g = groups.get(root) ?? { namespaces: [], held: new Array<number>(count).fill(0), bytes: 0 };
    g.namespaces.push(ns);
    (held.get(ns) ?? []).forEach((b, w) => {
      g.held[w] = (g.held[w] ?? 0) + b;
      g.bytes += b;
    });
    groups.set(root, g);
  }
  if (groups.size < 2 || count < 2) return undefined;
  const total = [...groups.values()].reduce((a, g) => a + g.bytes, 0);
  const fair = (total / count) * 1.1;
  const load = new Array<number>(count).fill(0);
  const owner = new Map<string, number>();
  const sorted = [...groups.values()].sort(
    (a, b) => b.bytes - a.bytes || cmp(a.namespaces[0] ?? "", b.namespaces[0] ?? ""),
  );
  for (const g of sorted) {
    let target = -1;
    // The worker holding most of the group, if it has room; else the least loaded one.
    for (let w = 0; w < count; w++)
      if ((load[w] ?? 0) + g.bytes <= fair && (target < 0 || (g.held[w] ?? 0) > (g.held[target] ?? 0)))
        target = w;
    if (target < 0 || (g.held[target] ?? 0) === 0)
      target = load.reduce((min, l, w) => (l < (load[min] ?? 0) ? w : min), 0);
    load[target] = (load[target] ?? 0) + g.bytes;
    for (const ns of g.namespaces) owner.set(ns, target);
  }
  return owner;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lints the objects of one shard (those of its namespaces and every cluster-scoped one) and keeps
 * what it owns: findings and waivers of objects in its namespaces, and of cluster-scoped objects when
 * it is the shard that reports them. Merged with `mergeReports`, the shards give the report of one
 * run over everything.
 */
export function lintShard(
  input: LintInput,
  owned: ReadonlySet<string>,
  reportsClusterScoped: boolean,
  settings: LintSettings,
  schemas: readonly SchemaSet[],
): LintReport {
  const report = lintManifests(input, settings, schemas);
  const keep = (ref: ObjectRef | undefined): boolean =>
    ref === undefined || (ref.namespace === undefined ? reportsClusterScoped : owned.has(ref.namespace));
  return {
    findings: report.findings.filter((f) => keep(f.object)),
    waived: report.waived.filter((w) => keep(w.object)),
    objects: input.objects.filter((o) =>
      o.namespace === undefined ? reportsClusterScoped : owned.has(o.namespace),
    ).length,
  };
}

export { mergeReports };

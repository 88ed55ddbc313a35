import { type LintInput, type LintReport, lintManifests, mergeReports } from "./lint.js";
import type { SchemaSet } from "./schema/compact.js";
import type { LintSettings } from "./types.js";

/** What a quick look at a document's text tells without parsing it. */
interface Peek {
  readonly apiVersion: string;
  readonly kind: string;
  /** The namespace, or null for none. */
  readonly namespace: string | null;
  /** The name when it is a DNS label (what a Namespace's name must be), else null. */
  readonly name: string | null;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_VALUE = /^namespace: *["']?([a-z0-9]([-a-z0-9]*[a-z0-9])?)["']?/;
const NONE: readonly string[] = Object.freeze([]);
const MATCH_NAMES = /^ +- *["']?([a-z0-9]([-a-z0-9]*[a-z0-9])?)["']? *$/gm;

const isAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
const isApiVersionChar = (c: number): boolean => isAlnum(c) || c === 46 || c === 47 || c === 45;

/**
 * The scalar of a `key: value` line from `from` (just after the colon) to `end`: plain or quoted, made
 * of characters `ok` accepts, then only spaces and, where `comment`, a comment after a space.
 * Undefined for anything else (an unusual layout: lint then does not shard).
 */
function scalarAt(
  text: string,
  from: number,
  end: number,
  ok: (c: number) => boolean,
  comment: boolean,
): string | undefined {
  let i = from;
  while (i < end && text.charCodeAt(i) === 32) i++;
  const quote = text.charCodeAt(i);
  const quoted = quote === 34 || quote === 39;
  if (quoted) i++;
  const start = i;
  while (i < end && ok(text.charCodeAt(i))) i++;
  if (i === start) return undefined;
  const value = text.slice(start, i);
  if (quoted) {
    if (text.charCodeAt(i) !== quote) return undefined;
    i++;
  }
  const afterValue = i;
  while (i < end && text.charCodeAt(i) === 32) i++;
  if (i === end) return value;
  return comment && i > afterValue && text.charCodeAt(i) === 35 ? value : undefined;
}

/** A DNS label (what namespaces and Namespace names are), or undefined. */
function label(value: string | undefined): string | undefined {
  return value !== undefined && LABEL.test(value) ? value : undefined;
}

/**
 * Reads kind, apiVersion and namespace from a document's text, for the common layout (top-level keys
 * at column 0, metadata's fields indented by two). Anything else: undefined, and lint does not shard.
 */
export function peekDocument(text: string): Peek | undefined {
  let first = 0;
  while (first < text.length && isSpace(text.charCodeAt(first))) first++;
  const c0 = text.charCodeAt(first);
  if (c0 === 123 || c0 === 91) return undefined; // { or [: JSON
  const k = lineStart(text, "kind:", "\nkind:");
  const a = lineStart(text, "apiVersion:", "\napiVersion:");
  const meta = lineStart(text, "metadata:", "\nmetadata:");
  if (k < 0 || a < 0 || meta < 0) return undefined;
  const kind = scalarAt(text, k + 5, lineEnd(text, k), isAlnum, false);
  const apiVersion = scalarAt(text, a + 11, lineEnd(text, a), isApiVersionChar, false);
  if (kind === undefined || apiVersion === undefined || kind.endsWith("List")) return undefined;
  const metaEnd = lineEnd(text, meta);
  for (let i = meta + 9; i < metaEnd; i++) if (text.charCodeAt(i) !== 32) return undefined;
  let namespace: string | null = null;
  let name: string | null = null;
  let pos = metaEnd + 1;
  let sawChild = false;
  while (pos > 0 && pos < text.length) {
    const end = lineEnd(text, pos);
    let s = pos;
    while (s < end && text.charCodeAt(s) === 32) s++;
    if (s === pos) {
      // A line at column 0 ends metadata, unless it is blank or a comment.
      if (end > pos && text.charCodeAt(pos) !== 35) break;
    } else if (s < end && text.charCodeAt(s) !== 35) {
      if (!sawChild && s - pos !== 2) return undefined; // not a two-space layout
      sawChild = true;
      // Only metadata's own field: a label or annotation named namespace is not one.
      if (s - pos === 2 && text.startsWith("namespace:", s)) {
        const ns = label(scalarAt(text, s + 10, end, isLabelChar, true));
        if (ns === undefined) return undefined;
        namespace = ns;
      } else if (s - pos === 2 && text.startsWith("name:", s)) {
        name = label(scalarAt(text, s + 5, end, isLabelChar, true)) ?? null;
      }
      // Both found: the labels and annotations after them need not be read (a second namespace
      // field would make the document unreadable YAML, reported wherever it lands).
      if (namespace !== null && name !== null) break;
    }
    pos = end + 1;
  }
  return sawChild ? { apiVersion, kind, namespace, name } : undefined;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Where the first line that starts with `prefix` begins, or -1 (`atLineStart` is `\n` + prefix). */
function lineStart(text: string, prefix: string, atLineStart: string): number {
  if (text.startsWith(prefix)) return 0;
  const i = text.indexOf(atLineStart);
  return i < 0 ? -1 : i + 1;
}

function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf("\n", pos);
  return nl < 0 ? text.length : nl;
}

/** What sharding needs to know of one document, read from its text by `factsOf`. */
export type DocFacts =
  /** Blank or comments only: harmless anywhere, needed nowhere. */
  | { readonly scope: "blank" }
  /** A cluster-scoped object: every shard needs it. */
  | { readonly scope: "cluster" }
  /**
   * A namespaced object, or a Namespace (which lives with the objects in it, see `homeOf`), and the
   * other namespaces it refers to (they must share its shard).
   */
  | { readonly scope: "namespace"; readonly namespace: string; readonly related: readonly string[] };

/**
 * The namespace whose shard an object lives in: its own, or for a Namespace object the namespace it
 * makes. Rules read a Namespace object only for the objects in it (its Pod Security level, the labels
 * a NetworkPolicy's namespaceSelector matches), so it need not be in every shard. Undefined for the
 * other cluster-scoped objects, which every shard has.
 */
export function homeOf(ref: {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
}): string | undefined {
  return isNamespaceObject(ref.apiVersion, ref.kind) ? ref.name : ref.namespace;
}

function isNamespaceObject(apiVersion: string, kind: string): boolean {
  return kind === "Namespace" && apiVersion === "v1";
}

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
  if (isNamespaceObject(peek.apiVersion, peek.kind))
    return peek.name === null ? undefined : { scope: "namespace", namespace: peek.name, related: [] };
  const namespaced = isNamespaced(peek.apiVersion, peek.kind);
  if (peek.namespace === null) {
    // A namespaced object without a namespace goes wherever it is applied; so can its relations.
    return namespaced === false ? { scope: "cluster" } : undefined;
  }
  const ns = peek.namespace;
  const monitor = peek.kind === "ServiceMonitor" || peek.kind === "PodMonitor";
  const withNamespaces = peek.kind === "RoleBinding" || peek.kind === "NetworkPolicy";
  const hosts = text.includes(".svc");
  // Most documents name no other namespace: no set to make.
  if (!hosts && !monitor && !withNamespaces) return { scope: "namespace", namespace: ns, related: NONE };
  const related = new Set<string>();
  if (hosts) for (const other of serviceHostNamespaces(text)) related.add(other);
  if (monitor) {
    if (text.includes("any:") && /^ +any: *true/m.test(text)) return undefined;
    // The pattern (with a back-reference) is tried at every line: only where it can match.
    const sel = text.includes("namespaceSelector:")
      ? /^( +)namespaceSelector:\s*\n((?:\1 +.*\n?)*)/m.exec(text)
      : null;
    for (const m of (sel?.[2] ?? "").matchAll(MATCH_NAMES)) if (m[1] !== undefined) related.add(m[1]);
  }
  if (withNamespaces) for (const other of namespaceFields(text)) related.add(other);
  related.delete(ns);
  return { scope: "namespace", namespace: ns, related: [...related] };
}

/**
 * The namespaces of `name.ns.svc` hosts in a text (what `/\.(label)\.svc\b/g` finds, found from each
 * `.svc` backwards: a regex tries every dot of the document, and documents have many).
 */
function serviceHostNamespaces(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf(".svc"); i >= 0; i = text.indexOf(".svc", i + 4)) {
    if (isWordChar(text.charCodeAt(i + 4))) continue;
    let j = i;
    while (j > 0 && isLabelChar(text.charCodeAt(j - 1))) j--;
    if (j === 0 || text.charCodeAt(j - 1) !== 46) continue;
    const label = text.slice(j, i);
    if (LABEL.test(label)) out.push(label);
  }
  return out;
}

/** The values of `namespace:` fields at any depth (`  namespace: x`, `  - namespace: x`). */
function namespaceFields(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf("namespace:"); i >= 0; i = text.indexOf("namespace:", i + 10)) {
    let j = i;
    if (text.charCodeAt(j - 1) === 32 && text.charCodeAt(j - 2) === 45) j -= 2; // "- "
    let k = j;
    while (k > 0 && text.charCodeAt(k - 1) === 32) k--;
    if (k === j || (k > 0 && text.charCodeAt(k - 1) !== 10)) continue; // indented, at a line start
    const m = NAMESPACE_VALUE.exec(text.slice(i, lineEnd(text, i)));
    if (m?.[1] !== undefined) out.push(m[1]);
  }
  return out;
}

function isLabelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
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

/** Where each namespace is linted: which worker, and in which of that worker's batches. */
export interface ShardPlan {
  readonly owner: ReadonlyMap<string, number>;
  /**
   * A worker lints its namespaces batch after batch (0, 1, ...), each with every cluster-scoped
   * object, and lets go of one batch's objects before it parses the next: memory stays flat and the
   * garbage collector does not copy the whole input around.
   */
  readonly batch: ReadonlyMap<string, number>;
}

/**
 * Splits namespaces into `count` shards so that every cross-object rule still sees, in one shard,
 * all the objects it relates: namespaces that refer to each other go together, and cluster-scoped
 * objects go to every shard (see `lintShard`). A group of namespaces goes to the worker that already
 * holds most of its bytes unless that would unbalance the work, so that few documents move between
 * workers. Each worker's groups are then cut into batches of about `batchBytes`. Returns undefined
 * when there are fewer than two groups (or shards): then lint runs in one piece.
 */
export function planShards(
  shares: readonly NamespaceShare[],
  count: number,
  batchBytes = Number.POSITIVE_INFINITY,
): ShardPlan | undefined {
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
  const filled = new Array<number>(count).fill(0);
  const batches = new Array<number>(count).fill(0);
  const owner = new Map<string, number>();
  const batch = new Map<string, number>();
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
    if ((filled[target] ?? 0) > 0 && (filled[target] ?? 0) + g.bytes > batchBytes) {
      batches[target] = (batches[target] ?? 0) + 1;
      filled[target] = 0;
    }
    filled[target] = (filled[target] ?? 0) + g.bytes;
    for (const ns of g.namespaces) {
      owner.set(ns, target);
      batch.set(ns, batches[target] ?? 0);
    }
  }
  return { owner, batch };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lints the objects of one shard (or batch: those of its namespaces and every cluster-scoped one) and
 * keeps what it owns: findings and waivers of objects whose home (see `homeOf`) is one of its
 * namespaces, and of the other cluster-scoped objects when it is the shard that reports them. Merged
 * with `mergeReports`, the shards give the report of one run over everything.
 */
export function lintShard(
  input: LintInput,
  owned: ReadonlySet<string>,
  reportsClusterScoped: boolean,
  settings: LintSettings,
  schemas: readonly SchemaSet[],
): LintReport {
  const keep = (ref: Parameters<typeof homeOf>[0] | undefined): boolean => {
    if (ref === undefined) return true;
    const home = homeOf(ref);
    return home === undefined ? reportsClusterScoped : owned.has(home);
  };
  const report = lintManifests(input, settings, schemas, { reported: keep });
  // The notes (kinds without a schema, references outside the input) already count only kept objects.
  return {
    ...report,
    findings: report.findings.filter((f) => keep(f.object)),
    waived: report.waived.filter((w) => keep(w.object)),
    objects: input.objects.filter(keep).length,
  };
}

export { mergeReports };

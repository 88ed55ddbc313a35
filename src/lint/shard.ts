import { type DocumentChunk, parseDocuments } from "./input.js";
import { type LintReport, lintManifests, mergeReports } from "./lint.js";
import type { SchemaSet } from "./schema/compact.js";
import type { LintFinding, LintSettings, ManifestObject, ObjectRef } from "./types.js";

/** A document to lint, with the file it came from. */
export interface FileDocument extends DocumentChunk {
  readonly file: string;
}

/** What one shard lints: its documents (the cluster-scoped ones too) and the namespaces it reports on. */
export interface Shard {
  readonly documents: readonly FileDocument[];
  readonly namespaces: readonly string[];
  /** Whether this shard reports the findings of cluster-scoped objects (exactly one does). */
  readonly reportsClusterScoped: boolean;
}

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

/**
 * Splits documents into shards by namespace so that every cross-object rule still sees, in one shard,
 * all the objects it relates: namespaces that refer to each other (`svc.other.svc` hosts,
 * ServiceMonitor `matchNames`, RoleBinding subjects) go together, cluster-scoped objects go to every
 * shard. Returns undefined when that cannot be guaranteed (a document it cannot read at a glance, an
 * object without a namespace that would land in one, a selector over every namespace) or when there
 * is only one group: then lint runs in one piece.
 */
export function planShards(
  documents: readonly FileDocument[],
  isNamespaced: (apiVersion: string, kind: string) => boolean | undefined,
  count: number,
): Shard[] | undefined {
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
  const cluster: FileDocument[] = [];
  const byNamespace = new Map<string, FileDocument[]>();
  for (const d of documents) {
    const peek = peekDocument(d.text);
    if (peek === undefined) {
      // Blank or comments only: harmless anywhere. Anything else unread: no sharding.
      if (d.text.replace(/^\s*#.*$/gm, "").trim() !== "") return undefined;
      cluster.push(d);
      continue;
    }
    const namespaced = isNamespaced(peek.apiVersion, peek.kind);
    if (peek.namespace === null) {
      // A namespaced object without a namespace goes wherever it is applied; so can its relations.
      if (namespaced !== false) return undefined;
      cluster.push(d);
      continue;
    }
    const ns = peek.namespace;
    add(ns);
    const list = byNamespace.get(ns);
    if (list === undefined) byNamespace.set(ns, [d]);
    else list.push(d);
    if (d.text.includes(".svc"))
      for (const m of d.text.matchAll(SERVICE_HOST)) if (m[1] !== undefined && m[1] !== ns) union(ns, m[1]);
    if (peek.kind === "ServiceMonitor" || peek.kind === "PodMonitor") {
      if (/^ +any: *true/m.test(d.text)) return undefined;
      const sel = /^( +)namespaceSelector:\s*\n((?:\1 +.*\n?)*)/m.exec(d.text);
      for (const m of (sel?.[2] ?? "").matchAll(MATCH_NAMES)) if (m[1] !== undefined) union(ns, m[1]);
    }
    if (peek.kind === "RoleBinding" || peek.kind === "NetworkPolicy")
      for (const m of d.text.matchAll(OTHER_NAMESPACE)) if (m[1] !== undefined) union(ns, m[1]);
  }
  const groups = new Map<string, { namespaces: string[]; documents: FileDocument[]; bytes: number }>();
  for (const ns of parent.keys()) {
    const root = find(ns);
    const g = groups.get(root) ?? { namespaces: [], documents: [], bytes: 0 };
    const docs = byNamespace.get(ns) ?? [];
    g.namespaces.push(ns);
    g.documents.push(...docs);
    g.bytes += docs.reduce((a, d) => a + d.text.length, 0);
    groups.set(root, g);
  }
  if (groups.size < 2 || count < 2) return undefined;
  const shards = Array.from({ length: Math.min(count, groups.size) }, () => ({
    namespaces: [] as string[],
    documents: [] as FileDocument[],
    bytes: 0,
  }));
  for (const g of [...groups.values()].sort((a, b) => b.bytes - a.bytes)) {
    const target = shards.reduce((min, s) => (s.bytes < min.bytes ? s : min));
    target.namespaces.push(...g.namespaces);
    target.documents.push(...g.documents);
    target.bytes += g.bytes;
  }
  return shards.map((s, i) => ({
    documents: [...cluster, ...s.documents],
    namespaces: s.namespaces.sort(),
    reportsClusterScoped: i === 0,
  }));
}

/**
 * Lints one shard and keeps what it owns: findings and waivers of objects in its namespaces, and of
 * cluster-scoped objects when it is the shard that reports them. Merged with `mergeReports`, the
 * shards give the report of one run over everything.
 */
export function lintShard(shard: Shard, settings: LintSettings, schemas: readonly SchemaSet[]): LintReport {
  const byFile = new Map<string, FileDocument[]>();
  for (const d of shard.documents) {
    const list = byFile.get(d.file);
    if (list === undefined) byFile.set(d.file, [d]);
    else list.push(d);
  }
  const objects: ManifestObject[] = [];
  const findings: LintFinding[] = [];
  for (const [file, docs] of byFile) {
    const parsed = parseDocuments(docs, file);
    for (const o of parsed.objects) objects.push(o);
    for (const f of parsed.findings) findings.push(f);
  }
  const report = lintManifests({ objects, findings }, settings, schemas);
  const owned = new Set(shard.namespaces);
  const keep = (ref: ObjectRef | undefined): boolean =>
    ref === undefined ||
    (ref.namespace === undefined ? shard.reportsClusterScoped : owned.has(ref.namespace));
  return {
    findings: report.findings.filter((f) => keep(f.object)),
    waived: report.waived.filter((w) => keep(w.object)),
    objects: objects.filter((o) =>
      o.namespace === undefined ? shard.reportsClusterScoped : owned.has(o.namespace),
    ).length,
  };
}

export { mergeReports };

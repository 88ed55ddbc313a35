import { customRule } from "./custom.js";
import { type ExternalReferences, externalReferences } from "./references.js";
import { hasModelValidator } from "./schema/model-validators.js";
import type { DocPath, Severity } from "../spec/diagnostic.js";
import { WAIVE_ANNOTATION_PREFIX } from "../render/labels.js";
import { annotationsOf, sameItems } from "./object.js";
import { RULES } from "./rules/index.js";
import { type SchemaSet, compactCrd } from "./schema/compact.js";
import type { LintFinding, LintSettings, ManifestObject, ObjectRef, Rule, RuleContext } from "./types.js";

/** The default target: the version of the test control plane, a recent release. */
export const DEFAULT_KUBE_VERSION = "1.34";

/** Settings with every default. */
export const DEFAULT_SETTINGS: LintSettings = {
  levels: {},
  options: {},
  kubeVersion: DEFAULT_KUBE_VERSION,
  podSecurity: "baseline",
};

/** A finding that an annotation waived, kept for the report. */
export interface Waiver {
  readonly rule: string;
  readonly object: ObjectRef;
  readonly reason: string;
}

/** The outcome of a lint run. */
export interface LintReport {
  readonly findings: readonly LintFinding[];
  readonly waived: readonly Waiver[];
  /** How many objects were checked. */
  readonly objects: number;
  /**
   * Kinds of objects no schema was found for (a CRD's kind without its CRD in the input): their
   * fields were not validated. Said in the report, so that "0 errors" does not claim more.
   */
  readonly unvalidated?: readonly {
    readonly apiVersion: string;
    readonly kind: string;
    readonly count: number;
  }[];
  /**
   * Secrets and ConfigMaps (`namespace/name`) that pods read and the input does not hold: their keys
   * were not checked. `kubeship` when kubeship wrote the pods (its deploy creates the Secrets).
   */
  readonly external?: ExternalReferences;
}

/** What lint reads: objects, and the findings made while reading them (syntax errors). */
export interface LintInput {
  readonly objects: readonly ManifestObject[];
  readonly findings: readonly LintFinding[];
}

/**
 * Lints a set of objects: every enabled rule sees all objects at once. Findings are waived by an
 * annotation `kubeship.io/waive.<rule>: <reason>` on the object, and sorted by file and position.
 * `reported` says whose findings the caller keeps (see `RuleContext.reported`); the report may then
 * lack findings of the others.
 */
export function lintManifests(
  input: LintInput,
  settings: LintSettings,
  schemas: readonly SchemaSet[],
  { rules = RULES, reported }: { rules?: readonly Rule[]; reported?: (o: ManifestObject) => boolean } = {},
): LintReport {
  if (settings.custom !== undefined && settings.custom.length > 0)
    rules = [...rules, ...settings.custom.map(customRule)];
  const crdSchemas = schemasFromCrds(input.objects);
  const allSchemas = crdSchemas === undefined ? schemas : [...schemas, crdSchemas];
  const findings: LintFinding[] = [];
  const waived: Waiver[] = [];
  const levelOf = (rule: { id: string; severity: Severity }): Severity | "off" =>
    settings.levels[rule.id] ?? rule.severity;
  for (const f of input.findings) {
    const level = settings.levels[f.code];
    if (level === "off") continue;
    findings.push(level === undefined ? f : { ...f, severity: level });
  }
  for (const rule of rules) {
    const level = levelOf(rule);
    if (level === "off") continue;
    const ctx: RuleContext = {
      objects: input.objects,
      settings,
      schemas: allSchemas,
      options: settings.options[rule.id] ?? {},
      ...(reported === undefined ? {} : { reported }),
    };
    for (const f of rule.check(ctx)) {
      const ref = refOf(f.target);
      const reason = annotationsOf(f.target.object)[`${WAIVE_ANNOTATION_PREFIX}${rule.id}`];
      if (reason !== undefined) {
        waived.push({ rule: rule.id, object: ref, reason });
        continue;
      }
      const path: DocPath = [...f.target.base, ...f.path];
      const position = f.target.locator?.locate(path, { key: true }) ?? {
        file: f.target.file,
        line: 0,
        column: 0,
      };
      findings.push({
        code: rule.id,
        severity: level,
        path: f.path,
        message: f.message,
        ...(f.hint === undefined ? {} : { hint: f.hint }),
        position,
        object: ref,
      });
    }
  }
  const unvalidated = unvalidatedKinds(input.objects, allSchemas, reported);
  const external = externalReferences(input.objects, reported);
  return {
    findings: sortFindings(findings),
    waived: sortWaivers(waived),
    objects: input.objects.length,
    ...(unvalidated.length > 0 ? { unvalidated } : {}),
    ...(hasExternal(external) ? { external } : {}),
  };
}

/** Per apiVersion and kind, the objects (those this caller reports) no schema set knows. */
function unvalidatedKinds(
  objects: readonly ManifestObject[],
  schemas: readonly SchemaSet[],
  reported: ((o: ManifestObject) => boolean) | undefined,
): { apiVersion: string; kind: string; count: number }[] {
  const counts = new Map<string, { apiVersion: string; kind: string; count: number }>();
  // Whether a kind (by kind, then API version) has a schema: asked once per kind, not per object.
  const validated = new Map<string, Map<string, boolean>>();
  for (const o of objects) {
    if (o.kind === "" || o.apiVersion === "") continue;
    let versions = validated.get(o.kind);
    if (versions === undefined) validated.set(o.kind, (versions = new Map<string, boolean>()));
    let known = versions.get(o.apiVersion);
    if (known === undefined) {
      const key = `${o.apiVersion} ${o.kind}`;
      known = schemas.some((s) => key in s.kinds) || hasModelValidator(o.apiVersion, o.kind);
      versions.set(o.apiVersion, known);
    }
    if (known || reported?.(o) === false) continue;
    const key = `${o.apiVersion} ${o.kind}`;
    const c = counts.get(key) ?? { apiVersion: o.apiVersion, kind: o.kind, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return mergeUnvalidated([...counts.values()]);
}

function mergeUnvalidated(
  list: readonly { apiVersion: string; kind: string; count: number }[],
): { apiVersion: string; kind: string; count: number }[] {
  const by = new Map<string, { apiVersion: string; kind: string; count: number }>();
  for (const u of list) {
    const key = `${u.apiVersion} ${u.kind}`;
    const c = by.get(key) ?? { apiVersion: u.apiVersion, kind: u.kind, count: 0 };
    c.count += u.count;
    by.set(key, c);
  }
  return [...by.values()].sort((a, b) => cmp(`${a.kind} ${a.apiVersion}`, `${b.kind} ${b.apiVersion}`));
}

function sortWaivers(waived: Waiver[]): Waiver[] {
  // Each key made once, not at every comparison.
  const keyed = waived.map((w) => ({
    w,
    key: `${w.rule}|${w.object.namespace ?? ""}|${w.object.kind}|${w.object.name}`,
  }));
  keyed.sort((a, b) => cmp(a.key, b.key));
  return keyed.map((k) => k.w);
}

/** Findings in report order (file, line, column, rule, message), each once. */
function sortFindings(findings: LintFinding[]): LintFinding[] {
  findings.sort(
    (a, b) =>
      cmp(a.position?.file ?? "", b.position?.file ?? "") ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
      cmp(a.code, b.code) ||
      cmp(a.message, b.message),
  );
  return dedupe(findings);
}

/** One report from the reports of shards of one input (objects in several shards are reported once). */
export function mergeReports(reports: readonly LintReport[]): LintReport {
  const waived = new Map<string, Waiver>();
  for (const r of reports)
    for (const w of r.waived)
      waived.set(`${w.rule}|${w.object.kind}|${w.object.namespace ?? ""}|${w.object.name}|${w.reason}`, w);
  const unvalidated = mergeUnvalidated(reports.flatMap((r) => r.unvalidated ?? []));
  const union = (pick: (e: ExternalReferences) => readonly string[]): string[] =>
    [...new Set(reports.flatMap((r) => (r.external === undefined ? [] : pick(r.external))))].sort();
  const external: ExternalReferences = {
    secrets: union((e) => e.secrets),
    configMaps: union((e) => e.configMaps),
    kubeship: reports.some((r) => r.external?.kubeship === true),
  };
  return {
    findings: sortFindings(reports.flatMap((r) => r.findings)),
    waived: sortWaivers([...waived.values()]),
    objects: reports.reduce((a, r) => a + r.objects, 0),
    ...(unvalidated.length > 0 ? { unvalidated } : {}),
    ...(hasExternal(external) ? { external } : {}),
  };
}

function hasExternal(e: ExternalReferences): boolean {
  return e.secrets.length > 0 || e.configMaps.length > 0;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dedupe(findings: LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${f.position?.file}|${f.position?.line}|${f.position?.column}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function refOf(m: ManifestObject): ObjectRef {
  return m.namespace === undefined
    ? { apiVersion: m.apiVersion, kind: m.kind, name: m.name }
    : { apiVersion: m.apiVersion, kind: m.kind, name: m.name, namespace: m.namespace };
}

/**
 * The schemas of the CRDs linted last. Every batch of a large input carries the same CRDs (cluster-
 * scoped objects go to every batch), and the same set keeps the validators compiled from it: built
 * anew, each batch compiled them again.
 */
let lastCrds: { readonly crds: readonly ManifestObject[]; readonly set: SchemaSet } | undefined;

function schemasFromCrds(objects: readonly ManifestObject[]): SchemaSet | undefined {
  const crds = objects.filter(
    (o) => o.kind === "CustomResourceDefinition" && o.apiVersion === "apiextensions.k8s.io/v1",
  );
  if (crds.length === 0) return undefined;
  if (lastCrds !== undefined && sameItems(lastCrds.crds, crds)) return lastCrds.set;
  const kinds: Record<string, SchemaSet["kinds"][string]> = {};
  const namespaced: string[] = [];
  for (const crd of crds) {
    const c = compactCrd(crd.object);
    Object.assign(kinds, c.kinds);
    namespaced.push(...c.namespaced);
  }
  const set: SchemaSet = { name: "input CRDs", defs: {}, kinds, namespaced };
  lastCrds = { crds, set };
  return set;
}

import type { DocPath, SourcePosition } from "../spec/diagnostic.js";
import { parsePositioned, parseYamlSource, type SourceLocator } from "../spec/source.js";
import { asArray, asRecord, asString, field } from "./object.js";
import type { LintFinding, ManifestObject } from "./types.js";

/** The objects read from one file, and the findings about documents that are not objects. */
export interface ParsedManifests {
  readonly objects: readonly ManifestObject[];
  readonly findings: readonly LintFinding[];
}

/**
 * Reads every Kubernetes object in a YAML (multi-document) or JSON text; `List` objects are opened.
 * A syntax error is a finding with its line; the other documents of the file are still read.
 */
export function parseManifests(text: string, file: string): ParsedManifests {
  return parseDocuments(splitDocuments(text), file);
}

/** Reads documents already split out of a file (each with the number of lines before it). */
export function parseDocuments(chunks: readonly DocumentChunk[], file: string): ParsedManifests {
  const objects: ManifestObject[] = [];
  const findings: LintFinding[] = [];
  for (const chunk of chunks) {
    if (chunk.text.trim() === "") continue;
    const parsed = parseYamlSource(chunk.text, file);
    const shift = (line: number): number => line + chunk.line;
    // The first syntax error of a document is the one to fix; the parser's follow-up errors are noise.
    for (const d of parsed.diagnostics.slice(0, 1)) {
      findings.push({
        ...d,
        ...(d.position ? { position: { ...d.position, line: shift(d.position.line) } } : {}),
      });
    }
    if (parsed.diagnostics.length > 0) continue;
    const locator = shiftLocator(parsed.locator, chunk.line);
    addObjects(parsed.data, [], file, locator, objects, findings);
  }
  return { objects, findings };
}

/** Wraps ready-made objects (rendered in process) for lint; positions are unknown. */
export function manifestObjectsOf(items: readonly unknown[], file: string): ParsedManifests {
  const objects: ManifestObject[] = [];
  const findings: LintFinding[] = [];
  for (const item of items) addObjects(item, [], file, undefined, objects, findings);
  return { objects, findings };
}

function addObjects(
  data: unknown,
  base: DocPath,
  file: string,
  locator: SourceLocator | undefined,
  objects: ManifestObject[],
  findings: LintFinding[],
): void {
  if (data === null || data === undefined) return;
  const o = asRecord(data);
  // Positions cost a second parse: only a finding asks for one.
  const at = (): { position?: SourcePosition } =>
    locator === undefined ? {} : { position: locator.locate(base) };
  if (o === undefined) {
    findings.push({
      code: "schema",
      severity: "error",
      path: base,
      message: "this document is not a Kubernetes object",
      hint: "each YAML document must be a mapping with apiVersion, kind and metadata",
      ...at(),
    });
    return;
  }
  const apiVersion = asString(o.apiVersion);
  const kind = asString(o.kind);
  if (apiVersion !== undefined && kind !== undefined && kind.endsWith("List") && Array.isArray(o.items)) {
    asArray(o.items).forEach((item, i) => {
      addObjects(item, [...base, "items", i], file, locator, objects, findings);
    });
    return;
  }
  if (apiVersion === undefined || kind === undefined) {
    const missing = [apiVersion === undefined ? "apiVersion" : "", kind === undefined ? "kind" : ""]
      .filter(Boolean)
      .join(" and ");
    findings.push({
      code: "schema",
      severity: "error",
      path: base,
      message: `the object has no ${missing}`,
      hint: "every Kubernetes object starts with apiVersion and kind, e.g. apiVersion: apps/v1 and kind: Deployment",
      ...at(),
    });
    return;
  }
  objects.push({
    object: o,
    apiVersion,
    kind,
    name: asString(field(o, "metadata", "name")) ?? asString(field(o, "metadata", "generateName")) ?? "",
    namespace: asString(field(o, "metadata", "namespace")),
    file,
    base,
    locator,
  });
}

/** One document of a YAML stream. */
export interface DocumentChunk {
  readonly text: string;
  /** Lines before the document in the file. */
  readonly line: number;
}

// A document marker is `---` (or the end marker `...`) at column 0; block scalars are always indented,
// so the split never cuts through a value.
const MARKER = /^(---|\.\.\.)(\s|$)/;

/** Splits a YAML stream into documents, keeping each one's first line. */
export function splitDocuments(text: string): DocumentChunk[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return [{ text, line: 0 }];
  const chunks: DocumentChunk[] = [];
  let start = 0;
  let startLine = 0;
  let line = 0;
  let pos = 0;
  while (pos <= text.length) {
    const nl = text.indexOf("\n", pos);
    const end = nl === -1 ? text.length : nl;
    const c = pos < end ? text.charCodeAt(pos) : 0;
    // `-` or `.` first: most lines are neither, and this runs for every line of the input.
    if ((c === 45 || c === 46) && MARKER.test(text.slice(pos, end))) {
      chunks.push({ text: text.slice(start, pos), line: startLine });
      // Content after `--- ` on the marker line belongs to the next document.
      start = pos + 3;
      startLine = line;
    }
    if (nl === -1) break;
    pos = nl + 1;
    line++;
  }
  chunks.push({ text: text.slice(start), line: startLine });
  return chunks;
}

function shiftLocator(locator: SourceLocator, lines: number): SourceLocator {
  if (lines === 0) return locator;
  return {
    file: locator.file,
    has: (path) => locator.has(path),
    locate: (path, options) => {
      const p = locator.locate(path, options);
      return { ...p, line: p.line + lines };
    },
  };
}

/** A locator over a whole text, for config files and other single documents. */
export function locatorOf(text: string, file: string): SourceLocator {
  return parsePositioned(text, file).locator;
}

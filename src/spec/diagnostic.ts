/** A path into a document: object keys and array indexes, e.g. `["services", "api", "uses", 1]`. */
export type DocPath = readonly (string | number)[];

/** How bad a finding is: errors stop the pipeline, warnings are reported and rendering goes on. */
export type Severity = "error" | "warning";

/** Where a diagnostic points in its source file (1-based line and column). */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A problem found in input, as plain data. Text for people is produced by one formatter at the edge
 * (`src/report/format-diagnostics.ts`); codes are stable strings, part of the public contract.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly path: DocPath;
  /** What is wrong, in one sentence, without the location. */
  readonly message: string;
  /** How to fix it, when there is something specific to say. */
  readonly hint?: string;
  readonly position?: SourcePosition;
}

/** Formats a path the way users write it: `services.user-service.uses[1]`. */
export function formatPath(path: DocPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

/** Builds an error diagnostic. */
export function error(code: string, path: DocPath, message: string, hint?: string): Diagnostic {
  return hint === undefined
    ? { code, severity: "error", path, message }
    : { code, severity: "error", path, message, hint };
}

/** Builds a warning diagnostic. */
export function warning(code: string, path: DocPath, message: string, hint?: string): Diagnostic {
  return hint === undefined
    ? { code, severity: "warning", path, message }
    : { code, severity: "warning", path, message, hint };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** The outcome of a pipeline stage: a value only when no error was found, and every diagnostic. */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Wraps a value and its (warning-only) diagnostics, or fails when any is an error. */
export function resultOf<T>(value: T | undefined, diagnostics: readonly Diagnostic[]): Result<T> {
  if (value === undefined || hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, value, diagnostics };
}

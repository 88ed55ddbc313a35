import { type Diagnostic, formatPath } from "../spec/diagnostic.js";
import { SourceExcerpts } from "./source-excerpt.js";

/** Options of the diagnostics formatter. */
export interface FormatOptions {
  /** Source texts by file name, to quote the offending line under each diagnostic. */
  readonly sources?: ReadonlyMap<string, string>;
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

/**
 * The one formatter of diagnostics for people: `file:line:col error code path: message`, the
 * source line with a caret, the hint, and a summary line. Sorted by file and position.
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const paint = (code: string, s: string): string =>
    options.color === true ? `\u001b[${code}m${s}\u001b[0m` : s;
  const sorted = [...diagnostics].sort(
    (a, b) =>
      (a.position?.file ?? "").localeCompare(b.position?.file ?? "") ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
  const lines: string[] = [];
  const excerpts = new SourceExcerpts(options.sources);
  for (const d of sorted) {
    const where = d.position ? `${d.position.file}:${d.position.line}:${d.position.column}` : "";
    const sev = d.severity === "error" ? paint("31", "error") : paint("33", "warning");
    const path = d.path.length > 0 ? `${formatPath(d.path)}: ` : "";
    lines.push(`${where}${where ? " " : ""}${sev} ${path}${d.message} ${paint("2", `[${d.code}]`)}`);
    const quoted = d.position
      ? excerpts.excerpt(d.position.file, d.position.line, d.position.column)
      : undefined;
    if (quoted !== undefined) {
      lines.push(`    ${quoted.text}`);
      lines.push(`    ${" ".repeat(quoted.caret)}${paint("36", "^")}`);
    }
    if (d.hint !== undefined) lines.push(`    ${paint("36", "hint:")} ${d.hint}`);
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length > 0) lines.push(`${plural(errors, "error")}, ${plural(warnings, "warning")}`);
  return lines.join("\n");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

import { renderSpec } from "../app.js";
import type { RenderedApp } from "../render/render-app.js";
import { formatDiagnostics } from "../report/format-diagnostics.js";
import type { Diagnostic } from "../spec/diagnostic.js";
import { readSpecFile, type Terminal } from "./io.js";

/** Prints diagnostics (with the source lines they point at) to stderr, if there are any. */
export function reportDiagnostics(
  term: Terminal,
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
): void {
  if (diagnostics.length > 0) term.err(`${formatDiagnostics(diagnostics, { sources, color: term.color })}\n`);
}

/**
 * Reads a spec file (`-` for stdin) and renders it, with an environment overlay when given; prints
 * every diagnostic. `app` is missing when the spec has errors: the command then writes nothing.
 */
export async function renderSpecFile(
  term: Terminal,
  specPath: string,
  env: string | undefined,
): Promise<{ app?: RenderedApp; text: string; file: string }> {
  const text = await readSpecFile(specPath);
  const file = specPath === "-" ? "<stdin>" : specPath;
  const result = renderSpec(text, env === undefined ? { file } : { file, env });
  reportDiagnostics(term, result.diagnostics, new Map([[file, text]]));
  return result.ok ? { app: result.value, text, file } : { text, file };
}

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { renderSpec } from "../app.js";
import type { RenderedApp } from "../render/render-app.js";
import { formatDiagnostics } from "../report/format-diagnostics.js";
import type { Diagnostic } from "../spec/diagnostic.js";
import { readSpecFile, type Terminal, UsageError } from "./io.js";

/** The options every command that reads a spec takes. */
export interface SpecOptions {
  /** The spec file given with -f (kubectl's spelling) instead of the argument. */
  filename?: string;
  env?: string;
  namespace?: string;
}

/**
 * Adds the spec argument and the options that go with it to a command: `kubeship render app.yaml`,
 * or `-f app.yaml` as kubectl names a file; `-e` for an environment; `-n` for another namespace.
 */
export function withSpec(command: Command): Command {
  return command
    .argument("[spec]", "the app spec file, or - for stdin (default: kubeship.yaml)")
    .option("-f, --filename <file>", "the app spec file, as kubectl -f names one (instead of the argument)")
    .option("-e, --env <name>", "merge the environments.<name> overlay")
    .option("-n, --namespace <ns>", "use this namespace instead of the spec's (as kubectl -n)");
}

/** The spec path from the argument or -f (not both), `kubeship.yaml` when neither is given. */
export function specPathOf(argument: string | undefined, opts: SpecOptions): string {
  if (argument !== undefined && opts.filename !== undefined && argument !== opts.filename)
    throw new UsageError(`name the spec once: ${argument} as the argument, or -f ${opts.filename}`);
  return opts.filename ?? argument ?? "kubeship.yaml";
}

/**
 * A file a spec names (`files.*.from`), relative to the spec's directory (the working directory for
 * a spec on stdin); undefined when it cannot be read.
 */
export function readNextToSpec(specPath: string, path: string): string | undefined {
  try {
    return readFileSync(resolve(specPath === "-" ? "." : dirname(specPath), path), "utf8");
  } catch {
    return undefined;
  }
}

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
  opts: Pick<SpecOptions, "env" | "namespace"> = {},
): Promise<{ app?: RenderedApp; text: string; file: string }> {
  const text = await readSpecFile(specPath);
  const file = specPath === "-" ? "<stdin>" : specPath;
  const result = renderSpec(text, {
    file,
    readFile: (path) => readNextToSpec(specPath, path),
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
  });
  reportDiagnostics(term, result.diagnostics, new Map([[file, text]]));
  return result.ok ? { app: result.value, text, file } : { text, file };
}

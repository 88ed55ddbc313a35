import type { Command } from "commander";
import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { renderSpec } from "../app.js";
import { writeYaml } from "../emit/yaml-writer.js";
import { importCompose } from "../import/compose.js";
import { parsePositioned } from "../spec/source.js";
import { EXIT, refuseToOverwrite, type Terminal, UsageError } from "./io.js";
import { reportDiagnostics } from "./spec-input.js";

interface ImportOptions {
  output: string;
  app?: string;
  force?: boolean;
}

/** Adds `kubeship import`. */
export function addImportCommand(program: Command, term: Terminal, state: { code: number }): void {
  program
    .command("import")
    .description("translate a docker-compose.yml into a kubeship spec (and list what has no translation)")
    .argument("[compose]", "the Compose file", "docker-compose.yml")
    .option("-o, --output <file>", "where to write the spec; - for stdout", "kubeship.yaml")
    .option("--app <name>", "the app's name (default: the Compose project name or its directory)")
    .option("--force", "overwrite an existing output file")
    .action(async (file: string, opts: ImportOptions) => {
      state.code = await importCommand(term, file, opts);
    });
}

async function importCommand(term: Terminal, file: string, opts: ImportOptions): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new UsageError(
      `${file}: cannot read the Compose file (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      { cause: e },
    );
  }
  const parsed = parsePositioned(text, file);
  if (parsed.diagnostics.length > 0) {
    reportDiagnostics(term, parsed.diagnostics, new Map([[file, text]]));
    return EXIT.usage;
  }
  const compose = parsed.data as Record<string, unknown> | null;
  if (compose === null || typeof compose !== "object" || typeof compose.services !== "object")
    throw new UsageError(`${file}: no \`services\` found; is this a Compose file?`);
  const project = typeof compose.name === "string" ? compose.name : basename(dirname(resolve(file)));
  const app =
    (opts.app ?? project)
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-+|-+$/g, "") || "app";
  const { spec, notes } = importCompose(compose, app);
  const header = [
    `# Imported from ${basename(file)} by \`kubeship import\`. Review it, then: kubeship render ${opts.output === "-" ? "kubeship.yaml" : basename(opts.output)}`,
    ...(notes.length > 0
      ? [
          "#",
          "# Not translated as is:",
          ...notes.map((n) => `# - ${n.service}${n.key === "" ? "" : ` (${n.key})`}: ${n.reason}`),
        ]
      : []),
    "",
  ].join("\n");
  const out = `${header}${writeYaml(spec)}`;
  // The translation renders by construction; where a Compose value makes it fail all the same, the
  // spec is not written, and the problems point into it as it would have been written.
  const unwritten = `<imported from ${basename(file)}>`;
  const check = renderSpec(out, { file: unwritten });
  if (!check.ok) {
    reportDiagnostics(term, check.diagnostics, new Map([[unwritten, out]]));
    term.err(
      `kubeship: ${file} translates into a spec that does not render (above, with the lines it would have had); nothing was written. Change the Compose values named there, or import with -o - and edit the result\n`,
    );
    return EXIT.usage;
  }
  if (opts.output === "-") term.out(out);
  else {
    await refuseToOverwrite(opts.output, opts.force);
    await writeFile(opts.output, out);
    term.err(
      `wrote ${opts.output}: ${Object.keys((spec.services as object | undefined) ?? {}).length} services, ${Object.keys((spec.workers as object | undefined) ?? {}).length} workers, ${Object.keys((spec.backing as object | undefined) ?? {}).length} backing services; ${notes.length} notes (in its header)\n`,
    );
  }
  for (const n of notes) term.err(`note: ${n.service}${n.key === "" ? "" : ` (${n.key})`}: ${n.reason}\n`);
  return EXIT.ok;
}

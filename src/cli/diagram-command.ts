import { type Command, Option } from "commander";
import { writeFile } from "node:fs/promises";
import { diagramDot, diagramMermaid } from "../report/diagram.js";
import { dotToSvg } from "../report/diagram-svg.js";
import { EXIT, type Terminal, UsageError } from "./io.js";
import { renderSpecFile, type SpecOptions, specPathOf, withSpec } from "./spec-input.js";

interface DiagramOptions extends SpecOptions {
  output: string;
  format?: "svg" | "mermaid" | "dot";
}

const BY_EXTENSION: Readonly<Record<string, "svg" | "mermaid" | "dot">> = {
  svg: "svg",
  mmd: "mermaid",
  mermaid: "mermaid",
  md: "mermaid",
  dot: "dot",
  gv: "dot",
};

/** Adds `kubeship diagram`. */
export function addDiagramCommand(program: Command, term: Terminal, state: { code: number }): void {
  withSpec(
    program
      .command("diagram")
      .description(
        "draw the architecture: ingress and routes, services, workers, jobs, backing services, uses edges",
      ),
  )
    .option(
      "-o, --output <file>",
      "where to write it (the extension picks the format: .svg, .mmd, .dot); - for stdout",
      "-",
    )
    .addOption(
      new Option("--format <format>", "svg (Graphviz, in process), mermaid or dot").choices([
        "svg",
        "mermaid",
        "dot",
      ]),
    )
    .action(async (spec: string | undefined, opts: DiagramOptions) => {
      state.code = await diagramCommand(term, specPathOf(spec, opts), opts);
    });
}

async function diagramCommand(term: Terminal, specPath: string, opts: DiagramOptions): Promise<number> {
  const ext = /\.([^./\\]+)$/.exec(opts.output)?.[1]?.toLowerCase();
  const byExtension = ext === undefined ? undefined : BY_EXTENSION[ext];
  if (opts.output !== "-" && ext !== undefined && byExtension === undefined)
    throw new UsageError(
      `${opts.output}: diagram writes svg (.svg), mermaid (.mmd, .md) or dot (.dot, .gv), not .${ext}; to get a picture of another kind, convert the SVG`,
    );
  if (opts.format !== undefined && byExtension !== undefined && byExtension !== opts.format)
    throw new UsageError(
      `${opts.output} names ${byExtension} by its extension, but --format is ${opts.format}: make them agree`,
    );
  const { app } = await renderSpecFile(term, specPath, opts);
  if (app === undefined) return EXIT.usage;
  const format = opts.format ?? byExtension ?? "svg";
  const dot = diagramDot(app.model);
  const out = format === "dot" ? dot : format === "mermaid" ? diagramMermaid(app.model) : await dotToSvg(dot);
  if (opts.output === "-") term.out(out);
  else {
    await writeFile(opts.output, out);
    term.err(`wrote ${opts.output} (${format})\n`);
  }
  return EXIT.ok;
}

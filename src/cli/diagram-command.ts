import { type Command, Option } from "commander";
import { writeFile } from "node:fs/promises";
import { diagramDot, diagramMermaid } from "../report/diagram.js";
import { dotToSvg } from "../report/diagram-svg.js";
import { EXIT, type Terminal } from "./io.js";
import { renderSpecFile } from "./spec-input.js";

interface DiagramOptions {
  output: string;
  format?: "svg" | "mermaid" | "dot";
  env?: string;
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
  program
    .command("diagram")
    .description(
      "draw the architecture: ingress and routes, services, workers, jobs, backing services, uses edges",
    )
    .argument("[spec]", "the app spec file", "kubeship.yaml")
    .option(
      "-o, --output <file>",
      "where to write it (the extension picks the format: .svg, .mmd, .dot); - for stdout",
      "-",
    )
    .addOption(
      new Option("-f, --format <format>", "svg (Graphviz, in process), mermaid or dot").choices([
        "svg",
        "mermaid",
        "dot",
      ]),
    )
    .option("-e, --env <name>", "merge the environments.<name> overlay")
    .action(async (specPath: string, opts: DiagramOptions) => {
      state.code = await diagramCommand(term, specPath, opts);
    });
}

async function diagramCommand(term: Terminal, specPath: string, opts: DiagramOptions): Promise<number> {
  const { app } = await renderSpecFile(term, specPath, opts.env);
  if (app === undefined) return EXIT.usage;
  const ext = opts.output.includes(".") ? (opts.output.split(".").pop() ?? "") : "";
  const format = opts.format ?? BY_EXTENSION[ext.toLowerCase()] ?? "svg";
  const dot = diagramDot(app.model);
  const out = format === "dot" ? dot : format === "mermaid" ? diagramMermaid(app.model) : await dotToSvg(dot);
  if (opts.output === "-") term.out(out);
  else {
    await writeFile(opts.output, out);
    term.err(`wrote ${opts.output} (${format})\n`);
  }
  return EXIT.ok;
}

import { type Command, Option } from "commander";
import { writeFile } from "node:fs/promises";
import { loadApp } from "../app.js";
import { diagramDot, diagramMermaid } from "../report/diagram.js";
import { dotToSvg } from "../report/diagram-svg.js";
import { formatDiagnostics } from "../report/format-diagnostics.js";
import { EXIT, readSpecFile, type Terminal } from "./io.js";

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
  const text = await readSpecFile(specPath);
  const loaded = loadApp(
    text,
    opts.env === undefined ? { file: specPath } : { file: specPath, env: opts.env },
  );
  if (!loaded.ok) {
    term.err(
      `${formatDiagnostics(loaded.diagnostics, { sources: new Map([[specPath, text]]), color: term.color })}\n`,
    );
    return EXIT.usage;
  }
  const ext = opts.output.includes(".") ? (opts.output.split(".").pop() ?? "") : "";
  const format = opts.format ?? BY_EXTENSION[ext.toLowerCase()] ?? "svg";
  const dot = diagramDot(loaded.value);
  const out =
    format === "dot" ? dot : format === "mermaid" ? diagramMermaid(loaded.value) : await dotToSvg(dot);
  if (opts.output === "-") term.out(out);
  else {
    await writeFile(opts.output, out);
    term.err(`wrote ${opts.output} (${format})\n`);
  }
  return EXIT.ok;
}

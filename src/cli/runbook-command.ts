import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import { runbook } from "../report/runbook.js";
import { EXIT, type Terminal } from "./io.js";
import { renderSpecFile, type SpecOptions, specPathOf, withSpec } from "./spec-input.js";

/** Adds `kubeship runbook`. */
export function addRunbookCommand(program: Command, term: Terminal, state: { code: number }): void {
  withSpec(program.command("runbook"))
    .description(
      "write the operations guide of the app: what runs where, health, scaling, rollout, rollback, clients, logs, troubleshooting",
    )
    .option("-o, --output <file>", "where to write it; - for stdout", "-")
    .action(async (spec: string | undefined, opts: SpecOptions & { output: string }) => {
      const specPath = specPathOf(spec, opts);
      const { app } = await renderSpecFile(term, specPath, opts);
      if (app === undefined) {
        state.code = EXIT.usage;
        return;
      }
      const doc = runbook(app, specPath);
      if (opts.output === "-") term.out(doc);
      else {
        await writeFile(opts.output, doc);
        term.err(`wrote ${opts.output}\n`);
      }
      state.code = EXIT.ok;
    });
}

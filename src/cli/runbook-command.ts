import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import { runbook } from "../report/runbook.js";
import { EXIT, type Terminal } from "./io.js";
import { renderSpecFile } from "./spec-input.js";

/** Adds `kubeship runbook`. */
export function addRunbookCommand(program: Command, term: Terminal, state: { code: number }): void {
  program
    .command("runbook")
    .description(
      "write the operations guide of the app: what runs where, health, scaling, rollout, rollback, clients, logs, troubleshooting",
    )
    .argument("[spec]", "the app spec file", "kubeship.yaml")
    .option("-o, --output <file>", "where to write it; - for stdout", "-")
    .option("-e, --env <name>", "merge the environments.<name> overlay")
    .action(async (specPath: string, opts: { output: string; env?: string }) => {
      const { app } = await renderSpecFile(term, specPath, opts.env);
      if (app === undefined) {
        state.code = EXIT.usage;
        return;
      }
      const doc = runbook(app.model, specPath);
      if (opts.output === "-") term.out(doc);
      else {
        await writeFile(opts.output, doc);
        term.err(`wrote ${opts.output}\n`);
      }
      state.code = EXIT.ok;
    });
}

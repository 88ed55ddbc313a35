import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import { loadApp } from "../app.js";
import { formatDiagnostics } from "../report/format-diagnostics.js";
import { runbook } from "../report/runbook.js";
import { EXIT, readSpecFile, type Terminal } from "./io.js";

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
      const text = await readSpecFile(specPath);
      const loaded = loadApp(
        text,
        opts.env === undefined ? { file: specPath } : { file: specPath, env: opts.env },
      );
      if (!loaded.ok) {
        term.err(
          `${formatDiagnostics(loaded.diagnostics, { sources: new Map([[specPath, text]]), color: term.color })}\n`,
        );
        state.code = EXIT.usage;
        return;
      }
      const doc = runbook(loaded.value, specPath);
      if (opts.output === "-") term.out(doc);
      else {
        await writeFile(opts.output, doc);
        term.err(`wrote ${opts.output}\n`);
      }
      state.code = EXIT.ok;
    });
}

import type { Command } from "commander";
import { buildProgram } from "../../src/cli/main.js";
import { RULES } from "../../src/lint/rules/index.js";
import { catalogDoc } from "../../src/report/catalog-doc.js";
import { lintRuleDocs } from "../../src/report/lint-docs.js";
import { specJsonSchema } from "../../src/spec/schema.js";

/** Every generated doc: repository path -> content. */
export function generatedDocs(): Map<string, string> {
  return new Map([
    ["docs/kubeship.schema.json", `${JSON.stringify(specJsonSchema(), null, 2)}\n`],
    ["docs/catalog.md", catalogDoc()],
    ["docs/cli.md", cliDoc()],
    ...lintRuleDocs(RULES),
  ]);
}

function cliDoc(): string {
  const program = buildProgram({ out: () => undefined, err: () => undefined, color: false, tty: false });
  const parts = [
    "# CLI reference",
    "",
    "Generated from the command definitions by `npm run docs`; a test fails when it is stale.",
    "",
  ];
  const section = (cmd: Command, title: string): void => {
    parts.push(`## ${title}`, "", "```", cmd.helpInformation().trimEnd(), "```", "");
  };
  section(program, "kubeship");
  for (const cmd of program.commands) section(cmd, `kubeship ${cmd.name()}`);
  parts.push(
    "## Exit codes",
    "",
    "- `0`: success",
    "- `1`: the command ran and failed (lint findings at error level, a failed deploy, an internal error)",
    "- `2`: bad input or usage: the spec has errors, a file is missing, an option is wrong",
    "",
  );
  return parts.join("\n");
}

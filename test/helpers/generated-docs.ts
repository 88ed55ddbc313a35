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
    "## Conventions",
    "",
    "One meaning per flag in every command, as Helm and kubectl users expect:",
    "",
    "- `-o, --output` is where the output goes: a directory (`render`, `migrate-ingress`, `seal`), a file (`diagram`, `simulate`, `runbook`, `import`), `-` for stdout.",
    "- `--format` is the output format (`render`, `lint`, `simulate`, `diagram`, `doctor`). It has no short form: `-f` means what it means to kubectl, a file.",
    "- `-f, --filename` names the spec (instead of the argument) on every command that reads one; on `lint` it adds a file or directory to lint (repeatable), as `kubectl apply -f` does.",
    "- `-n, --namespace` puts the app into another namespace than the spec's (`lint --helm`: the release namespace).",
    "- `--kube-context` is accepted as Helm spells `--context`.",
    "- `deploy` and `rollback` report progress with `--progress tty|plain|json` (was `--output`, still read); `doctor` picks text or JSON with `--format` (was `--output`, still read).",
    "- Help goes to stdout, also when `kubeship` runs without a command. Colour follows `NO_COLOR` (when set and not empty), then `FORCE_COLOR`, then whether stderr is a terminal; live progress redraws only on a terminal.",
    "",
    "Kept different, and why: kubeship has no `-o json|yaml` output format flag as kubectl's `get` has, because `-o` names where files go in `render`, the command people run most; formats are `--format`.",
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
    "- `1`: the command ran and failed (lint findings at error level, a failed deploy; a bug in kubeship, which bad input never causes)",
    "- `2`: bad input or usage: the spec has errors, a file is missing, an option is wrong",
    "",
  );
  return parts.join("\n");
}

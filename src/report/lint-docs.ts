import { POD_SECURITY_CHECKS } from "../lint/pod-security.js";
import type { Rule } from "../lint/types.js";

/** The docs pages of lint's rules, generated from the rules themselves: repository path to content. */
export function lintRuleDocs(rules: readonly Rule[]): Map<string, string> {
  const docs = new Map<string, string>();
  const index = [
    "# Lint rules",
    "",
    "Generated from the rules by `npm run docs`; a test fails when a page is stale. Each rule has a stable id",
    "used in `.kubeship-lint.yaml`, in waivers (`kubeship.io/waive.<id>: <reason>` on an object) and in the",
    "output. `kubeship lint --list-rules` prints the same table.",
    "",
    "| id | level | category | what it wants |",
    "|---|---|---|---|",
    ...rules.map((r) => `| [${r.id}](${r.id}.md) | ${r.severity} | ${r.category} | ${r.title} |`),
    "",
  ];
  docs.set("docs/lint/README.md", index.join("\n"));
  for (const r of rules) docs.set(`docs/lint/${r.id}.md`, rulePage(r));
  return docs;
}

function rulePage(r: Rule): string {
  const lines = [
    `# ${r.id}`,
    "",
    `**${r.title}.** Level: \`${r.severity}\`. Category: ${r.category}.`,
    "",
    "## Why",
    "",
    r.why,
    "",
    "## How to fix",
    "",
    r.fix,
    "",
  ];
  if (r.id === "pod-security") {
    lines.push(
      "## Checks",
      "",
      "The upstream checks, with their ids (restricted includes every baseline check):",
      "",
      ...POD_SECURITY_CHECKS.map((c) => `- \`${c.id}\` (${c.level})`),
      "",
    );
  }
  if (r.optionsDoc !== undefined) {
    lines.push("## Options", "", "In `.kubeship-lint.yaml`, under `rules: {" + r.id + ": {...}}`:", "");
    for (const [k, v] of Object.entries(r.optionsDoc)) lines.push(`- \`${k}\`: ${v}`);
    lines.push("");
  }
  lines.push(
    "## Reported",
    "",
    "```yaml",
    r.examples.bad.trimEnd(),
    "```",
    "",
    "## Accepted",
    "",
    "```yaml",
    r.examples.good.trimEnd(),
    "```",
    "",
    "## Waive it",
    "",
    "On one object, with the reason (kept in the report):",
    "",
    "```yaml",
    "metadata:",
    "  annotations:",
    `    kubeship.io/waive.${r.id}: "why this object is the exception"`,
    "```",
    "",
    `Everywhere: \`rules: {${r.id}: off}\` in \`.kubeship-lint.yaml\`.`,
    "",
  );
  if (r.seeAlso !== undefined && r.seeAlso.length > 0)
    lines.push("## Same check elsewhere", "", r.seeAlso.join(", "), "");
  return lines.join("\n");
}

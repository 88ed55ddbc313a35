import type { LintReport } from "../lint/lint.js";
import type { Rule } from "../lint/types.js";
import { formatPath } from "../spec/diagnostic.js";
import { SourceExcerpts } from "./source-excerpt.js";

/** Options of the human lint report. */
export interface LintTextOptions {
  readonly color?: boolean;
  /** Source texts by file name, to quote the offending line. */
  readonly sources?: ReadonlyMap<string, string>;
}

/**
 * The report for people and for editors: one `file:line:col severity path: message [rule] Kind/name`
 * line per finding (the form compilers print, which editors and CI problem matchers read), the
 * source line clipped around the column with a caret, the fix, and a summary line. Linear in the
 * findings and the sources' size.
 */
export function formatLintText(report: LintReport, options: LintTextOptions = {}): string {
  const paint = (code: string, s: string): string =>
    options.color === true ? `\u001b[${code}m${s}\u001b[0m` : s;
  const excerpts = new SourceExcerpts(options.sources);
  const lines: string[] = [];
  for (const f of report.findings) {
    const file = f.position?.file ?? "<input>";
    const where =
      f.position && f.position.line > 0 ? `${file}:${f.position.line}:${f.position.column}` : file;
    const sev = f.severity === "error" ? paint("31", "error") : paint("33", "warning");
    const obj = f.object === undefined ? "" : ` ${f.object.kind}/${f.object.name}`;
    const path = f.path.length > 0 ? `${formatPath(f.path)}: ` : "";
    lines.push(`${where} ${sev} ${path}${f.message} ${paint("2", `[${f.code}]${obj}`)}`);
    const quoted =
      f.position && f.position.line > 0
        ? excerpts.excerpt(f.position.file, f.position.line, f.position.column)
        : undefined;
    if (quoted !== undefined) {
      lines.push(`    ${quoted.text}`);
      lines.push(`    ${" ".repeat(quoted.caret)}${paint("36", "^")}`);
    }
    if (f.hint !== undefined) lines.push(`    ${paint("36", "fix:")} ${f.hint}`);
  }
  if (lines.length > 0) lines.push("");
  lines.push(summaryLine(report));
  if (report.unvalidated !== undefined && report.unvalidated.length > 0)
    lines.push(
      `not validated (no schema; lint them with their CRD in the input): ${report.unvalidated.map((u) => `${u.kind} ${u.apiVersion} (${u.count})`).join(", ")}`,
    );
  const external = report.external;
  if (external !== undefined) {
    const list = (what: string, names: readonly string[]): string[] =>
      names.length === 0 ? [] : [`${what} ${shortList(names)}`];
    lines.push(
      `not in the input (their keys were not checked${external.kubeship ? "; `kubeship deploy` creates the Secrets it generates" : ""}): ${[...list("Secrets", external.secrets), ...list("ConfigMaps", external.configMaps)].join("; ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Up to five names, then how many more. */
function shortList(names: readonly string[]): string {
  return names.length <= 5
    ? names.join(", ")
    : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}

/** `12 objects: 2 errors, 3 warnings, 1 waived`. */
export function summaryLine(report: LintReport): string {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.length - errors;
  const n = (k: number, w: string): string => `${k} ${w}${k === 1 ? "" : "s"}`;
  const waived = report.waived.length > 0 ? `, ${report.waived.length} waived` : "";
  return `${n(report.objects, "object")}: ${n(errors, "error")}, ${n(warnings, "warning")}${waived}`;
}

/** The report for machines: every finding with file, line, column, rule and object, and a summary. */
export function formatLintJson(report: LintReport): string {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  return `${JSON.stringify(
    {
      findings: report.findings.map((f) => ({
        rule: f.code,
        severity: f.severity,
        file: f.position?.file,
        line: f.position?.line,
        column: f.position?.column,
        path: formatPath(f.path),
        message: f.message,
        ...(f.hint === undefined ? {} : { hint: f.hint }),
        ...(f.object === undefined ? {} : { object: f.object }),
      })),
      waived: report.waived,
      summary: {
        objects: report.objects,
        errors,
        warnings: report.findings.length - errors,
        waived: report.waived.length,
        ...(report.unvalidated === undefined ? {} : { unvalidated: report.unvalidated }),
        ...(report.external === undefined ? {} : { external: report.external }),
      },
    },
    null,
    2,
  )}\n`;
}

/** SARIF 2.1.0, for code-scanning UIs (GitHub, GitLab, Azure DevOps). https://docs.oasis-open.org/sarif/sarif/v2.1.0/ */
export function formatLintSarif(report: LintReport, rules: readonly Rule[], version: string): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kubeship",
            version,
            informationUri: "https://github.com/kubeship/kubeship/blob/main/docs/lint/README.md",
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.why },
              help: { text: r.fix, markdown: r.fix },
              helpUri: `https://github.com/kubeship/kubeship/blob/main/docs/lint/${r.id}.md`,
              defaultConfiguration: { level: r.severity },
              properties: { category: r.category, tags: [r.category] },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.code,
          ...(index.has(f.code) ? { ruleIndex: index.get(f.code) } : {}),
          level: f.severity,
          message: { text: f.hint === undefined ? f.message : `${f.message}. Fix: ${f.hint}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: {
                  uri: (f.position?.file ?? "input").replace(/ \((kustomize build|helm template)\)$/, ""),
                },
                region: {
                  startLine: Math.max(1, f.position?.line ?? 1),
                  startColumn: Math.max(1, f.position?.column ?? 1),
                },
              },
              ...(f.object === undefined
                ? {}
                : {
                    logicalLocations: [
                      {
                        name: f.object.name,
                        kind: f.object.kind,
                        fullyQualifiedName: `${f.object.namespace ?? ""}/${f.object.kind}/${f.object.name}`,
                      },
                    ],
                  }),
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

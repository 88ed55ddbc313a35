import { loadSchemas } from "../../src/io/manifests.js";
import { parseManifests } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, type LintReport, lintManifests } from "../../src/lint/lint.js";
import type { SchemaSet } from "../../src/lint/schema/compact.js";
import type { LintSettings } from "../../src/lint/types.js";

const cache = new Map<string, SchemaSet[]>();

/** The schemas lint ships for a version (read once per test file). */
export async function schemasFor(version = DEFAULT_SETTINGS.kubeVersion): Promise<SchemaSet[]> {
  const hit = cache.get(version);
  if (hit !== undefined) return hit;
  const s = await loadSchemas(version);
  cache.set(version, s);
  return s;
}

/** Lints YAML text as the CLI does, with settings over the defaults. */
export async function lintText(
  text: string,
  settings: Partial<LintSettings> = {},
  file = "input.yaml",
): Promise<LintReport> {
  const full = { ...DEFAULT_SETTINGS, ...settings };
  return lintManifests(parseManifests(text, file), full, await schemasFor(full.kubeVersion));
}

/** The rule ids of a report's findings, sorted and unique. */
export function ruleIds(report: LintReport): string[] {
  return [...new Set(report.findings.map((f) => f.code))].sort();
}

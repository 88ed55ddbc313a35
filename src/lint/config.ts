import { z } from "zod";
import { error, type Diagnostic } from "../spec/diagnostic.js";
import { parsePositioned } from "../spec/source.js";
import { didYouMean } from "../spec/suggest.js";
import { issuesToDiagnostics } from "../spec/zod-issues.js";
import { customRuleSchema } from "./custom.js";
import { DEFAULT_SETTINGS } from "./lint.js";
import { RULES } from "./rules/index.js";
import type { LintSettings } from "./types.js";

/** The file lint reads its configuration from, in the working directory. */
export const CONFIG_FILE = ".kubeship-lint.yaml";

const level = z.enum(["off", "error", "warning"]);

/** The schema of `.kubeship-lint.yaml`. */
export const lintConfigSchema = z.strictObject({
  /** Kubernetes version to validate against, `major.minor`. */
  kubeVersion: z
    .string()
    .regex(/^\d+\.\d+$/, "write the version as major.minor, e.g. 1.34")
    .optional(),
  /** Pod Security Standards level where no Namespace label says otherwise. */
  podSecurity: z.enum(["privileged", "baseline", "restricted"]).optional(),
  /** Per rule: a level, or an object with `level` and the rule's options. */
  rules: z.record(z.string(), z.union([level, z.looseObject({ level: level.optional() })])).optional(),
  /** The team's own rules: see docs/lint.md "Team rules". */
  custom: z.array(customRuleSchema).optional(),
});

/** Reads a lint config file: the settings it gives, and every problem with file:line:col. */
export function parseLintConfig(
  text: string,
  file: string,
): { settings: LintSettings; diagnostics: readonly Diagnostic[] } {
  const parsed = parsePositioned(text, file);
  if (parsed.diagnostics.length > 0) return { settings: DEFAULT_SETTINGS, diagnostics: parsed.diagnostics };
  const data = parsed.data ?? {};
  const result = lintConfigSchema.safeParse(data);
  const at = (d: Diagnostic): Diagnostic => ({
    ...d,
    position: parsed.locator.locate(d.path, { key: true }),
  });
  if (!result.success)
    return {
      settings: DEFAULT_SETTINGS,
      diagnostics: issuesToDiagnostics(result.error.issues, lintConfigSchema, data).map(at),
    };
  const cfg = result.data;
  const builtIn = RULES.map((r) => r.id);
  const diagnostics: Diagnostic[] = [];
  const custom = cfg.custom ?? [];
  custom.forEach((c, i) => {
    const clash = builtIn.includes(c.id)
      ? "a built-in rule has this id"
      : custom.findIndex((d) => d.id === c.id) < i
        ? "an earlier custom rule has this id"
        : undefined;
    if (clash !== undefined)
      diagnostics.push(
        at(
          error(
            "lint-config/duplicate-rule",
            ["custom", i, "id"],
            `${clash}: '${c.id}'`,
            "give the rule an id of its own",
          ),
        ),
      );
    if (c.require === undefined && c.forbid === undefined)
      diagnostics.push(
        at(
          error(
            "lint-config/empty-rule",
            ["custom", i],
            `custom rule '${c.id}' checks nothing`,
            "give it `require:` or `forbid:` checks",
          ),
        ),
      );
  });
  const ids = [...builtIn, ...custom.map((c) => c.id)];
  const levels: Record<string, "off" | "error" | "warning"> = {};
  const options: Record<string, Record<string, unknown>> = {};
  for (const [id, value] of Object.entries(cfg.rules ?? {})) {
    if (!ids.includes(id)) {
      diagnostics.push(
        at(
          error(
            "lint-config/unknown-rule",
            ["rules", id],
            `no rule has the id '${id}'${didYouMean(id, ids)}`,
            "`kubeship lint --list-rules` prints every id",
          ),
        ),
      );
      continue;
    }
    if (typeof value === "string") levels[id] = value;
    else {
      const { level: l, ...rest } = value;
      if (l !== undefined) levels[id] = l;
      options[id] = rest;
    }
  }
  return {
    settings: {
      levels,
      options,
      kubeVersion: cfg.kubeVersion ?? DEFAULT_SETTINGS.kubeVersion,
      podSecurity: cfg.podSecurity ?? DEFAULT_SETTINGS.podSecurity,
      ...(custom.length > 0 ? { custom } : {}),
    },
    diagnostics,
  };
}

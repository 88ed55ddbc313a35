import { describe, expect, it } from "vitest";
import { lintText } from "../../../test/helpers/lint.js";
import { DEFAULT_SETTINGS } from "../lint.js";
import type { LintSettings, Rule } from "../types.js";
import { RULES } from "./index.js";

/** The settings a rule's examples are linted with: its example options, when it has some. */
function optionsOf(rule: Rule): Partial<LintSettings> {
  return rule.exampleOptions === undefined
    ? {}
    : { options: { ...DEFAULT_SETTINGS.options, [rule.id]: rule.exampleOptions } };
}

// Every rule carries a failing and a passing example; they are its docs and its tests.
describe.each(RULES.filter((r) => r.id !== "yaml-syntax").map((r) => [r.id, r] as const))(
  "rule %s",
  (_id, rule) => {
    it("reports the bad example", async () => {
      const report = await lintText(rule.examples.bad, optionsOf(rule));
      const mine = report.findings.filter((f) => f.code === rule.id);
      expect(mine.length, JSON.stringify(report.findings, null, 2)).toBeGreaterThan(0);
      for (const f of mine) {
        expect(f.severity).toBe(rule.severity);
        expect(f.position?.line).toBeGreaterThan(0);
        expect(f.message.length).toBeGreaterThan(10);
      }
    });

    it("accepts the good example", async () => {
      const report = await lintText(rule.examples.good, optionsOf(rule));
      expect(report.findings.filter((f) => f.code === rule.id)).toEqual([]);
      // Neither example is broken in some other way the rule is not about.
      expect(report.findings.filter((f) => f.code === "schema" || f.code === "yaml-syntax")).toEqual([]);
    });

    it("has the text of its docs page", () => {
      expect(rule.id).toMatch(/^[a-z][a-z0-9-]+$/);
      for (const text of [rule.title, rule.why, rule.fix]) expect(text.length).toBeGreaterThan(20);
    });
  },
);

describe("yaml-syntax", () => {
  it("reports the first error of a broken document with its line, and still lints the others", async () => {
    const rule = RULES.find((r) => r.id === "yaml-syntax");
    const text = `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ok\n---\n${rule?.examples.bad ?? ""}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n`;
    const report = await lintText(text);
    const syntax = report.findings.filter((f) => f.code === "yaml-syntax");
    expect(syntax).toHaveLength(1);
    expect(syntax[0]?.position?.line).toBeGreaterThanOrEqual(11);
    expect(report.findings.map((f) => f.code)).toContain("default-namespace");
    expect(report.objects).toBe(2);
  });
});

it("every rule id is unique", () => {
  expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
});

describe("network-policy-blocks-dependency reads the ConfigMaps a workload takes its environment from", () => {
  const rule = RULES.find((r) => r.id === "network-policy-blocks-dependency");
  const [client = "", ...rest] = (rule?.examples.bad ?? "").split("\n---\n");
  const configMap =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_URL: postgres:5432\n  MODE: fast\n";
  const withEnv = (env: string): string =>
    [`${client.replace(/ {6}env:\n.*$/, "")}${env}`, configMap, ...rest].join("\n---\n");
  it("starts from the example's env value", () => {
    expect(client).toMatch(/ {6}env:\n.*"postgres:5432"}$/);
  });
  const findings = async (text: string) =>
    (await lintText(text)).findings.filter((f) => f.code === "network-policy-blocks-dependency");

  it("finds the blocked connection through envFrom and through configMapKeyRef", async () => {
    const viaEnvFrom = await findings(withEnv("      envFrom:\n        - configMapRef: {name: app}\n"));
    expect(viaEnvFrom.map((f) => f.path.join("."))).toEqual(["spec.containers.0.envFrom.0"]);
    expect(viaEnvFrom[0]?.message).toMatch(/block its connection to Service postgres port 5432/);
    const viaKeyRef = await findings(
      withEnv(
        "      env:\n        - name: DB\n          valueFrom:\n            configMapKeyRef: {name: app, key: DB_URL}\n",
      ),
    );
    expect(viaKeyRef.map((f) => f.path.join("."))).toEqual(["spec.containers.0.env.0.valueFrom"]);
  });

  it("is quiet when the ConfigMap, or the key, is not in the input", async () => {
    expect(await findings(withEnv("      envFrom:\n        - configMapRef: {name: other}\n"))).toEqual([]);
    expect(
      await findings(
        withEnv(
          "      env:\n        - name: DB\n          valueFrom:\n            configMapKeyRef: {name: app, key: NOPE}\n",
        ),
      ),
    ).toEqual([]);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { runCli } from "../helpers/cli.js";

/** `kubeship lint --server`: the API server's own word, at the file and line of each object. */
describe("kubeship lint --server", () => {
  it("reports what the API server refuses at its field, and what it could not check", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "kubeship-lint-server-")), "objects.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n  namespace: default\ndata:\n  a: b\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  namespace: default\ndata:\n  'bad key': v\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: no-such-namespace\ndata:\n  a: b\n",
      ].join("---\n"),
    );
    const r = await runCli([
      "lint",
      file,
      "--server",
      "--kubeconfig",
      inject("kubeconfig"),
      "--format",
      "json",
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      findings: { rule: string; severity: string; message: string; line: number }[];
    };
    const server = report.findings.filter((f) => f.rule === "server");
    expect(server.map((f) => [f.severity, f.line])).toEqual([
      ["error", 15],
      ["warning", 17],
    ]);
    expect(server[0]?.message).toContain('data[bad key]: Invalid value: "bad key"');
    expect(server[1]?.message).toContain("no-such-namespace");
    // The same refusal from lint's own validation, without a cluster.
    expect(report.findings.some((f) => f.rule === "api-validation" && f.line === 14)).toBe(true);
  });
});

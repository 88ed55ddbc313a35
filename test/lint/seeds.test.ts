import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/render.js";
import { lintText } from "../helpers/lint.js";
import { HELM } from "../helpers/tools.js";

// The YAML of the hand-written guide (a copy of ../shared/seeds, see test/fixtures/seeds/README.md) is
// real input: what people write by hand.
const chapter = readFileSync(join(ROOT, "test/fixtures/seeds/minitoolstream-k8s-chapter.md"), "utf8");
const blocks = [...chapter.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
const manifests = blocks.filter((b) => /^kind:/m.test(b) && !b.includes("{{"));
const blockAfter = (title: string): string => {
  const at = chapter.indexOf(title);
  return /```ya?ml\n([\s\S]*?)```/.exec(chapter.slice(at))?.[1] ?? "";
};

describe("the seed guide's manifests", () => {
  it("finds what an expert reviewer would", async () => {
    expect(manifests.length).toBeGreaterThan(8);
    const report = await lintText(manifests.join("---\n"), {}, "minitoolstream-k8s-chapter.yaml");
    const about = (rule: string, name: string): string[] =>
      report.findings.filter((f) => f.code === rule && f.object?.name === name).map((f) => f.message);
    // The Secret is committed with its values.
    expect(about("plaintext-secret", "minitoolstream-ingress-secret")[0]).toContain("TARANTOOL_PASSWORD");
    // The Role can read every Secret of the namespace.
    expect(about("rbac-read-secrets", "minitoolstream-ingress-role")).toHaveLength(1);
    // The cluster-autoscaler Deployment: a selector its template's (missing) labels cannot match,
    // which the API server rejects, and none of the hardening.
    const ca = report.findings.filter((f) => f.object?.name === "cluster-autoscaler").map((f) => f.code);
    expect(ca).toEqual(
      expect.arrayContaining([
        "selector-mismatch",
        "liveness-probe",
        "resource-requests",
        "memory-limit",
        "run-as-non-root",
        "privilege-escalation",
        "read-only-root-filesystem",
        "default-service-account",
      ]),
    );
    expect(report.findings.find((f) => f.code === "selector-mismatch")?.severity).toBe("error");
    // Every finding points into the file.
    for (const f of report.findings) expect(f.position?.line).toBeGreaterThan(0);
  });

  it("lints the guide's Helm chart through the real helm", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "kubeship-seed-chart-")), "minitoolstream");
    mkdirSync(join(dir, "templates/ingress"), { recursive: true });
    writeFileSync(join(dir, "Chart.yaml"), blockAfter("`Chart.yaml`:"));
    writeFileSync(join(dir, "values.yaml"), blockAfter("`values.yaml`:"));
    writeFileSync(join(dir, "templates/_helpers.tpl"), blockAfter("`templates/_helpers.tpl`:"));
    writeFileSync(
      join(dir, "templates/ingress/deployment.yaml"),
      blockAfter("`templates/ingress/deployment.yaml`"),
    );
    // The guide's values.yaml is abridged ("..."); these are the values its text describes.
    const extra = join(dir, "..", "ingress-values.yaml");
    writeFileSync(
      extra,
      "ingress:\n  image: {repository: minitoolstream/ingress, tag: latest, pullPolicy: Always}\n  config: {server: {port: 50051}}\n  service: {port: 50051}\n  resources: {requests: {cpu: 250m, memory: 256Mi}}\n",
    );
    const run = spawnSync(
      process.execPath,
      [join(ROOT, "bin/kubeship.js"), "lint", "--helm", dir, "--values", extra, "--format", "json"],
      { encoding: "utf8", env: { ...process.env, KUBESHIP_HELM: HELM } },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as {
      findings: { rule: string; severity: string; file: string; line: number }[];
    };
    const rules = new Set(report.findings.map((f) => f.rule));
    for (const rule of [
      "image-tag",
      "liveness-probe",
      "readiness-probe",
      "run-as-non-root",
      "privilege-escalation",
      "seccomp-profile",
      "pdb-missing",
      "pod-spreading",
      "network-policy-coverage",
    ])
      expect(rules, rule).toContain(rule);
    expect(report.findings.find((f) => f.rule === "image-tag")).toMatchObject({
      severity: "error",
      file: `${dir} (helm template)`,
    });
    for (const f of report.findings) expect(f.line).toBeGreaterThan(0);
  });
});

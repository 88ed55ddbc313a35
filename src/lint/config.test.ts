import { describe, expect, it } from "vitest";
import { lintText } from "../../test/helpers/lint.js";
import { parseLintConfig } from "./config.js";

const pod = (annotations = ""): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: shop\n${annotations}spec:\n  containers:\n    - name: api\n      image: api:latest\n`;

describe(".kubeship-lint.yaml", () => {
  it("turns rules off, re-levels them and passes options", () => {
    const { settings, diagnostics } = parseLintConfig(
      "kubeVersion: '1.31'\npodSecurity: restricted\nrules:\n  image-tag: warning\n  liveness-probe: off\n  required-labels:\n    level: error\n    labels: [team]\n",
      "c.yaml",
    );
    expect(diagnostics).toEqual([]);
    expect(settings).toMatchObject({
      kubeVersion: "1.31",
      podSecurity: "restricted",
      levels: { "image-tag": "warning", "liveness-probe": "off", "required-labels": "error" },
      options: { "required-labels": { labels: ["team"] } },
    });
  });

  it("names an unknown rule with its line and the id meant", () => {
    const { diagnostics } = parseLintConfig("rules:\n  image-tags: off\n", "c.yaml");
    expect(diagnostics[0]).toMatchObject({
      message: "no rule has the id 'image-tags'; did you mean 'image-tag'?",
      position: { file: "c.yaml", line: 2, column: 3 },
    });
  });

  it("rejects unknown keys and bad levels", () => {
    const { diagnostics } = parseLintConfig("kubeversion: '1.31'\nrules:\n  image-tag: fatal\n", "c.yaml");
    expect(diagnostics.map((d) => d.position?.line).sort()).toEqual([1, 3]);
  });

  it("applies levels and options in a run", async () => {
    const report = await lintText(pod(), {
      levels: { "image-tag": "warning", "liveness-probe": "off" },
      options: { "required-labels": { labels: ["team"] } },
    });
    expect(report.findings.find((f) => f.code === "image-tag")?.severity).toBe("warning");
    expect(report.findings.some((f) => f.code === "liveness-probe")).toBe(false);
    expect(report.findings.find((f) => f.code === "required-labels")?.message).toContain("team");
  });
});

describe("waivers", () => {
  it("drops a finding waived on the object and keeps it, with its reason, in the report", async () => {
    const report = await lintText(
      pod("  annotations:\n    kubeship.io/waive.image-tag: pinned by digest in CD\n"),
    );
    expect(report.findings.some((f) => f.code === "image-tag")).toBe(false);
    expect(report.waived).toContainEqual({
      rule: "image-tag",
      object: { apiVersion: "v1", kind: "Pod", name: "api", namespace: "shop" },
      reason: "pinned by digest in CD",
    });
    const unwaived = await lintText(pod());
    expect(unwaived.findings.some((f) => f.code === "image-tag")).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { formatLintText } from "../src/report/lint-report.js";
import { lintText } from "./helpers/lint.js";

describe("what lint validates against a schema, and what it says it did not", () => {
  it("checks a VerticalPodAutoscaler against its CRD: a misspelt field is an error", async () => {
    const report = await lintText(
      "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  updatePolicy: {updateMod: Recreate}\n",
    );
    const schema = report.findings.filter((f) => f.code === "schema");
    expect(schema.map((f) => f.message).join(" ")).toContain('unknown field "updateMod"');
    expect(report.unvalidated).toBeUndefined();
  });

  it("names the kinds it had no schema for under the summary", async () => {
    const report = await lintText(
      "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  colour: blue\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: v\n",
    );
    expect(report.unvalidated).toEqual([{ apiVersion: "example.com/v1", kind: "Widget", count: 2 }]);
    expect(formatLintText(report, { color: false, sources: new Map() })).toContain(
      "not validated (no schema; lint them with their CRD in the input): Widget example.com/v1 (2)",
    );
  });
});

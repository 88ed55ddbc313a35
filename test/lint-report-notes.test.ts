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

  it("names once the Secrets and ConfigMaps that pods read and the input lacks (optional ones not)", async () => {
    const pod = (name: string, labels: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\n  labels: {${labels}}\nspec:\n  containers:\n    - name: app\n      image: app:1.0.0\n      env:\n        - name: DB_PASSWORD\n          valueFrom: {secretKeyRef: {name: db, key: password}}\n        - name: TOKEN\n          valueFrom: {secretKeyRef: {name: maybe, key: token, optional: true}}\n      envFrom:\n        - configMapRef: {name: settings}\n  volumes:\n    - name: tls\n      secret: {secretName: tls}\n`;
    const settings =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata: {A: b}\n";
    const report = await lintText(`${pod("a", "a: b")}---\n${pod("b", "a: b")}---\n${settings}`);
    expect(report.external).toEqual({ secrets: ["shop/db", "shop/tls"], configMaps: [], kubeship: false });
    const text = formatLintText(report, { color: false, sources: new Map() });
    expect(text).toContain("not in the input (their keys were not checked): Secrets shop/db, shop/tls\n");

    const ours = await lintText(pod("c", "app.kubernetes.io/managed-by: kubeship"));
    expect(ours.external?.configMaps).toEqual(["shop/settings"]);
    expect(formatLintText(ours, { color: false, sources: new Map() })).toContain(
      "`kubeship deploy` creates the Secrets it generates",
    );
    expect((await lintText(settings)).external).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/render/kube-object.js";
import { diffRevisions } from "../../src/report/revision-diff.js";

const cm = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns" },
  data,
});
const secret = (value: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "s", namespace: "ns" },
  stringData: { PASSWORD: value },
});

describe("the diff between two revisions", () => {
  it("lists added, removed and changed objects with unified diffs, and the spec's diff", () => {
    const d = diffRevisions(
      {
        revision: 1,
        spec: "app: a\nreplicas: 1\n",
        objects: [cm("keep", { A: "1" }), cm("gone", {}), cm("edit", { LOG: "info" })],
      },
      {
        revision: 2,
        spec: "app: a\nreplicas: 2\n",
        objects: [cm("keep", { A: "1" }), cm("edit", { LOG: "debug" }), cm("new", {})],
      },
    );
    expect(d.objects.map((o) => `${o.change} ${o.object}`)).toEqual([
      "changed ConfigMap/ns/edit",
      "removed ConfigMap/ns/gone",
      "added ConfigMap/ns/new",
    ]);
    const edit = d.objects[0]?.diff ?? "";
    expect(edit).toContain("-  LOG: info");
    expect(edit).toContain("+  LOG: debug");
    expect(edit.startsWith("--- ConfigMap/ns/edit (revision 1)")).toBe(true);
    expect(d.spec).toContain("+replicas: 2");
  });

  it("never shows a Secret's value, only that it changed", () => {
    const d = diffRevisions(
      { revision: 1, spec: "", objects: [secret("hunter2-old-value")] },
      { revision: 2, spec: "", objects: [secret("hunter2-new-value")] },
    );
    const text = JSON.stringify(d);
    expect(text).not.toContain("hunter2");
    expect(d.objects[0]?.diff).toMatch(/-\s+PASSWORD: "?\(hidden, [0-9a-f]{8}\)"?/);
    expect(d.objects[0]?.diff).toMatch(/\+\s+PASSWORD: "?\(hidden, [0-9a-f]{8}\)"?/);
    expect(
      diffRevisions(
        { revision: 1, spec: "", objects: [secret("x")] },
        { revision: 2, spec: "", objects: [secret("x")] },
      ).objects,
    ).toEqual([]);
  });
});

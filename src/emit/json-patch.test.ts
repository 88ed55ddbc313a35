import { describe, expect, it } from "vitest";
import { applyJsonPatch, diffJson } from "./json-patch.js";

describe("diffJson", () => {
  it("produces the smallest map-level patch and round-trips through apply", () => {
    const a = {
      spec: { replicas: 2, template: { labels: { "app.kubernetes.io/name": "x" } }, ports: [1, 2] },
      gone: true,
    };
    const b = {
      spec: { replicas: 3, template: { labels: { "app.kubernetes.io/name": "y" } }, ports: [1, 2, 3] },
      added: { a: 1 },
    };
    const ops = diffJson(a, b);
    expect(ops).toEqual([
      { op: "replace", path: "/spec/replicas", value: 3 },
      { op: "replace", path: "/spec/template/labels/app.kubernetes.io~1name", value: "y" },
      { op: "replace", path: "/spec/ports", value: [1, 2, 3] },
      { op: "remove", path: "/gone" },
      { op: "add", path: "/added", value: { a: 1 } },
    ]);
    expect(applyJsonPatch(a, ops)).toEqual(b);
  });

  it("returns nothing for equal documents", () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});

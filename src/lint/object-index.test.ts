import { describe, expect, it } from "vitest";
import { fieldAt, stringMap } from "./object.js";
import { indexOf } from "./object-index.js";
import type { ManifestObject } from "./types.js";

const object = (kind: string, name: string, namespace?: string): ManifestObject => ({
  object: { kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) } },
  apiVersion: "v1",
  kind,
  name,
  namespace,
  file: "a.yaml",
  base: [],
  locator: undefined,
});

describe("indexOf(...).find", () => {
  it("finds the object of the referring namespace among namesakes in every other namespace", () => {
    const objects = ["a", "b", "c"].map((ns) => object("Service", "db", ns));
    const index = indexOf(objects);
    expect(index.find("Service", "db", "b")).toBe(objects[1]);
    expect(index.find("Service", "db", "d")).toBeUndefined();
    expect(index.find("Service", "db", undefined)).toBe(objects[0]);
    expect(index.find("ConfigMap", "db", "a")).toBeUndefined();
  });

  it("takes an object without a namespace as in every namespace, the first in input order winning", () => {
    const floating = object("Service", "db");
    const own = object("Service", "db", "a");
    expect(indexOf([floating, own]).find("Service", "db", "a")).toBe(floating);
    expect(indexOf([own, floating]).find("Service", "db", "a")).toBe(own);
    expect(indexOf([own, floating]).find("Service", "db", "b")).toBe(floating);
  });
});

describe("plain-data accessors", () => {
  it("stringMap keeps string values only, without copying a map that has nothing else", () => {
    const labels = { app: "api", tier: "web" };
    expect(stringMap(labels)).toBe(labels);
    expect(stringMap({ app: "api", replicas: 3, on: true })).toEqual({ app: "api" });
    expect(stringMap(["a"])).toEqual({});
    expect(stringMap(undefined)).toEqual({});
  });

  it("fieldAt follows a path through maps and lists", () => {
    const o = { spec: { containers: [{ name: "a" }, { name: "b" }] } };
    expect(fieldAt(o, ["spec", "containers", 1, "name"])).toBe("b");
    expect(fieldAt(o, ["spec", "containers", 2, "name"])).toBeUndefined();
    expect(fieldAt(o, ["spec", "containers", "name"])).toBeUndefined();
  });
});

describe("indexOf(...).podsSelectedBy", () => {
  const deployment = (name: string, labels: Record<string, string>, namespace?: string): ManifestObject => ({
    ...object("Deployment", name, namespace),
    apiVersion: "apps/v1",
    object: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
      spec: { template: { metadata: { labels }, spec: { containers: [] } } },
    },
  });
  // A small namespace (tested pod by pod), a large one (through the label index), and two pods
  // without a namespace, which are in every namespace.
  const objects = [
    deployment("f1", { app: "db" }),
    ...[0, 1, 2].map((i) => deployment(`s${String(i)}`, { app: i === 1 ? "db" : "web", tier: "a" }, "small")),
    ...Array.from({ length: 40 }, (_, i) =>
      deployment(`b${String(i)}`, { app: i % 3 === 0 ? "db" : "web", tier: i % 2 === 0 ? "a" : "b" }, "big"),
    ),
    deployment("f2", { app: "web", tier: "a" }),
  ];
  const index = indexOf(objects);

  it.each([
    ["small", { app: "db" }],
    ["small", { app: "web", tier: "a" }],
    ["big", { app: "db" }],
    ["big", { app: "db", tier: "b" }],
    ["big", { app: "web", tier: "a" }],
    ["none", { app: "db" }],
    [undefined, { app: "web", tier: "a" }],
  ])("in %s, %o selects what testing every pod selects, in input order", (ns, selector) => {
    const want = index
      .pods(ns)
      .filter((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v))
      .map((p) => p.target.name);
    expect(index.podsSelectedBy(selector, ns).map((p) => p.target.name)).toEqual(want);
    expect(want.length).toBeGreaterThan(0);
  });
});

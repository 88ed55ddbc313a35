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

import { describe, expect, it } from "vitest";
import { peekDocument, planShards, type FileDocument } from "./shard.js";

const doc = (text: string, file = "a.yaml"): FileDocument => ({ file, text, line: 0 });
const obj = (kind: string, ns: string | undefined, extra = ""): FileDocument =>
  doc(
    `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: x\n${ns === undefined ? "" : `  namespace: ${ns}\n`}${extra}`,
  );
const namespaced = (_api: string, kind: string): boolean | undefined =>
  kind === "Namespace" || kind === "ClusterRole" ? false : kind === "Widget" ? undefined : true;

describe("peekDocument", () => {
  it("reads kind, apiVersion and namespace of the usual layout", () => {
    expect(
      peekDocument(
        '# c\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  namespace: "shop"\nspec: {}\n',
      ),
    ).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "shop",
    });
    expect(peekDocument("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n")?.namespace).toBeNull();
  });

  it("declines what it cannot read at a glance", () => {
    expect(peekDocument('{"kind": "Pod"}')).toBeUndefined();
    expect(
      peekDocument("apiVersion: v1\nkind: Pod\nmetadata:\n    name: a\n    namespace: b\n"),
    ).toBeUndefined();
    expect(peekDocument("apiVersion: v1\nkind: List\nmetadata: {}\nitems: []\n")).toBeUndefined();
  });
});

describe("planShards", () => {
  it("keeps each namespace whole, gives cluster-scoped objects to every shard, and balances by size", () => {
    const docs = [
      obj("Namespace", undefined),
      obj("Service", "a"),
      obj("Pod", "a"),
      obj("Service", "b"),
      obj("Pod", "c"),
    ];
    const shards = planShards(docs, namespaced, 2);
    expect(shards).toHaveLength(2);
    const [one, two] = shards ?? [];
    expect([...(one?.namespaces ?? []), ...(two?.namespaces ?? [])].sort()).toEqual(["a", "b", "c"]);
    for (const s of shards ?? []) expect(s.documents).toContain(docs[0]);
    expect(shards?.filter((s) => s.reportsClusterScoped)).toHaveLength(1);
    const withA = shards?.find((s) => s.namespaces.includes("a"));
    expect(withA?.documents).toEqual(expect.arrayContaining([docs[1], docs[2]]));
  });

  it("puts namespaces that refer to each other in the same shard", () => {
    const docs = [
      obj("Pod", "a", "spec:\n  containers:\n    - env:\n        - {name: DB, value: db.b.svc:5432}\n"),
      obj("Service", "b"),
      obj("Pod", "c"),
      obj("ServiceMonitor", "d", "spec:\n  namespaceSelector:\n    matchNames:\n      - c\n"),
    ];
    const shards = planShards(docs, namespaced, 2) ?? [];
    const where = (ns: string) => shards.findIndex((s) => s.namespaces.includes(ns));
    expect(where("a")).toBe(where("b"));
    expect(where("c")).toBe(where("d"));
  });

  it("does not shard when that could change a result", () => {
    expect(
      planShards([obj("Pod", undefined), obj("Pod", "a"), obj("Pod", "b")], namespaced, 2),
    ).toBeUndefined();
    expect(
      planShards([obj("Widget", undefined), obj("Pod", "a"), obj("Pod", "b")], namespaced, 2),
    ).toBeUndefined();
    expect(planShards([obj("Pod", "a"), obj("Pod", "a")], namespaced, 2)).toBeUndefined();
    expect(
      planShards(
        [obj("ServiceMonitor", "a", "spec:\n  namespaceSelector:\n    any: true\n"), obj("Pod", "b")],
        namespaced,
        2,
      ),
    ).toBeUndefined();
    expect(planShards([doc("not: [valid"), obj("Pod", "a"), obj("Pod", "b")], namespaced, 2)).toBeUndefined();
  });
});

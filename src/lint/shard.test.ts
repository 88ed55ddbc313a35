import { describe, expect, it } from "vitest";
import { factsOf, homeOf, type NamespaceShare, peekDocument, planShards, sharesOf } from "./shard.js";

const obj = (kind: string, ns: string | undefined, extra = ""): { text: string } => ({
  text: `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: x\n${ns === undefined ? "" : `  namespace: ${ns}\n`}${extra}`,
});
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
      name: "a",
    });
    expect(peekDocument("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n")?.namespace).toBeNull();
  });

  it("takes metadata's own namespace, not a label or annotation of that name", () => {
    const text =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    namespace: other\n  namespace: mine\n";
    expect(peekDocument(text)?.namespace).toBe("mine");
    expect(
      peekDocument(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  annotations:\n    namespace: x\n  name: n\n",
      )?.namespace,
    ).toBeNull();
  });

  it("reads the value as YAML does: quotes and comments, but a # inside a word is part of it", () => {
    const ns = (line: string): string | null | undefined =>
      peekDocument(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  ${line}\n`)?.namespace;
    expect(ns("namespace: shop  # the shop")).toBe("shop");
    expect(ns("namespace: 'shop'")).toBe("shop");
    expect(ns('namespace: "shop" # quoted')).toBe("shop");
    // YAML reads `shop#x` as one word: not a namespace sharding can place.
    expect(ns("namespace: shop#x")).toBeUndefined();
    expect(ns("namespace: Shop")).toBeUndefined();
    expect(ns('namespace: "shop')).toBeUndefined();
    expect(peekDocument("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop#x\n")?.name).toBeNull();
    expect(peekDocument("apiVersion: v1\nkind: Pod # a pod\nmetadata:\n  name: a\n")).toBeUndefined();
    expect(peekDocument('\n\n  {"kind": "Pod"}')).toBeUndefined();
  });

  it("declines what it cannot read at a glance", () => {
    expect(peekDocument('{"kind": "Pod"}')).toBeUndefined();
    expect(
      peekDocument("apiVersion: v1\nkind: Pod\nmetadata:\n    name: a\n    namespace: b\n"),
    ).toBeUndefined();
    expect(peekDocument("apiVersion: v1\nkind: List\nmetadata: {}\nitems: []\n")).toBeUndefined();
  });
});

describe("factsOf", () => {
  it("tells cluster-scoped, namespaced and blank documents, with the namespaces they refer to", () => {
    expect(factsOf(obj("ClusterRole", undefined).text, namespaced)).toEqual({ scope: "cluster" });
    expect(factsOf("# only a comment\n", namespaced)).toEqual({ scope: "blank" });
    expect(
      factsOf(
        obj("Pod", "a", "spec:\n  containers:\n    - env:\n        - {name: DB, value: db.b.svc:5432}\n")
          .text,
        namespaced,
      ),
    ).toEqual({ scope: "namespace", namespace: "a", related: ["b"] });
    expect(
      factsOf(
        obj("ServiceMonitor", "d", "spec:\n  namespaceSelector:\n    matchNames:\n      - c\n").text,
        namespaced,
      ),
    ).toEqual({ scope: "namespace", namespace: "d", related: ["c"] });
  });

  it("finds the namespaces of service hosts and namespace fields as the plain regular expressions would", () => {
    const text = [
      "apiVersion: rbac.authorization.k8s.io/v1",
      "kind: RoleBinding",
      "metadata:",
      "  name: x",
      "  namespace: a",
      "  labels: {namespace: inline}",
      "subjects:",
      "  - namespace: b",
      "    kind: ServiceAccount",
      "  -  namespace: spaced",
      "x:",
      "      namespace: 'c'",
      "env: [http://api.d.svc.cluster.local:80, x.Ab.svc, y.-e.svc, z.f.svcx, w.g.svc_1, .h.svc, i.svc]",
      "  other: q.j-k.svc",
    ].join("\n");
    const viaRegex = new Set([
      ...[...text.matchAll(/\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\b/g)].map((m) => m[1]),
      ...[...text.matchAll(/^ +(?:- )?namespace: *["']?([a-z0-9]([-a-z0-9]*[a-z0-9])?)["']?/gm)].map(
        (m) => m[1],
      ),
    ]);
    viaRegex.delete("a");
    const facts = factsOf(text, namespaced);
    expect(facts?.scope === "namespace" ? [...facts.related].sort() : []).toEqual([...viaRegex].sort());
    expect([...viaRegex].sort()).toEqual(["b", "c", "d", "h", "j-k"]);
  });

  it("places a Namespace with the objects in it, and declines one whose name it cannot read", () => {
    expect(factsOf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n", namespaced)).toEqual({
      scope: "namespace",
      namespace: "shop",
      related: [],
    });
    expect(
      factsOf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Not_A_Label\n", namespaced),
    ).toBeUndefined();
    expect(homeOf({ apiVersion: "v1", kind: "Namespace", name: "shop" })).toBe("shop");
    expect(homeOf({ apiVersion: "v1", kind: "Pod", name: "a", namespace: "b" })).toBe("b");
    expect(homeOf({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "r" })).toBe(
      undefined,
    );
  });

  it("declines what could change a result if sharded", () => {
    expect(factsOf(obj("Pod", undefined).text, namespaced)).toBeUndefined();
    expect(factsOf(obj("Widget", undefined).text, namespaced)).toBeUndefined();
    expect(
      factsOf(obj("ServiceMonitor", "a", "spec:\n  namespaceSelector:\n    any: true\n").text, namespaced),
    ).toBeUndefined();
    expect(factsOf("not: [valid", namespaced)).toBeUndefined();
  });
});

const at = (namespace: string, bytes: number, holder: number, related: string[] = []): NamespaceShare => ({
  namespace,
  bytes,
  holder,
  related,
});

describe("sharesOf", () => {
  it("sums each namespace's bytes and relations, leaving out cluster-scoped and blank documents", () => {
    const shares = sharesOf(
      [
        { scope: "cluster" },
        { scope: "namespace", namespace: "a", related: ["b"] },
        { scope: "blank" },
        { scope: "namespace", namespace: "a", related: ["c", "b"] },
        { scope: "namespace", namespace: "d", related: [] },
      ],
      [1, 10, 2, 20, 5],
      1,
    );
    expect(shares).toEqual([
      { namespace: "a", bytes: 30, holder: 1, related: ["b", "c"] },
      { namespace: "d", bytes: 5, holder: 1, related: [] },
    ]);
  });
});

describe("planShards", () => {
  it("keeps each namespace whole, balances by size and leaves namespaces with the worker that read them", () => {
    const owner = planShards([at("a", 100, 0), at("b", 60, 1), at("a", 5, 1), at("c", 50, 1)], 2);
    expect(owner?.owner.get("a")).toBe(0);
    expect(owner?.owner.get("b")).toBe(1);
    expect(owner?.owner.get("c")).toBe(1);
  });

  it("puts namespaces that refer to each other in the same shard", () => {
    const owner = planShards(
      [at("a", 10, 0, ["b"]), at("b", 10, 1), at("c", 10, 1), at("d", 10, 0, ["c"])],
      2,
    );
    expect(owner?.owner.get("a")).toBe(owner?.owner.get("b"));
    expect(owner?.owner.get("c")).toBe(owner?.owner.get("d"));
    expect(owner?.owner.get("a")).not.toBe(owner?.owner.get("c"));
  });

  it("moves a group to another worker when its holder is full", () => {
    const owner = planShards([at("a", 100, 0), at("b", 100, 0), at("c", 100, 0), at("d", 100, 0)], 2);
    expect([...(owner?.owner.values() ?? [])].sort()).toEqual([0, 0, 1, 1]);
  });

  it("cuts each worker's groups into batches of about the given size, a group never split", () => {
    const plan = planShards(
      [at("a", 40, 0), at("b", 30, 0, ["c"]), at("c", 30, 0), at("d", 50, 1), at("e", 50, 1), at("f", 5, 1)],
      2,
      60,
    );
    const batches = (w: number): string[][] => {
      const out: string[][] = [];
      for (const [ns, owner] of plan?.owner ?? [])
        if (owner === w) (out[plan?.batch.get(ns) ?? -1] ??= []).push(ns);
      return out.map((b) => b.sort());
    };
    expect(batches(0)).toEqual([["b", "c"], ["a"]]);
    expect(batches(1)).toEqual([["d"], ["e", "f"]]);
    expect(new Set(planShards([at("a", 40, 0), at("b", 30, 1)], 2)?.batch.values())).toEqual(new Set([0]));
  });

  it("does not shard one group", () => {
    expect(planShards([at("a", 10, 0), at("a", 10, 1)], 2)).toBeUndefined();
    expect(planShards([at("a", 10, 0, ["b"]), at("b", 10, 1)], 2)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { loadSpec } from "../spec/load-spec.js";
import { buildModel } from "./build-model.js";
import { DependencyGraph } from "./graph.js";

function model(text: string) {
  const spec = loadSpec(text);
  if (!spec.ok) throw new Error(JSON.stringify(spec.diagnostics));
  return buildModel(spec.value.spec);
}

describe("DependencyGraph", () => {
  it("orders deploy waves: backing first, before-jobs next, then their users", () => {
    const m = model(`app: a
services:
  web: { image: w:1, port: 80, uses: [api] }
  api: { image: a:1, port: 80, uses: [db, cache] }
workers:
  mailer: { image: m:1, uses: [db] }
jobs:
  migrate: { image: a:1, uses: [db], before: [api, mailer] }
backing:
  db: { type: postgresql }
  cache: { type: redis }
`);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.value.graph.waves()).toEqual([["cache", "db"], ["migrate"], ["api", "mailer"], ["web"]]);
    expect(m.value.graph.dependenciesOf("api")).toEqual(["cache", "db", "migrate"]);
    expect(m.value.graph.dependenciesOf("api", "uses")).toEqual(["cache", "db"]);
    expect(m.value.graph.dependentsOf("db", "uses")).toEqual(["api", "mailer", "migrate"]);
  });

  it("refuses a cycle and prints it as a chain with its place", () => {
    const m = model(`app: a
services:
  a: { image: a:1, port: 80, uses: [b] }
  b: { image: b:1, port: 80, uses: [c] }
  c: { image: c:1, port: 80, uses: [a] }
`);
    expect(m.ok).toBe(false);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]?.message).toBe("dependency cycle: a -> b -> c -> a");
    expect(m.diagnostics[0]?.path).toEqual(["services", "a", "uses", 0]);
  });

  it("reports one cycle per tangle, not one per pair, and each separate cycle once", () => {
    const n = 300;
    const names = Array.from({ length: n }, (_, i) => `s${String(i).padStart(3, "0")}`);
    const services = names
      .map(
        (name) =>
          `  ${name}: { image: a:1, port: 80, uses: [${names.filter((x) => x !== name).join(", ")}] }`,
      )
      .join("\n");
    const m = model(
      `app: a\nservices:\n${services}\n  x: { image: a:1, port: 80, uses: [y] }\n  y: { image: a:1, port: 80, uses: [x] }\n`,
    );
    expect(m.ok).toBe(false);
    expect(m.diagnostics.map((d) => d.message)).toEqual([
      `dependency cycle: s000 -> s001 -> s000; ${n - 2} more entries are in the same tangle: ${names.slice(2, 12).join(", ")}, ...`,
      "dependency cycle: x -> y -> x",
    ]);
  });

  it("finds a cycle through a before-job", () => {
    const m = model(`app: a
services:
  api: { image: a:1, port: 80 }
jobs:
  seed: { image: s:1, uses: [api], before: [api] }
`);
    expect(m.ok).toBe(false);
    expect(m.diagnostics[0]?.message).toBe("dependency cycle: api -> seed -> api");
  });

  it("throws from waves() on a cyclic graph instead of looping", () => {
    const g = new DependencyGraph(
      [
        { name: "x", kind: "service" },
        { name: "y", kind: "service" },
      ],
      [
        { dependent: "x", dependency: "y", reason: "uses", path: [] },
        { dependent: "y", dependency: "x", reason: "uses", path: [] },
      ],
    );
    expect(() => g.waves()).toThrow(/cycle/);
  });
});

describe("buildModel", () => {
  it("applies defaults field by field and leaves replicas to the autoscaler's minimum", () => {
    const m = model(`app: a
defaults:
  resources: { requests: { cpu: 300m } }
  autoscale: { min: 3, max: 5 }
services:
  api: { image: a:1, port: 80, resources: { limits: { memory: 1Gi } } }
  one: { image: o:1, port: 80, autoscale: false }
`);
    if (!m.ok) throw new Error("no model");
    const api = m.value.workloads.find((w) => w.name === "api");
    expect(api?.resources).toEqual({
      requests: { cpu: "300m", memory: "128Mi" },
      limits: { cpu: "500m", memory: "1Gi" },
    });
    expect(api?.autoscale).toEqual({ min: 3, max: 5, cpu: 80 });
    expect(api?.replicas).toBe(3);
    expect(api?.health).toEqual({
      readiness: { kind: "tcp" },
      liveness: { kind: "tcp" },
      startup: { kind: "tcp" },
    });
    const one = m.value.workloads.find((w) => w.name === "one");
    expect(one?.autoscale).toBeUndefined();
    expect(one?.replicas).toBe(2);
  });

  it("keeps a liveness probe independent of dependencies when only readiness is given", () => {
    const m = model(`app: a
services:
  api: { image: a:1, port: 80, health: { readiness: /ready } }
`);
    if (!m.ok) throw new Error("no model");
    expect(m.value.workloads[0]?.health).toEqual({
      readiness: { kind: "http", path: "/ready" },
      liveness: { kind: "tcp" },
    });
  });
});

import { describe, expect, it } from "vitest";
import type { Diagnostic } from "./diagnostic.js";
import { loadSpec } from "./load-spec.js";

const BASE = `app: demo
services:
  api:
    image: api:1.0.0
    port: 8080
backing:
  mongodb: { type: mongodb }
`;

function errorsOf(text: string, env?: string): Diagnostic[] {
  const r = loadSpec(text, env === undefined ? { file: "k.yaml" } : { file: "k.yaml", env });
  expect(r.ok).toBe(false);
  return [...r.diagnostics];
}

function one(text: string, code: string, env?: string): Diagnostic {
  const found = errorsOf(text, env).filter((d) => d.code === code);
  expect(found, `expected one ${code}`).toHaveLength(1);
  return found[0] as Diagnostic;
}

describe("loadSpec", () => {
  it("accepts a minimal spec and keeps its fields", () => {
    const r = loadSpec(BASE, { file: "k.yaml" });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.spec.services?.api?.port).toBe(8080);
  });

  it("reports a YAML syntax error with its line and column", () => {
    const d = one("app: demo\nservices:\n  api: { image: x\n", "yaml-syntax");
    expect(d.position?.file).toBe("k.yaml");
    expect(d.position?.line).toBeGreaterThanOrEqual(3);
  });

  it("reports a duplicate key as a syntax error", () => {
    const d = one("app: demo\napp: other\n", "yaml-syntax");
    expect(d.message).toMatch(/unique/i);
    expect(d.position?.line).toBe(2);
  });

  it("says an empty file is empty", () => {
    expect(one("", "spec/not-a-mapping").message).toBe("the spec is empty");
    expect(one("- a\n- b\n", "spec/not-a-mapping").message).toMatch(/mapping/);
  });

  it("names an unknown field, where it is, and the field probably meant", () => {
    const d = one(BASE.replace("    port: 8080", "    port: 8080\n    replicaz: 3"), "spec/unknown-field");
    expect(d.message).toBe("unknown field 'replicaz'; did you mean 'replicas'?");
    expect(d.path).toEqual(["services", "api", "replicaz"]);
    expect(d.position).toEqual({ file: "k.yaml", line: 6, column: 5 });
    expect(d.hint).toContain("replicas");
  });

  it("explains a wrong type with a fix", () => {
    const d = one(BASE.replace("port: 8080", 'port: "8080"'), "spec/invalid-type");
    expect(d.message).toBe("expected number, got '8080'");
    expect(d.hint).toBe("write a number, without quotes");
    expect(d.position).toEqual({ file: "k.yaml", line: 5, column: 11 });
  });

  it("suggests the backing type meant", () => {
    const d = one(BASE.replace("type: mongodb", "type: mongo"), "spec/invalid-value");
    expect(d.message).toMatch(/^'mongo' is not one of: .*; did you mean 'mongodb'\?$/);
    expect(d.path).toEqual(["backing", "mongodb", "type"]);
  });

  it("names a missing required field", () => {
    const d = one(BASE.replace("    image: api:1.0.0\n", ""), "spec/missing-field");
    expect(d.message).toBe("required field 'image' is missing");
    expect(d.path).toEqual(["services", "api", "image"]);
  });

  it("names an unknown reference in uses, with the name meant and its place", () => {
    const d = one(
      BASE.replace("    port: 8080", "    port: 8080\n    uses: [mongodb, mongo]"),
      "spec/unknown-reference",
    );
    expect(d.message).toBe("unknown backing or service 'mongo'; did you mean 'mongodb'?");
    expect(d.path).toEqual(["services", "api", "uses", 1]);
    expect(d.position?.line).toBe(6);
  });

  it("refuses using a worker, a job or itself", () => {
    const spec = `${BASE}workers:\n  w: { image: w:1, uses: [api] }\njobs:\n  j: { image: j:1 }\n`.replace(
      "    port: 8080",
      "    port: 8080\n    uses: [w, j, api]",
    );
    const ds = errorsOf(spec);
    expect(ds.filter((d) => d.code === "spec/bad-reference").map((d) => d.message)).toEqual([
      "'w' is a worker; only services and backing services can be used",
      "'j' is a job; only services and backing services can be used",
    ]);
    expect(ds.find((d) => d.code === "spec/self-use")?.message).toBe("'api' cannot use itself");
  });

  it("refuses the same name in two sections", () => {
    const d = one(`${BASE}workers:\n  mongodb: { image: w:1 }\n`, "spec/duplicate-name");
    expect(d.message).toBe("'mongodb' is already defined in workers");
    expect(d.path).toEqual(["backing", "mongodb"]);
  });

  it("checks names as DNS labels and their length", () => {
    expect(one(BASE.replace("app: demo", "app: Demo_App"), "spec/invalid-name").message).toBe(
      "'Demo_App' is not a valid name",
    );
    const long = "a".repeat(60);
    const d = one(BASE.replace("  api:", `  ${long}:`), "spec/name-too-long");
    expect(d.message).toBe(`'${long}' has 60 characters; at most 54 fit`);
    expect(one(BASE.replace("  api:", "  9api:"), "spec/invalid-name").message).toBe(
      "'9api' must start with a letter",
    );
  });

  it("refuses options of another backing type", () => {
    const d = one(BASE.replace("type: mongodb", "type: mongodb, buckets: [x]"), "spec/option-not-supported");
    expect(d.message).toBe("'buckets' does not apply to type mongodb");
    expect(d.hint).toBe("it applies to: minio");
  });

  it("needs a url for an external service, and refuses storage there", () => {
    const ds = errorsOf(`${BASE}  llm: { type: external, storage: 1Gi }\n`);
    expect(ds.find((d) => d.code === "spec/missing-field")?.message).toBe(
      "an external backing service needs a 'url'",
    );
    expect(ds.find((d) => d.code === "spec/option-not-supported")?.message).toBe(
      "'storage' does not apply to an external service",
    );
  });

  it("lets only kafka use a zookeeper", () => {
    const d = one(
      `${BASE}  zk: { type: zookeeper }\n  cache: { type: redis, uses: [zk] }\n`,
      "spec/bad-reference",
    );
    expect(d.message).toBe("a redis backing cannot use a zookeeper");
  });

  it("checks autoscale ranges and cron schedules", () => {
    expect(
      one(
        BASE.replace("    port: 8080", "    port: 8080\n    autoscale: { min: 5, max: 2 }"),
        "spec/autoscale-range",
      ).message,
    ).toBe("min 5 is greater than max 2");
    const cron = `${BASE}jobs:\n  j: { image: j:1, schedule: "every day", before: [api] }\n`;
    const ds = errorsOf(cron);
    expect(ds.find((d) => d.code === "spec/invalid-schedule")?.message).toBe(
      "'every day' is not a cron schedule: a schedule has 5 fields (minute hour day-of-month month day-of-week), this one has 2",
    );
    expect(ds.find((d) => d.code === "spec/cron-before")?.message).toBe(
      "a scheduled job (CronJob) cannot gate a rollout",
    );
  });

  it("needs a domain for TLS", () => {
    expect(one(`${BASE}ingress: { tls: letsencrypt }\n`, "spec/tls-without-domain").hint).toBe(
      "set 'domain'",
    );
  });

  it("allows only exec health on workers", () => {
    expect(
      one(`${BASE}workers:\n  w: { image: w:1, health: /health }\n`, "spec/worker-health").message,
    ).toMatch(/exec/);
  });

  it("refuses a name that is both a secret and a plain env entry", () => {
    const d = one(
      BASE.replace("    port: 8080", "    port: 8080\n    env: { TOKEN: x }\n    secrets: [TOKEN]"),
      "spec/secret-env-clash",
    );
    expect(d.path).toEqual(["services", "api", "secrets", 0]);
  });

  it("warns of a secret listed twice, and the model holds it once", () => {
    const r = loadSpec(BASE.replace("    port: 8080", "    port: 8080\n    secrets: [TOKEN, TOKEN]"), {
      file: "k.yaml",
    });
    expect(r.ok).toBe(true);
    const d = r.diagnostics.find((x) => x.code === "spec/duplicate-reference");
    expect(d?.severity).toBe("warning");
    expect(d?.path).toEqual(["services", "api", "secrets", 1]);
  });

  it("suggests the environment meant", () => {
    const d = one(
      `${BASE}environments:\n  prod: { defaults: { replicas: 3 } }\n`,
      "spec/unknown-environment",
      "prd",
    );
    expect(d.message).toBe("unknown environment 'prd'; did you mean 'prod'?");
  });

  it("checks every environment overlay and points into the overlay", () => {
    const spec = `${BASE}environments:\n  prod:\n    services:\n      api: { port: 70000 }\n`;
    const d = one(spec, "spec/out-of-range");
    expect(d.message).toBe("number 70000 is too big: must be <= 65535 (in environment 'prod')");
    expect(d.position?.line).toBe(11);
    expect(one(`${BASE}environments:\n  prod: { servics: {} }\n`, "spec/unknown-field").message).toBe(
      "unknown field 'servics'; did you mean 'services'?",
    );
  });

  it("merges the chosen overlay: objects by key, lists replaced, null removes", () => {
    const spec = `${BASE.replace("    port: 8080", "    port: 8080\n    route: /api\n    uses: [mongodb]")}environments:\n  dev:\n    services:\n      api: { route: null, uses: [], replicas: 1 }\n`;
    const r = loadSpec(spec, { env: "dev" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const api = r.value.spec.services?.api;
    expect(api?.route).toBeUndefined();
    expect(api?.uses).toEqual([]);
    expect(api?.replicas).toBe(1);
    expect(api?.image).toBe("api:1.0.0");
  });

  it("reports every error of a spec at once, schema and cross-field alike", () => {
    const spec = `app: Bad
servics: {}
services:
  api:
    image: api:1
    port: 8080
    uses: [mongo]
    health: { grpc: "yes" }
backing:
  mongodb: { type: mongodb, buckets: [a] }
  pg: { type: postgres }
`;
    const codes = errorsOf(spec)
      .map((d) => d.code)
      .sort();
    expect(codes).toEqual([
      "spec/invalid-name",
      "spec/invalid-type",
      "spec/invalid-value",
      "spec/option-not-supported",
      "spec/unknown-field",
      "spec/unknown-reference",
    ]);
  });
});

describe("YAML reading", () => {
  it("reads merge keys and anchors like the position-keeping parser", () => {
    const withAnchor = loadSpec(`app: demo
services:
  api: &api { image: api:1.0.0, port: 8080 }
  web:
    <<: *api
    port: 9090
`);
    expect(withAnchor.ok).toBe(true);
    if (withAnchor.ok)
      expect(withAnchor.value.spec.services?.web).toEqual({ image: "api:1.0.0", port: 9090 });
  });

  it("keeps YAML 1.2 types: yes/on stay strings, dates stay strings", () => {
    const r = loadSpec(`app: demo
config: { A: yes, B: on, C: 2024-01-02 }
`);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.spec.config).toEqual({ A: "yes", B: "on", C: "2024-01-02" });
  });
});

describe("where diagnostics point", () => {
  it("points at an entry's name when the problem is the whole entry", () => {
    const r = loadSpec("app: demo\nworkers:\n  mailer:\n    image: m:1.0.0\n", { file: "k.yaml" });
    const d = r.diagnostics.find((x) => x.code === "spec/worker-without-health");
    expect(d?.position).toEqual({ file: "k.yaml", line: 3, column: 3 });
  });

  it("gives no place in the file to an environment named only on the command line", () => {
    const d = one(BASE, "spec/unknown-environment", "nope");
    expect(d.position).toBeUndefined();
  });

  it("says 'greater than 0' where zero is not allowed", () => {
    const d = one(BASE.replace("{ type: mongodb }", "{ type: mongodb, storage: 0 }"), "spec/out-of-range");
    expect(d.message).toBe("number 0 is too small: must be > 0");
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { backingTypeOf, importCompose } from "../../src/import/compose.js";
import { ROOT } from "../helpers/render.js";
import { runCli } from "../helpers/cli.js";

const run = (args: string[]) => runCli(args);

const compose = join(ROOT, "test/fixtures/docker-compose.yml");

describe("kubeship import", () => {
  it("knows the well-known images, with or without registry and tag", () => {
    const cases: [string, string | undefined][] = [
      ["postgres:15-alpine", "postgresql"],
      ["mysql:8.0", "mysql"],
      ["mariadb:11", "mysql"],
      ["mongo:7", "mongodb"],
      ["redis", "redis"],
      ["rabbitmq:3-management", "rabbitmq"],
      ["confluentinc/cp-kafka:7.5.0", "kafka"],
      ["bitnami/kafka:3.7", "kafka"],
      ["zookeeper:3.9", "zookeeper"],
      ["docker.elastic.co/elasticsearch/elasticsearch:8.11.0", "elasticsearch"],
      ["minio/minio:RELEASE.2024-01-01T00-00-00Z", "minio"],
      ["cassandra:4.1", "cassandra"],
      ["nats:2.10", "nats"],
      ["registry.example.com/shop/api:1.0.0", undefined],
    ];
    for (const [image, type] of cases) expect(backingTypeOf(image), image).toBe(type);
  });

  it("turns a Compose file into a spec that renders, and lists what it could not translate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeship-import-"));
    const out = join(dir, "kubeship.yaml");
    const r = await run(["import", compose, "-o", out]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, "utf8");
    const rendered = renderSpec(text, { file: out });
    expect(rendered.ok, JSON.stringify(rendered.diagnostics)).toBe(true);
    const spec = parse(text) as {
      app: string;
      services: Record<
        string,
        {
          image: string;
          port: number;
          uses?: string[];
          secrets?: string[];
          health?: string;
          replicas?: number;
        }
      >;
      workers: Record<string, { args?: string[]; uses?: string[] }>;
      backing: Record<string, { type: string; version?: string; database?: string; uses?: string[] }>;
    };
    expect(spec.app).toBe("webshop");
    // Services have ports, workers none; built images get a placeholder to replace.
    expect(Object.keys(spec.services).sort()).toEqual(["api", "frontend"]);
    expect(Object.keys(spec.workers)).toEqual(["worker"]);
    expect(spec.services.api).toMatchObject({
      image: "api:0.1.0",
      port: 8000,
      health: "/healthz",
      replicas: 2,
      secrets: ["JWT_SECRET", "SMTP_PASS"],
    });
    // depends_on and the hosts in the environment become uses.
    expect(spec.services.api?.uses).toEqual(["cache", "db", "kafka"]);
    expect(spec.services.frontend?.uses).toEqual(["api"]);
    expect(spec.workers.worker).toMatchObject({
      args: ["celery", "-A", "shop", "worker", "--loglevel=info"],
      uses: ["rabbit", "storage"],
    });
    // Well-known images become backing services of the right type, versions mapped to the catalog.
    expect(spec.backing).toEqual({
      db: { type: "postgresql", version: "15", database: "shop", storage: "10Gi" },
      cache: { type: "redis", version: "7.4" },
      rabbit: { type: "rabbitmq", version: "3.13" },
      zookeeper: { type: "zookeeper" },
      kafka: { type: "kafka", uses: ["zookeeper"] },
      storage: { type: "minio", storage: "20Gi" },
      search: { type: "elasticsearch" },
    });
    // No secret value from the Compose file reaches the spec.
    expect(text).not.toContain("change-me");
    expect(text).not.toContain("hunter2-plain");
    expect(text).not.toMatch(/POSTGRES_PASSWORD: secret/);
    for (const reason of [
      "search (privileged)",
      "api (build)",
      "(file) (volumes.unused)",
      "worker (volumes)",
    ]) {
      expect(text).toContain(`# - ${reason}`);
      expect(r.err).toContain(`note: ${reason}`);
    }
    // And the result lints clean.
    const lint = await run(["lint", "--spec", out]);
    expect(lint.out).toMatch(/objects: 0 errors, 0 warnings/);
    // An existing spec is never overwritten by accident.
    const again = await run(["import", compose, "-o", out]);
    expect(again.code).toBe(2);
    expect(again.err).toContain("--force");
  });

  it("reports a Compose file it cannot read with its place", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeship-import-"));
    const bad = join(dir, "compose.yml");
    writeFileSync(bad, "services:\n  api:\n    image: [oops\n");
    const r = await run(["import", bad, "-o", "-"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/compose\.yml:\d+:\d+/);
    expect(importCompose({ services: {} }, "x").spec).toEqual({
      app: "x",
      security: { networkPolicies: true },
    });
  });
});

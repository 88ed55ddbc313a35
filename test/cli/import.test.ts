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

describe("kubeship import of what real Compose files hold", () => {
  const HOSTILE = `name: django
services:
  web:
    image: ghcr.io/acme/web:\${TAG:-2.1.0}
    ports: ["8000:8000"]
    environment:
      DJANGO_SECRET_KEY: insecure-dev-key
      AWS_SECRET_ACCESS_KEY: abc123abc123
      STRIPE_SECRET_KEY: sk_live_123
      ENCRYPTION_KEY: k3y-material
      GITHUB_PAT: ghp_123456
      S3_ACCESS_KEY: minioadmin
      S3_SECRET_KEY: minioadmin
      SMTP_URL: smtp://mailer:hunter2@smtp.example.com:587
      DB_PASSWORD: pgpass
      API_BASE: \${API_BASE}
      LOG_LEVEL: info
    secrets: [jwt]
    depends_on:
      db: { condition: service_healthy }
      createbuckets: { condition: service_completed_successfully }
    deploy:
      resources:
        limits: { cpus: "0.05", memory: 64M }
  celery:
    image: ghcr.io/acme/web:2.1.0
    command: celery -A app worker
    environment:
      DJANGO_SECRET_KEY: insecure-dev-key
  createbuckets:
    image: minio/mc:RELEASE.2024-11-17T19-35-25Z
    depends_on: [minio]
    entrypoint: >
      /bin/sh -c "mc alias set local http://minio:9000 minioadmin minioadmin; mc mb --ignore-existing local/uploads; mc mb local/reports"
  migrate:
    image: ghcr.io/acme/web:2.1.0
    command: python manage.py migrate
    depends_on: [db]
  proxy:
    image: nginx:1.27
    ports: ["80:80"]
  9gag-importer:
    image: ghcr.io/acme/importer:1.0.0
  ${"x".repeat(70)}:
    image: ghcr.io/acme/long:1.0.0
  mailhog:
    image: mailhog/mailhog:v1.0.1
    profiles: [dev]
  db:
    image: postgres:16
    environment: { POSTGRES_PASSWORD: pgpass, POSTGRES_DB: app }
  redis-master:
    image: redis:7
  redis-replica:
    image: redis:7
    depends_on: [redis-master]
  minio:
    image: minio/minio:RELEASE.2024-11-07T00-52-20Z
secrets:
  jwt: { file: ./jwt.txt }
`.replace("  migrate:", '  migrate:\n    restart: "no"');

  it("never copies a credential, turns one-shot containers into jobs or buckets, and renders", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeship-import-"));
    const file = join(dir, "compose.yml");
    writeFileSync(
      file,
      HOSTILE.replace("depends_on: [db]\n", "depends_on: [db]\n").replace("  web:\n", "  web:\n"),
    );
    const r = await run(["import", file, "-o", "-", "--app", "django"]);
    expect(r.err).not.toContain("please report");
    expect(r.code, r.err).toBe(0);
    for (const value of [
      "insecure-dev-key",
      "abc123abc123",
      "sk_live_123",
      "k3y-material",
      "ghp_123456",
      "hunter2",
      "pgpass",
      "minioadmin",
    ])
      expect(r.out, value).not.toContain(value);
    const spec = parse(r.out) as {
      services: Record<
        string,
        {
          image: string;
          secrets?: string[];
          env?: Record<string, string>;
          resources?: unknown;
          uses?: string[];
        }
      >;
      workers: Record<string, { secrets?: string[] }>;
      jobs?: Record<string, { before?: string[] }>;
      backing: Record<string, { type: string; buckets?: string[]; uses?: string[] }>;
      secrets: { shared?: string[]; supplied?: string[] };
    };
    expect(spec.services.web?.image).toBe("ghcr.io/acme/web:2.1.0");
    expect(spec.services.web?.secrets).toEqual(
      [
        "AWS_SECRET_ACCESS_KEY",
        "DJANGO_SECRET_KEY",
        "ENCRYPTION_KEY",
        "GITHUB_PAT",
        "JWT",
        "SMTP_URL",
        "STRIPE_SECRET_KEY",
      ].sort(),
    );
    expect(spec.secrets.shared).toEqual(["DJANGO_SECRET_KEY"]);
    expect(spec.secrets.supplied).toEqual([
      "AWS_SECRET_ACCESS_KEY",
      "GITHUB_PAT",
      "JWT",
      "SMTP_URL",
      "STRIPE_SECRET_KEY",
    ]);
    expect(spec.services.web?.env).toEqual({ API_BASE: "", LOG_LEVEL: "info" });
    // Kubernetes' own rule: a limit without a request requests the limit.
    expect(spec.services.web?.resources).toEqual({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "50m", memory: "64Mi" },
    });
    expect(spec.backing.minio?.buckets).toEqual(["reports", "uploads"]);
    expect(Object.keys(spec.services).concat(Object.keys(spec.workers))).not.toContain("createbuckets");
    expect(spec.backing["redis-replica"]?.uses).toBeUndefined();
    expect(Object.keys(spec.workers)).toContain("s-9gag-importer");
    expect(Object.keys(spec.workers).some((n) => n.startsWith("xxxx") && n.length <= 54)).toBe(true);
    expect(r.out).not.toContain("mailhog:");
    for (const reason of [
      "mailhog (profiles)",
      "redis-replica (depends_on): depends on redis-master, another redis",
      "proxy (ports): port 80",
      "web (secrets.jwt)",
      "createbuckets (command): creates buckets uploads, reports",
    ])
      expect(r.err).toContain(`note: ${reason}`);
  });

  it("refuses a Compose value that would become fields in kubectl's reader", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeship-import-"));
    const file = join(dir, "compose.yml");
    writeFileSync(file, 'services:\n  api:\n    image: a/b:1.0.0\n    environment:\n      X: "a\\u2028b"\n');
    // Written as an escape, the value is data: imported and written back as an escape.
    const ok = await run(["import", file, "-o", "-"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('"a\\u2028b"');
    writeFileSync(
      file,
      "services:\n  api:\n    image: a/b:1.0.0\n    environment:\n      X: |\n        a\u2028      command: [sh]\n",
    );
    const raw = await run(["import", file, "-o", "-"]);
    expect(raw.code).toBe(2);
    expect(raw.err).toContain("LINE SEPARATOR");
  });
});

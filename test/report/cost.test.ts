import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { costOf, DEFAULT_PRICES, type PriceTable } from "../../src/report/cost.js";

/**
 * `kubeship cost` against a hand computation: for every example, each row written out from the
 * spec (services' requests and autoscale ranges) and the presets' documented sizes (docs/catalog.md:
 * PostgreSQL 250m/512Mi, exporter sidecars 10m/32Mi, ...), priced with the formula of docs/cost.md:
 * per month = (CPU x $/CPU-hour + GiB x $/GiB-hour) x 730 + volume GiB x $/GiB-month.
 */
interface Hand {
  readonly node: string;
  /** The pods of each of its objects: [count at min, count at max, cores per pod, GiB per pod, volume GiB per pod]. */
  readonly pods: readonly (readonly [number, number, number, number, number])[];
}

const Mi = 1 / 1024;
const exporter = { cpu: 0.01, mem: 32 * Mi };
const service = (node: string, min: number, max: number, cpu = 0.25, mem = 256 * Mi): Hand => ({
  node,
  pods: [[min, max, cpu, mem, 0]],
});
const one = (node: string, n: number, cpu: number, mem: number, volume: number): Hand => ({
  node,
  pods: [[n, n, cpu, mem, volume]],
});

const HAND: Readonly<Record<string, readonly Hand[]>> = {
  // Every service: 250m/256Mi, autoscale 2-10.
  "shop.kubeship.yaml": [
    service("analytics-service", 2, 10),
    service("notification-service", 2, 10),
    service("order-service", 2, 10),
    service("product-service", 2, 10),
    service("user-service", 2, 10),
    one("cassandra", 1, 0.5, 2, 10),
    one("elasticsearch", 1, 0.5 + exporter.cpu, 1.5 + exporter.mem, 10),
    // Kafka's broker, and its exporter as a Deployment of its own.
    {
      node: "kafka",
      pods: [
        [1, 1, 0.25, 1, 10],
        [1, 1, exporter.cpu, exporter.mem, 0],
      ],
    },
    one("mongodb", 1, 0.25 + exporter.cpu, 0.5 + exporter.mem, 10),
    one("postgres", 1, 0.25 + exporter.cpu, 0.5 + exporter.mem, 10),
    one("redis", 1, 0.1 + exporter.cpu, 0.25 + exporter.mem, 5),
    one("zookeeper", 1, 0.1, 0.5, 5),
  ],
  "codeplatform.kubeship.yaml": [
    service("agent-runtime", 2, 10, 0.5, 1),
    service("auth", 2, 10),
    service("gateway", 2, 10),
    service("llm-proxy", 2, 10),
    service("task-runner", 2, 10),
    one("mongodb", 3, 0.25 + exporter.cpu, 0.5 + exporter.mem, 10),
    // A primary and two read replicas, 20Gi each.
    {
      node: "postgres",
      pods: [
        [1, 1, 0.25 + exporter.cpu, 0.5 + exporter.mem, 20],
        [2, 2, 0.25 + exporter.cpu, 0.5 + exporter.mem, 20],
      ],
    },
    one("rabbitmq", 3, 0.25, 0.5, 5),
    // Three Redis pods and three Sentinels (64Mi claims).
    {
      node: "redis",
      pods: [
        [3, 3, 0.1 + exporter.cpu, 0.25 + exporter.mem, 5],
        [3, 3, 0.1, 0.25, 64 * Mi],
      ],
    },
    one("workspaces", 4, 0.25, 0.5, 50),
  ],
  "medaudit.kubeship.yaml": [
    service("api", 2, 6, 0.1, 128 * Mi),
    one("celery", 2, 0.5, 0.5, 0),
    one("postgres", 1, 0.25, 0.5, 20),
    one("redis", 1, 0.1, 0.25, 5),
  ],
  "minitoolstream.kubeship.yaml": [
    service("minitoolstream-egress", 3, 10),
    service("minitoolstream-ingress", 3, 10),
    one("minio", 1, 0.25, 0.5, 50),
    one("tarantool", 1, 0.25, 0.5, 10),
  ],
};

function handCost(h: Hand, p: PriceTable): { min: number; max: number } {
  const at = (pick: 0 | 1): number =>
    h.pods.reduce(
      (sum, pod) =>
        sum +
        pod[pick] * (pod[2] * p.cpuHour + pod[3] * p.memoryGiBHour) * 730 +
        pod[1] * pod[4] * p.storageGiBMonth,
      0,
    );
  return { min: at(0), max: at(1) };
}

const render = (file: string, env?: string) => {
  const r = renderSpec(readFileSync(join("examples", file), "utf8"), env === undefined ? {} : { env });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
};

describe("kubeship cost", () => {
  const custom: PriceTable = {
    currency: "EUR",
    cpuHour: 0.05,
    memoryGiBHour: 0.007,
    storageGiBMonth: 0.2,
    source: "test",
  };
  for (const [file, hand] of Object.entries(HAND))
    for (const prices of [DEFAULT_PRICES, custom])
      it(`${file} matches the hand computation (${prices.currency})`, () => {
        const app = render(file);
        const report = costOf(app.model, app.objects, prices);
        const always = report.rows.filter((r) => r.runs === "always");
        expect(always.map((r) => r.node).sort()).toEqual(hand.map((h) => h.node).sort());
        for (const h of hand) {
          const row = always.find((r) => r.node === h.node);
          const expected = handCost(h, prices);
          expect(row?.min, h.node).toBeCloseTo(expected.min, 9);
          expect(row?.max, h.node).toBeCloseTo(expected.max, 9);
          expect(row?.podsMin).toBe(h.pods.reduce((n, p) => n + p[0], 0));
          expect(row?.podsMax).toBe(h.pods.reduce((n, p) => n + p[1], 0));
        }
        const total = hand.map((h) => handCost(h, prices));
        expect(report.totalMin).toBeCloseTo(
          total.reduce((s, c) => s + c.min, 0),
          9,
        );
        expect(report.totalMax).toBeCloseTo(
          total.reduce((s, c) => s + c.max, 0),
          9,
        );
      });

  it("prices a Job per hour it runs, outside the totals", () => {
    const app = render("medaudit.kubeship.yaml");
    const report = costOf(app.model, app.objects);
    const migrate = report.rows.find((r) => r.node === "migrate");
    expect(migrate?.runs).toBe("per-run");
    expect(migrate?.min).toBeCloseTo(0.1 * 0.0316 + 0.125 * 0.0042, 12);
  });

  it("follows the environment: dev without autoscaling costs its fixed replicas", () => {
    const app = render("shop.kubeship.yaml", "dev");
    const report = costOf(app.model, app.objects);
    const order = report.rows.find((r) => r.node === "order-service");
    expect([order?.podsMin, order?.podsMax]).toEqual([1, 1]);
    expect(order?.min).toBeCloseTo((0.25 * 0.0316 + 0.25 * 0.0042) * 730, 9);
  });

  it("prices operators' resources by their own fields (CloudNativePG, Strimzi, ECK, RabbitMQ)", () => {
    const r = renderSpec(readFileSync("test/fixtures/operators.kubeship.yaml", "utf8"), { env: "prod" });
    if (!r.ok) throw new Error("render");
    const rows = costOf(r.value.model, r.value.objects).rows;
    const by = (n: string) => rows.find((row) => row.node === n);
    // Cluster: 3 instances of 250m/512Mi with 20Gi each.
    expect(by("ledger-db")?.min).toBeCloseTo(3 * (0.25 * 0.0316 + 0.5 * 0.0042) * 730 + 60 * 0.1, 9);
    // KafkaNodePool: 3 replicas of 250m/1Gi with a 10Gi volume each.
    expect(by("events")?.min).toBeCloseTo(3 * (0.25 * 0.0316 + 1 * 0.0042) * 730 + 30 * 0.1, 9);
    // Elasticsearch: a node set of 3 pods of 500m/1536Mi, 10Gi claims.
    expect(by("search")?.min).toBeCloseTo(3 * (0.5 * 0.0316 + 1.5 * 0.0042) * 730 + 30 * 0.1, 9);
    // RabbitmqCluster: 3 replicas of 250m/512Mi with 5Gi each.
    expect(by("jobs-queue")?.min).toBeCloseTo(3 * (0.25 * 0.0316 + 0.5 * 0.0042) * 730 + 15 * 0.1, 9);
  });
});

describe("kubeship cost (CLI)", () => {
  const bin = join(process.cwd(), "bin/kubeship.js");
  it("prints the table and a price file replaces the default", () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeship-cost-"));
    writeFileSync(join(dir, "prices.yaml"), "currency: EUR\ncpuHour: 0.05\n");
    const out = execFileSync(
      "node",
      [
        bin,
        "cost",
        "examples/medaudit.kubeship.yaml",
        "--prices",
        join(dir, "prices.yaml"),
        "--format",
        "json",
      ],
      { encoding: "utf8" },
    );
    const report = JSON.parse(out) as { prices: PriceTable; rows: { node: string; min: number }[] };
    expect(report.prices).toMatchObject({ currency: "EUR", cpuHour: 0.05, memoryGiBHour: 0.0042 });
    expect(report.rows.find((r) => r.node === "celery")?.min).toBeCloseTo(
      2 * (0.5 * 0.05 + 0.5 * 0.0042) * 730,
      9,
    );
    const table = execFileSync("node", [bin, "cost", "examples/medaudit.kubeship.yaml"], {
      encoding: "utf8",
    });
    expect(table).toMatch(/^celery\s+workload\s+2\s+1\s+1Gi\s+-\s+\$26\.13$/m);
    expect(table).toContain("TOTAL per month");
  });

  it("refuses a wrong price file with a located error, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeship-cost-"));
    writeFileSync(join(dir, "prices.yaml"), "currency: EUR\ncpuHour: -1\nmemory: 3\n");
    const r = spawnSync(
      "node",
      [bin, "cost", "examples/medaudit.kubeship.yaml", "--prices", join(dir, "prices.yaml")],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/prices\.yaml:2:\d+ error/);
    expect(r.stderr).toMatch(/prices\.yaml:3:\d+ error/);
    expect(r.stdout).toBe("");
  });
});

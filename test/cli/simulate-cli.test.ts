import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/render.js";
import { runCli } from "../helpers/cli.js";

const run = (args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), "kubeship-sim-"));
const load = join(dir, "load.csv");
writeFileSync(load, "seconds,rps\n0,50\n300,900\n1200,50\n");
const shop = join(ROOT, "examples/shop.kubeship.yaml");

describe("kubeship simulate", () => {
  it("replays the load through the rendered autoscaler of a service (json)", async () => {
    const r = await run([
      "simulate",
      shop,
      "--service",
      "order-service",
      "--load",
      load,
      "--capacity",
      "100",
      "--format",
      "json",
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      points: { t: number; replicas: number }[];
      peak: { replicas: number; cpu: number };
      minReplicas: number;
      maxReplicas: number;
    };
    // As rendered for the shop: min 2, max 10, CPU 70%, 250m CPU per pod.
    expect(json).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(json.points[0]).toEqual({ t: 0, rps: 50, replicas: 2, ready: 2, utilization: 25 });
    expect(json.points.every((p, i) => p.t === i * 15)).toBe(true);
    expect(json.peak.replicas).toBe(10);
    expect(json.peak.cpu).toBeCloseTo(2.5);
    expect(json.points.at(-1)?.replicas).toBe(2);
  });

  it("prints a table and writes a chart", async () => {
    const table = await run(["simulate", shop, "-s", "order-service", "-l", load, "-c", "100"]);
    expect(table.out).toMatch(/^ *time +rps +replicas +ready +cpu %$/m);
    expect(table.out).toContain("peak: 10 replicas, requesting 2.5 CPU and 2.5Gi memory");
    const svg = join(dir, "chart.svg");
    expect(
      (
        await run([
          "simulate",
          shop,
          "-s",
          "order-service",
          "-l",
          load,
          "-c",
          "100",
          "--format",
          "svg",
          "-o",
          svg,
        ])
      ).code,
    ).toBe(0);
    const text = readFileSync(svg, "utf8");
    expect(text.startsWith("<svg")).toBe(true);
    expect(text).toContain("HPA simulation: order-service");
    expect(text).toContain("max 10");
  });

  it("explains what cannot be simulated", async () => {
    const typo = await run(["simulate", shop, "-s", "order-servce", "-l", load, "-c", "100"]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("did you mean 'order-service'?");
    const fixed = await run([
      "simulate",
      join(ROOT, "test/fixtures/kitchen-sink.kubeship.yaml"),
      "-s",
      "raw",
      "-l",
      load,
      "-c",
      "100",
    ]);
    expect(fixed.code).toBe(2);
    expect(fixed.err).toContain("'raw' has no HorizontalPodAutoscaler");
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "0,10\nsixty,5\n");
    const badLoad = await run(["simulate", shop, "-s", "order-service", "-l", bad, "-c", "100"]);
    expect(badLoad.code).toBe(2);
    expect(badLoad.err).toContain(`${bad}:2:1`);
    expect((await run(["simulate", shop, "-s", "order-service", "-l", load, "-c", "0"])).code).toBe(2);
  });
});

describe("kubeship simulate with hostile input", () => {
  const profile = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const sim = (file: string, spec = shop) =>
    run(["simulate", spec, "--service", "order-service", "--load", file, "--capacity", "100"]);

  it("refuses a profile longer than it replays, at its row, with exit 2 (no stack overflow, no hours of work)", async () => {
    for (const t of ["10000000", "1000000000", "1e308"]) {
      const r = await sim(profile(`long-${t}.csv`, `0,100\n${t},100\n`));
      expect(r.code, t).toBe(2);
      expect(r.err).toMatch(/long-[^:]+\.csv:2:1 error /);
    }
  });

  it("replays a month-long profile of many rows in bounded time", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i * 130},${(i % 50) * 40}`).join("\n");
    const r = await sim(profile("month.csv", `0,0\n${rows.replace(/^0,0\n/, "")}\n`));
    expect(r.code).toBe(0);
  });

  it("says which row is wrong instead of 'no rows', and one error per mistake", async () => {
    const abc = await sim(profile("abc.csv", "0,abc\n"));
    expect(abc.code).toBe(2);
    expect(abc.err).toContain('expected two numbers "seconds,rps", got "0,abc"');
    expect(abc.err).not.toContain("no rows");
    const negative = await sim(profile("neg.csv", "-5,10\n60,20\n"));
    expect(negative.code).toBe(2);
    expect(negative.err).toContain("cannot be negative");
    expect(negative.err).not.toContain("must start at second 0");
  });

  it("refuses an autoscaler with more pods than it follows", async () => {
    const spec = join(dir, "huge.yaml");
    writeFileSync(
      spec,
      "app: huge\nservices:\n  order-service:\n    image: o:1.0.0\n    port: 80\n    autoscale: { min: 2, max: 2000000000 }\n",
    );
    const r = await sim(profile("ok.csv", "0,100\n"), spec);
    expect(r.code).toBe(2);
    expect(r.err).toContain("simulate follows at most 10000");
  });
});

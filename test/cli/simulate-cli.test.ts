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
      "-f",
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
      (await run(["simulate", shop, "-s", "order-service", "-l", load, "-c", "100", "-f", "svg", "-o", svg]))
        .code,
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

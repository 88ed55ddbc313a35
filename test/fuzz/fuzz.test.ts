import { describe, expect, it } from "vitest";
import { runFuzz } from "./fuzz.js";
import { attacks, fuzzCases } from "./generate.js";
import { fuzzSeeds } from "./seeds.js";

// The short run of the suite: a fixed seed, so that a failure here is the same failure everywhere.
// `npm run fuzz` runs more cases and other seeds before a release (docs/testing.md records both).
const SEED = 20261203;
const CASES = 240;

describe("fuzzing render, import and lint", () => {
  it(`keeps every oracle on ${CASES} mutated cases and the hand-written attacks (seed ${SEED})`, async () => {
    const cases = [...attacks(1), ...fuzzCases(fuzzSeeds(), SEED, CASES)];
    const report = await runFuzz(cases, { watchdogMs: 30_000, maxRssMb: 1500 });
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(cases.length);
    // The run is worth something only if cases got through render and failed in it both.
    expect(report.exitCodes["render 0"] ?? 0).toBeGreaterThan(10);
    expect(report.exitCodes["render 2"] ?? 0).toBeGreaterThan(10);
  }, 900_000);
});

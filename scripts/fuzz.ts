// The longer fuzz run, for before a release: `npm run fuzz -- [--seed N] [--cases N] [--scale K]`.
// The suite runs a short one with a fixed seed (test/fuzz/fuzz.test.ts); this one runs more cases,
// larger attacks (--scale) and any seed, prints what it tried and every distinct failure, and exits 1
// when an oracle failed. Record the totals in docs/testing.md.
import { runFuzz } from "../test/fuzz/fuzz.js";
import { attacks, fuzzCases } from "../test/fuzz/generate.js";
import { fuzzSeeds } from "../test/fuzz/seeds.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
};
const seed = arg("seed", Date.now() % 1_000_000_007);
const count = arg("cases", 3000);
const scale = arg("scale", 5);
const cases = [...attacks(scale), ...fuzzCases(fuzzSeeds(), seed, count)];
process.stderr.write(`fuzz: seed ${seed}, ${cases.length} cases (attacks at scale ${scale})\n`);
const report = await runFuzz(cases, { watchdogMs: 60_000, maxRssMb: 1500 });
const distinct = new Map<string, (typeof report.failures)[number]>();
for (const f of report.failures) distinct.set(`${f.oracle}|${f.detail.slice(0, 80)}`, f);
process.stdout.write(
  `${JSON.stringify({ seed, ...report, failures: report.failures.length, distinctFailures: distinct.size }, null, 2)}\n`,
);
for (const f of distinct.values()) process.stdout.write(`${f.id} [${f.oracle}] ${f.how}\n    ${f.detail}\n`);
process.exitCode = report.failures.length > 0 ? 1 : 0;

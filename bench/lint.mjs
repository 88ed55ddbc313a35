// Lint benchmark: `kubeship lint` of a generated corpus of OBJECTS objects (default 100,000), end to end
// in one process: reading the files, parsing the YAML, schemas, every rule. The corpus is the rendered
// shop, minitoolstream and kitchen-sink apps, copied into as many namespaces as it takes, one multi-document
// file per copy, so that cross-object rules see realistic namespaces. Wall time is the median of RUNS runs,
// peak memory the largest max RSS (the kernel's, via python3's getrusage on children).
// Results are printed and written between the markers in docs/benchmarks.md.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const work = mkdtempSync(join(tmpdir(), "kubeship-bench-lint-"));
execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });

const cli = join(root, "bin/kubeship.js");
const specs = [
  "examples/shop.kubeship.yaml",
  "examples/minitoolstream.kubeship.yaml",
  "test/fixtures/kitchen-sink.kubeship.yaml",
];
const streams = specs.map((s) =>
  execFileSync(process.execPath, [cli, "render", join(root, s)], { encoding: "utf8", maxBuffer: 1 << 28 }),
);
const namespaces = streams.map((s) => /^kind: Namespace\nmetadata:\n {2}name: (\S+)/m.exec(s)?.[1]);
const counts = streams.map((s) => s.match(/^kind: /gm).length);

const corpus = join(work, "corpus");
mkdirSync(corpus);
let objects = 0;
let bytes = 0;
let files = 0;
for (let copy = 0; objects < OBJECTS; copy++) {
  files++;
  const i = copy % streams.length;
  const text = streams[i].replaceAll(namespaces[i], `${namespaces[i]}-${copy}`);
  writeFileSync(join(corpus, `app-${String(copy).padStart(5, "0")}.yaml`), text);
  objects += counts[i];
  bytes += text.length;
}

// A second corpus: the first 300 copies with their namespaces removed, so that some 25,000 objects
// share one implicit namespace and every copy's labels and default-deny policies collide. Lint must
// stay near-linear there too (it once took 130 s: every pod against every policy and Service).
const flat = join(work, "flat");
mkdirSync(flat);
let flatObjects = 0;
for (let copy = 0; copy < Math.min(files, 300); copy++) {
  const i = copy % streams.length;
  const text = streams[i]
    .replaceAll(namespaces[i], `${namespaces[i]}-${copy}`)
    .replace(/^ {2}namespace: .*\n/gm, "");
  writeFileSync(join(flat, `app-${String(copy).padStart(5, "0")}.yaml`), text);
  flatObjects += counts[i];
}

function measure(args, env = {}, ok = [0]) {
  const times = [];
  let peak = 0;
  let out = "";
  const probe =
    "import resource,subprocess,sys,time\nt=time.perf_counter();r=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE);e=time.perf_counter()-t\nsys.stderr.write(r.stdout.decode()[-4000:])\nprint(r.returncode, e*1000, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync("python3", ["-c", probe, process.execPath, cli, ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
      env: { ...process.env, ...env },
    });
    const [code, ms, kb] = r.stdout.trim().split(" ").map(Number);
    if (!ok.includes(code)) throw new Error(`lint failed (${code}): ${r.stderr}`);
    out = r.stderr;
    times.push(ms);
    peak = Math.max(peak, kb / 1024);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], mb: peak, out };
}

const runs = [
  ["one thread (KUBESHIP_LINT_WORKERS=1)", measure(["lint", corpus], { KUBESHIP_LINT_WORKERS: "1" })],
  [
    "2 worker threads, each reading and parsing its share, sharded by namespace (the default on 2 cores)",
    measure(["lint", corpus]),
  ],
];
// Lint's summary line (`N objects: E errors, ...`), not the notes printed after it.
const summaryOf = (out) => {
  const lines = out.trim().split("\n");
  return lines.findLast((l) => /^[\d,]+ objects?:/.test(l)) ?? lines.at(-1);
};
const summary = summaryOf(runs[1][1].out);
// Findings are expected there (exit code 1): the copies' policies block each other's connections.
const flatRun = measure(["lint", flat], {}, [1]);
const rows = [
  `Corpus: ${files} files, the ${namespaces.length} example apps copied into ${files} namespaces, ${objects.toLocaleString("en")} objects, ${(bytes / 1e6).toFixed(0)} MB of YAML.`,
  "",
  `| kubeship lint | wall time (median of ${RUNS}) | objects/s | peak RSS |`,
  "|---|---:|---:|---:|",
  ...runs.map(
    ([how, r]) =>
      `| ${how} | ${(r.ms / 1000).toFixed(2)} s | ${Math.round(objects / (r.ms / 1000)).toLocaleString("en")} | ${r.mb.toFixed(0)} MB |`,
  ),
  "",
  `The same copies without namespaces (${flatObjects.toLocaleString("en")} objects in one implicit namespace, where the copies' labels and default-deny policies collide): ${(flatRun.ms / 1000).toFixed(2)} s, ${Math.round(flatObjects / (flatRun.ms / 1000)).toLocaleString("en")} objects/s, peak ${flatRun.mb.toFixed(0)} MB (lint said: ${summaryOf(flatRun.out)}).`,
];
process.stdout.write(`${rows.join("\n")}\nlint said: ${summary}\n`);

const doc = join(root, "docs/benchmarks.md");
const text = readFileSync(doc, "utf8");
const start = "<!-- bench:lint:start -->";
const end = "<!-- bench:lint:end -->";
const block = `${start}\n${rows.join("\n")}\n\nMeasured by \`npm run bench:lint\` (${new Date().toISOString().slice(0, 10)}); lint's own summary: ${summary}.\n${end}`;
writeFileSync(
  doc,
  text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*${end}`), block) : `${text}\n${block}\n`,
);

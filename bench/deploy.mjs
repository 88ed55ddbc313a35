// Deploy benchmark on the local control plane (npm run test-cluster -- up): the shop (monitoring off,
// since the test cluster has no prometheus-operator CRDs) from nothing to all-Ready, three ways:
//   kubeship deploy --yes
//   kubectl apply -f <rendered dir> then kubectl wait / rollout status for every workload
//   helm install --wait of the chart kubeship renders
// Each run uses a fresh namespace; wall time is the median of RUNS runs. API requests: kubeship
// counts its own; kubectl's are counted from its -v=6 request log; helm does not report them.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureHelm } from "../test/tools/helm.mjs";
import { up } from "../test/cluster/cluster.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const kubeconfig = up();
const env = { ...process.env, KUBECONFIG: kubeconfig };
const helm = ensureHelm();
const work = mkdtempSync(join(tmpdir(), "kubeship-deploy-bench-"));
execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
const kubeship = join(root, "bin/kubeship.js");
const base = readFileSync(join(root, "examples/shop.kubeship.yaml"), "utf8").replace(
  /monitoring:\n(  .*\n)+/,
  "monitoring: { dashboard: true }\n",
);

function specFor(app) {
  const file = join(work, `${app}.yaml`);
  writeFileSync(file, base.replace("app: demo-app", `app: ${app}`));
  return file;
}

function time(fn) {
  const t = performance.now();
  const extra = fn();
  return { ms: performance.now() - t, ...extra };
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  return r;
}

const results = { kubeship: [], kubectl: [], helm: [] };
for (let i = 0; i < RUNS; i++) {
  const a = `bench-k-${i}-${Date.now().toString(36)}`;
  results.kubeship.push(
    time(() => {
      const r = sh(process.execPath, [
        kubeship,
        "deploy",
        specFor(a),
        "--yes",
        "--progress",
        "json",
        "--timeout",
        "5m",
      ]);
      const done = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .find((e) => e.type === "done");
      return { requests: done.requests };
    }),
  );
  const b = `bench-c-${i}-${Date.now().toString(36)}`;
  const dir = join(work, b);
  sh(process.execPath, [kubeship, "render", specFor(b), "-o", dir]);
  results.kubectl.push(
    time(() => {
      let requests = 0;
      const count = (r) =>
        (requests += (r.stderr.match(/ (GET|POST|PATCH|PUT|DELETE) https?:\/\//g) ?? []).length);
      count(sh("kubectl", ["apply", "-f", dir, "-v=6"]));
      count(
        sh("kubectl", [
          "wait",
          "--for=condition=Available",
          "deployment",
          "--all",
          "-n",
          b,
          "--timeout=5m",
          "-v=6",
        ]),
      );
      count(
        sh("kubectl", [
          "wait",
          "--for=jsonpath={.status.readyReplicas}=1",
          "statefulset",
          "--all",
          "-n",
          b,
          "--timeout=5m",
          "-v=6",
        ]),
      );
      count(
        sh("kubectl", ["wait", "--for=condition=Complete", "job", "--all", "-n", b, "--timeout=5m", "-v=6"]),
      );
      return { requests };
    }),
  );
  const c = `bench-h-${i}-${Date.now().toString(36)}`;
  const chart = join(work, `chart-${c}`);
  sh(process.execPath, [kubeship, "render", specFor(c), "--format", "helm", "-o", chart]);
  results.helm.push(
    time(
      () => (
        sh(helm, [
          "install",
          c,
          chart,
          "--namespace",
          c,
          "--create-namespace",
          "--wait",
          "--wait-for-jobs",
          "--timeout",
          "5m",
        ]),
        {}
      ),
    ),
  );
  // Each run starts on a quiet cluster with a full pool of volumes: its namespaces go, and `up`
  // recycles the volumes their claims released.
  sh("kubectl", ["delete", "ns", a, b, c, "--wait=true", "--timeout=5m"]);
  up();
  process.stdout.write(
    `run ${i + 1}: kubeship ${results.kubeship.at(-1).ms.toFixed(0)} ms, kubectl ${results.kubectl.at(-1).ms.toFixed(0)} ms, helm ${results.helm.at(-1).ms.toFixed(0)} ms\n`,
  );
}

const median = (xs, f) => {
  const v = xs.map(f).sort((p, q) => p - q);
  return v[Math.floor(v.length / 2)];
};
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on the local control plane (Kubernetes 1.34, kwok nodes), the shop from nothing to all-Ready, median of ${RUNS} runs:`,
  "",
  "| how | wall time | API requests |",
  "| --- | ---: | ---: |",
  `| \`kubeship deploy --yes\` (ordered waves, watches, secrets, revision) | ${(median(results.kubeship, (r) => r.ms) / 1000).toFixed(1)} s | ${median(results.kubeship, (r) => r.requests)} |`,
  `| \`kubectl apply -f DIR\` + \`kubectl wait\` (deployments, statefulsets, jobs) | ${(median(results.kubectl, (r) => r.ms) / 1000).toFixed(1)} s | ${median(results.kubectl, (r) => r.requests)} |`,
  `| \`helm install --wait --wait-for-jobs\` of the rendered chart | ${(median(results.helm, (r) => r.ms) / 1000).toFixed(1)} s | not reported |`,
  "",
  `Each run, in ms: ${Object.entries(results)
    .map(([how, rs]) => `${how} ${rs.map((r) => r.ms.toFixed(0)).join(", ")}`)
    .join("; ")}.`,
].join("\n");
// Leave the cluster as it was: every namespace the benchmark made goes.
for (const ns of JSON.parse(sh("kubectl", ["get", "ns", "-o", "json"]).stdout)
  .items.map((n) => n.metadata.name)
  .filter((n) => n.startsWith("bench-")))
  sh("kubectl", ["delete", "ns", ns, "--wait=false"]);
const doc = join(root, "docs/benchmarks.md");
const text = readFileSync(doc, "utf8");
writeFileSync(
  doc,
  text.replace(
    /<!-- bench:deploy:start -->[\s\S]*?<!-- bench:deploy:end -->/,
    `<!-- bench:deploy:start -->\n${table}\n<!-- bench:deploy:end -->`,
  ),
);
process.stdout.write(`${table}\n`);

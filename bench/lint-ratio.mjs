// Side-by-side lint benchmark (issue 22): the same corpus, in the same run, through `kubeconform
// -strict` and `kubeship lint`, alternating runs, medians of RUNS. Absolute figures drift on a shared
// VM; the ratio of the two, measured together, does not. kubeconform is built from its Go module
// (test/tools/go-tools.mjs) and reads JSON schemas generated here, offline, from the Kubernetes
// OpenAPI document of the version lint checks (the same swagger.json lint's own schemas come from):
// one file per kind, strict (no unknown properties), with the definitions in one shared file.
// Results are printed and written between the markers in docs/benchmarks.md.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureGoInstall } from "../test/tools/go-tools.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const K8S = "v1.34.4";
const KUBECONFORM = "v0.7.0";

execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
const { RULES } = await import("../dist/lint/rules/index.js");
const kubeconform = ensureGoInstall(
  "github.com/yannh/kubeconform/cmd/kubeconform",
  KUBECONFORM,
  "kubeconform",
);

// Schemas in kubeconform's layout: <kind>-<group's first label>-<version>.json, core kinds <kind>-<version>.json.
const schemaDir = join(homedir(), ".cache", "kubeship", "tools", `kubeconform-schemas-${K8S}`);
if (!existsSync(join(schemaDir, "_definitions.json"))) {
  const info = JSON.parse(
    execFileSync("go", ["mod", "download", "-json", `k8s.io/kubernetes@${K8S}`], { encoding: "utf8" }),
  );
  const swagger = JSON.parse(
    execFileSync("unzip", ["-p", info.Zip, `k8s.io/kubernetes@${K8S}/api/openapi-spec/swagger.json`], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    }),
  );
  const strict = (s) => {
    if (Array.isArray(s)) return s.map(strict);
    if (s === null || typeof s !== "object") return s;
    const out = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === "$ref" && typeof v === "string")
        out[k] = v.replace("#/definitions/", "_definitions.json#/definitions/");
      else if (k === "format" && v === "int-or-string") continue;
      else out[k] = strict(v);
    }
    if (out.properties !== undefined && out.additionalProperties === undefined)
      out.additionalProperties = false;
    // IntOrString and Quantity accept both types, as the API server does.
    if (s["x-kubernetes-int-or-string"] === true) {
      delete out.type;
      out.anyOf = [{ type: "string" }, { type: "integer" }];
    }
    return out;
  };
  const defs = {};
  for (const [name, def] of Object.entries(swagger.definitions)) {
    defs[name] = strict(def);
    if (
      name === "io.k8s.apimachinery.pkg.util.intstr.IntOrString" ||
      name === "io.k8s.apimachinery.pkg.api.resource.Quantity"
    )
      defs[name] = { anyOf: [{ type: "string" }, { type: "number" }] };
  }
  mkdirSync(schemaDir, { recursive: true });
  writeFileSync(join(schemaDir, "_definitions.json"), JSON.stringify({ definitions: defs }));
  for (const [name, def] of Object.entries(swagger.definitions))
    for (const gvk of def["x-kubernetes-group-version-kind"] ?? []) {
      const suffix = gvk.group === "" ? `-${gvk.version}` : `-${gvk.group.split(".")[0]}-${gvk.version}`;
      writeFileSync(
        join(schemaDir, `${gvk.kind.toLowerCase()}${suffix}.json`),
        JSON.stringify({ $ref: `_definitions.json#/definitions/${name}` }),
      );
    }
}

// The corpus: the rendered examples (kinds kubeconform has schemas for: no CRDs), copied into namespaces.
const work = mkdtempSync(join(tmpdir(), "kubeship-bench-ratio-"));
const cli = join(root, "bin/kubeship.js");
const specs = [
  "examples/shop.kubeship.yaml",
  "examples/minitoolstream.kubeship.yaml",
  "examples/medaudit.kubeship.yaml",
];
const streams = specs.map((s) =>
  execFileSync(process.execPath, [cli, "render", join(root, s)], { encoding: "utf8", maxBuffer: 1 << 28 })
    .split(/^---$/m)
    .filter((d) => !/^kind: (ServiceMonitor|PrometheusRule|VerticalPodAutoscaler)$/m.test(d))
    .join("---"),
);
const namespaces = streams.map((s) => /^kind: Namespace\nmetadata:\n {2}name: (\S+)/m.exec(s)?.[1]);
const counts = streams.map((s) => s.match(/^kind: /gm).length);
const corpus = join(work, "corpus");
mkdirSync(corpus);
let objects = 0;
for (let copy = 0; objects < OBJECTS; copy++) {
  const i = copy % streams.length;
  writeFileSync(
    join(corpus, `app-${String(copy).padStart(5, "0")}.yaml`),
    streams[i].replaceAll(namespaces[i], `${namespaces[i]}-${copy}`),
  );
  objects += counts[i];
}

const tools = {
  kubeconform: [
    kubeconform,
    [
      "-strict",
      "-summary",
      "-schema-location",
      `${schemaDir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
      corpus,
    ],
  ],
  "kubeship lint": [process.execPath, [cli, "lint", corpus]],
};
const times = { kubeconform: [], "kubeship lint": [] };
const said = {};
for (let run = 0; run < RUNS; run++)
  for (const [name, [bin, args]] of Object.entries(tools)) {
    const started = process.hrtime.bigint();
    const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 });
    times[name].push(Number(process.hrtime.bigint() - started) / 1e9);
    if (r.status !== 0)
      throw new Error(`${name} failed (${r.status}):\n${(r.stdout + r.stderr).slice(-2000)}`);
    const lines = (r.stdout + r.stderr).trim().split("\n");
    said[name] = lines.findLast((l) => /^Summary:|^[\d,]+ objects?:/.test(l)) ?? lines.at(-1);
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (name) => {
  const t = median(times[name]);
  return `| ${name} | ${t.toFixed(2)} s | ${Math.round(objects / t).toLocaleString("en-US")} | ${said[name]} |`;
};
const ratio = median(times.kubeconform) / median(times["kubeship lint"]);
const cpu = cpus()[0]?.model ?? "unknown CPU";
const text = [
  `Corpus: ${objects.toLocaleString("en-US")} objects (the shop, minitoolstream and medaudit examples without CRD kinds, copied into namespaces), Kubernetes ${K8S} schemas for both; ${cpus().length} cores (${cpu}); ${RUNS} alternating runs each, medians.`,
  "",
  "| tool | wall time | objects/s | its own summary |",
  "|---|---:|---:|---|",
  row("kubeconform"),
  row("kubeship lint"),
  "",
  `**kubeship lint: ${ratio.toFixed(2)}x kubeconform -strict's throughput** (kubeconform ${KUBECONFORM}, built from its Go module), while checking the API server's own validation, Pod Security and ${RULES.length} rules besides the schema. Measured by \`npm run bench:lint-ratio\` (${new Date().toISOString().slice(0, 10)}).`,
].join("\n");
process.stdout.write(`${text}\n`);
const docs = join(root, "docs/benchmarks.md");
const doc = readFileSync(docs, "utf8");
const start = "<!-- bench:lint-ratio:start -->";
const end = "<!-- bench:lint-ratio:end -->";
if (doc.includes(start))
  writeFileSync(docs, doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${text}\n${end}`));

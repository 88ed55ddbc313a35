import {
  EXAMPLE_URLS,
  isOperated,
  PRESETS,
  type ResolvedBacking,
  resolveBackings,
} from "../catalog/catalog.js";
import { OPERATORS } from "../catalog/operators/index.js";
import type { OperatorType } from "../spec/schema.js";
import { IMAGE_FACTS, REPLICATION_NOTES } from "../catalog/image-facts.js";
import type { BackingRuntime, ExportedVar } from "../catalog/types.js";
import { buildModel } from "../model/build-model.js";
import { validateSpecData } from "../spec/load-spec.js";

type PresetType = keyof typeof PRESETS;

/** The runtimes of a sample spec: a backing `my-<type>` of each type, monitoring on. */
function resolveSample(
  backings: Readonly<Record<string, Record<string, unknown>>>,
): Map<string, BackingRuntime> {
  const spec = validateSpecData({ app: "demo", backing: backings, monitoring: { serviceMonitor: true } });
  if (!spec.ok) throw new Error("catalog doc: the sample spec does not validate");
  const model = buildModel(spec.value.spec);
  if (!model.ok) throw new Error("catalog doc: the sample model does not build");
  return new Map([...resolveBackings(model.value)].map(([k, v]) => [k, v as BackingRuntime]));
}

/** docs/catalog.md, generated from the presets themselves so that it cannot drift from them. */
export function catalogDoc(): string {
  const types = Object.keys(PRESETS).sort() as PresetType[];
  const single = resolveSample(Object.fromEntries(types.map((t) => [`my-${t}`, { type: t }])));
  const replicated = resolveSample(
    Object.fromEntries(
      types.flatMap((t) => {
        const note = REPLICATION_NOTES[t];
        return note === undefined ? [] : [[`my-${t}`, { type: t, replicas: note.example }]];
      }),
    ),
  );
  const out: string[] = [
    "# Backing-service catalog",
    "",
    "Generated from `src/catalog` by `npm run docs`; a test fails when it is stale.",
    "",
    "Every preset runs as a StatefulSet with a volumeClaimTemplate (`data`, retained when the set is",
    "deleted or scaled down), a headless Service `<name>-headless` for stable pod names and a client",
    "Service `<name>`, readiness/liveness/startup probes that talk to the server, the image's own",
    "user under Pod Security `restricted` and `baseline`, and credentials from the Secret",
    "`<name>-credentials`, which `kubeship deploy` creates once with random values (render never",
    "contains them). Apps get a user of their own where the engine has users; the superuser's",
    "password stays with kubeship's jobs.",
    "",
    "With `replicas` above 1, every pod of a backing (all its StatefulSets) carries",
    "`kubeship.io/backing: <name>`: one PodDisruptionBudget (one pod at a time) covers them all, pods",
    "prefer nodes and zones without another pod of the same backing, and the NetworkPolicy lets the",
    "members reach each other on their own ports and nothing else. `environments` can set another",
    "`replicas` per environment; Helm values and Kustomize overlays carry it.",
    "",
    "Exports below are for a backing named `my-<type>` in namespace `demo`: prefix `MY_<TYPE>`.",
    "Image facts are what a preset relies on in its image and where that was read; check them again",
    "when an image changes.",
    "",
    "| type | versions (default **bold**) | storage | requests / limits | replicas |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const t of types) {
    const p = PRESETS[t];
    const versions = Object.entries(p.versions)
      .map(([v, image]) => (v === p.defaultVersion ? `**${v}** \`${image}\`` : `${v} \`${image}\``))
      .join("<br>");
    const r = p.defaultResources;
    out.push(
      `| ${t} | ${versions} | ${p.defaultStorage} | ${r.requests.cpu}/${r.requests.memory} / ${r.limits.cpu}/${r.limits.memory} | ${p.maxReplicas === 1 ? "1" : `1-${p.maxReplicas}`} |`,
    );
  }
  for (const t of types) {
    const b = single.get(`my-${t}`);
    if (b === undefined) continue;
    const preset = PRESETS[t];
    out.push("", `## ${t}`, "", preset.summary + ".", "");
    out.push(`- ports: ${b.ports.map((p) => `${p.name} ${p.port}`).join(", ")}`);
    out.push(
      `- data: \`${b.dataPath}\`; runs as uid ${b.user.uid}, gid ${b.user.gid}, fsGroup ${b.user.fsGroup}`,
    );
    out.push(
      `- root filesystem: ${b.readOnlyRootFilesystem ? "read-only" : `writable (${b.writableRootReason ?? ""})`}; writable emptyDirs: ${b.writablePaths.map((p) => `\`${p}\``).join(", ")}`,
    );
    out.push(`- readiness: ${describeProbe(b.readiness)}`);
    out.push(`- metrics (with \`monitoring.serviceMonitor\`): ${describeMetrics(b)}`);
    out.push(
      `- secrets: ${b.secrets.length === 0 ? "none" : b.secrets.map((s) => `\`${s.name}\` (${s.keys.join(", ")})`).join("; ")}`,
    );
    if (b.init !== undefined) out.push(`- init job \`my-${t}-init\`: image \`${b.init.image}\``);
    out.push("- exports:");
    out.push(...describeExports(b.exports));
    const note = REPLICATION_NOTES[t];
    const r = replicated.get(`my-${t}`);
    if (note !== undefined && r !== undefined) {
      out.push("", `### replicated (\`replicas: ${note.example}\`)`, "", note.text, "");
      for (const set of [r, ...r.members])
        out.push(
          `- StatefulSet \`${set.name}\`: ${set.replicas} pod${set.replicas === 1 ? "" : "s"}, ${set.parallel ? "started together (Parallel)" : "started in order"}; ports ${set.ports.map((p) => `${p.name} ${p.port}`).join(", ")}; readiness: ${describeProbe(set.readiness)}`,
        );
      const more = r.exports.filter((e) => !b.exports.some((x) => x.name === e.name && sameExport(x, e)));
      if (more.length > 0) {
        out.push("- exports that differ from a single instance:");
        out.push(...describeExports(more));
      }
      const keys = r.secrets.flatMap((s) => s.keys).filter((k) => !b.secrets.some((s) => s.keys.includes(k)));
      if (keys.length > 0) out.push(`- more Secret keys: ${keys.map((k) => `\`${k}\``).join(", ")}`);
    } else if (preset.maxReplicas === 1) {
      out.push(
        "",
        `Runs a single instance${preset.replicasHint === undefined ? "" : `: ${preset.replicasHint}`}.`,
      );
    }
    out.push("", "Image facts:", "");
    for (const f of IMAGE_FACTS[t]) out.push(`- ${f.fact}. Source: ${f.source}`);
    out.push(...modeSections(t));
  }
  out.push(
    "",
    "## external",
    "",
    "Nothing runs. Workloads that use it get `<PREFIX>_HOST`, `<PREFIX>_PORT` and `<PREFIX>_URL` from its `url`,",
    "and each of its `secrets` under its own name, read from the Secret `<name>-credentials`, whose values",
    "the operator supplies at deploy time. NetworkPolicies allow egress to its port.",
    "",
  );
  return out.join("\n");
}

/** The sections of a type's mode operator and mode external, from samples of each. */
function modeSections(t: PresetType): string[] {
  if (!(t in OPERATORS)) return [];
  const op = OPERATORS[t as OperatorType];
  const sample = (b: Record<string, unknown>): ResolvedBacking | undefined => {
    const spec = validateSpecData({
      app: "demo",
      backing: { [`my-${t}`]: { type: t, ...b } },
      monitoring: { serviceMonitor: true },
    });
    if (!spec.ok) throw new Error(`catalog doc: the ${t} sample does not validate`);
    const model = buildModel(spec.value.spec);
    if (!model.ok) throw new Error("catalog doc: the sample model does not build");
    return resolveBackings(model.value).get(`my-${t}`);
  };
  const operated = sample({
    mode: "operator",
    replicas: 3,
    ...(t === "kafka" ? { topics: ["orders"] } : {}),
  });
  const external = sample({ mode: "external", url: EXAMPLE_URLS[t] ?? "" });
  const out: string[] = [];
  if (operated !== undefined && isOperated(operated)) {
    out.push("", `### mode operator: ${op.facts.name} ${op.facts.version}`, "", `${op.summary}.`, "");
    out.push(
      `- versions: ${Object.entries(op.versions)
        .map(([v, image]) => (v === op.defaultVersion ? `**${v}** \`${image}\`` : `${v} \`${image}\``))
        .join(", ")}; at most ${op.maxReplicas} nodes`,
    );
    out.push(
      `- objects (\`replicas: 3\`${t === "kafka" ? ", a topic" : ""}, monitoring on): ${operated.objects.map((o) => `${o.kind} \`${o.name}\` (${o.apiVersion})`).join(", ")}`,
    );
    out.push(
      `- the operator makes: Services ${operated.provides.services.map((n) => `\`${n}\``).join(", ")}${operated.provides.secrets.length > 0 ? `; Secrets ${operated.provides.secrets.map((n) => `\`${n}\``).join(", ")}` : ""}`,
    );
    out.push(`- the deploy waits for: ${OPERATOR_READINESS[t as OperatorType]}`);
    out.push(`- install: ${op.facts.install}`);
    out.push("- exports:", ...describeExports(operated.exports));
  }
  if (external !== undefined) {
    out.push(
      "",
      "### mode external",
      "",
      `With \`url: ${EXAMPLE_URLS[t] ?? ""}\`: the same variables, from the URL; what the builtin preset reads from a Secret is supplied at deploy time under the variable's own name (Secret \`my-${t}-credentials\`).`,
      "",
    );
    out.push("- exports:", ...describeExports(external.exports));
  }
  return out;
}

/** What the deploy waits for on each operator's main resource (deploy/operator-readiness.ts). */
const OPERATOR_READINESS: Readonly<Record<OperatorType, string>> = {
  postgresql:
    "phase `Cluster in healthy state`, `readyInstances` = `instances`, condition Ready; fails at once on the phases the operator does not leave by itself (invalid definition, unrecoverable, plugin errors)",
  kafka:
    "condition Ready for the observed generation (Kafka and each KafkaTopic); fails at once on NotReady for an invalid or unsupported resource",
  elasticsearch:
    "phase Ready and health green (yellow with one node) for the observed generation; fails at once on phase Invalid",
  rabbitmq: "conditions AllReplicasReady and ClusterAvailable for the observed generation",
};

function sameExport(a: ExportedVar, b: ExportedVar): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeExports(exports: readonly ExportedVar[]): string[] {
  return exports.map(
    (e) =>
      `  - \`${e.name}\` = ${"secret" in e ? `Secret \`${e.secret.name}\` key \`${e.secret.key}\`` : `\`${e.value}\``}`,
  );
}

function describeMetrics(b: BackingRuntime): string {
  const m = b.metrics;
  if (m === undefined) return "none";
  const where = m.sidecar
    ? `sidecar \`${m.sidecar.image ?? ""}\``
    : m.deployment
      ? `Deployment \`${b.name}-exporter\` running \`${m.deployment.image ?? ""}\``
      : "built in";
  return `${where}, port ${m.port.port} ${m.path}`;
}

function describeProbe(p: BackingRuntime["readiness"]): string {
  if (p.exec?.command) return `\`${p.exec.command.join(" ").replace(/\|/g, "\\|")}\``;
  if (p.httpGet) return `HTTP GET ${p.httpGet.path ?? "/"} on ${String(p.httpGet.port)}`;
  if (p.tcpSocket) return `TCP connect on ${String(p.tcpSocket.port)}`;
  return "none";
}

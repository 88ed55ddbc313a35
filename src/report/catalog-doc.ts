import { PRESETS, resolveBackings } from "../catalog/catalog.js";
import type { BackingRuntime } from "../catalog/types.js";
import { buildModel } from "../model/build-model.js";
import { validateSpecData } from "../spec/load-spec.js";

/** docs/catalog.md, generated from the presets themselves so that it cannot drift from them. */
export function catalogDoc(): string {
  const types = Object.keys(PRESETS).sort() as (keyof typeof PRESETS)[];
  const spec = validateSpecData({
    app: "demo",
    backing: Object.fromEntries(types.map((t) => [`my-${t}`, { type: t }])),
  });
  if (!spec.ok) throw new Error("catalog doc: the sample spec does not validate");
  const model = buildModel(spec.value.spec);
  if (!model.ok) throw new Error("catalog doc: the sample model does not build");
  const resolved = resolveBackings(model.value);
  const out: string[] = [
    "# Backing-service catalog",
    "",
    "Generated from `src/catalog` by `npm run docs`; a test fails when it is stale.",
    "",
    "Every preset runs as a StatefulSet with a volumeClaimTemplate (`data`, retained when the set is",
    "deleted or scaled down), a headless Service `<name>-headless` for stable pod names and a client",
    "Service `<name>`, readiness/liveness/startup probes that talk to the server, the image's own",
    "user under Pod Security `restricted`, and credentials from the Secret `<name>-credentials`, which",
    "`kubeship deploy` creates once with random values (render never contains them).",
    "",
    "Exports below are for a backing named `my-<type>` in namespace `demo`: prefix `MY_<TYPE>`.",
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
    const b = resolved.get(`my-${t}`) as BackingRuntime;
    out.push("", `## ${t}`, "", PRESETS[t].summary + ".", "");
    out.push(`- ports: ${b.ports.map((p) => `${p.name} ${p.port}`).join(", ")}`);
    out.push(
      `- data: \`${b.dataPath}\`; runs as uid ${b.user.uid}, gid ${b.user.gid}, fsGroup ${b.user.fsGroup}`,
    );
    out.push(
      `- root filesystem: ${b.readOnlyRootFilesystem ? "read-only" : `writable (${b.writableRootReason ?? ""})`}; writable emptyDirs: ${b.writablePaths.map((p) => `\`${p}\``).join(", ")}`,
    );
    out.push(`- readiness: ${describeProbe(b.readiness)}`);
    out.push(
      `- metrics: ${b.metrics ? `${b.metrics.sidecar ? `sidecar \`${b.metrics.sidecar.image ?? ""}\`` : "built in"}, port ${b.metrics.port.port} ${b.metrics.path}` : "none"} (with \`monitoring.serviceMonitor\`)`,
    );
    out.push(
      `- secrets: ${b.secrets.length === 0 ? "none" : b.secrets.map((s) => `\`${s.name}\` (${s.keys.join(", ")})`).join("; ")}`,
    );
    out.push("- exports:");
    for (const e of b.exports)
      out.push(
        `  - \`${e.name}\` = ${"secret" in e ? `Secret \`${e.secret.name}\` key \`${e.secret.key}\`` : `\`${e.value}\``}`,
      );
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

function describeProbe(p: BackingRuntime["readiness"]): string {
  if (p.exec?.command) return `\`${p.exec.command.join(" ")}\``;
  if (p.httpGet) return `HTTP GET ${p.httpGet.path ?? "/"} on ${String(p.httpGet.port)}`;
  if (p.tcpSocket) return `TCP connect on ${String(p.tcpSocket.port)}`;
  return "none";
}

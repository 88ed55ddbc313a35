import type { AppModel, Backing, Workload } from "../model/app-model.js";
import { OPERATOR_OF, type OperatorType } from "../spec/schema.js";

/**
 * The architecture diagram, drawn from the model and its one dependency graph: the internet and the
 * Ingress routes, then services, workers, jobs and backing services grouped by tier, with every
 * `uses` edge (solid) and every `before` edge (dashed). Graphviz DOT and Mermaid; SVG is DOT laid out
 * by Graphviz (report/diagram-svg.ts).
 */
interface Tier {
  readonly id: string;
  readonly title: string;
  readonly color: string;
  readonly members: readonly {
    readonly name: string;
    readonly label: readonly string[];
    readonly shape: string;
  }[];
}

function workloadLabel(w: Workload): string[] {
  const lines = [w.name];
  if (w.port !== undefined) lines.push(`:${w.port} ${w.protocol}`);
  if (w.kind === "cronjob" && w.schedule !== undefined) lines.push(`cron ${w.schedule}`);
  if (w.kind === "service" || w.kind === "worker")
    lines.push(
      w.autoscale === undefined
        ? `${w.replicas} replica${w.replicas === 1 ? "" : "s"}`
        : `${w.autoscale.min}-${w.autoscale.max} replicas (HPA)`,
    );
  return lines;
}

function backingLabel(b: Backing): string[] {
  const kind =
    b.type === "external" ? "external" : `${b.type}${b.version === undefined ? "" : ` ${b.version}`}`;
  const lines = kind === b.name ? [b.name] : [b.name, kind];
  if (b.mode === "operator" && b.type in OPERATOR_OF) lines.push(`on ${OPERATOR_OF[b.type as OperatorType]}`);
  if (b.mode === "external" && b.type !== "external") lines.push("managed (external)");
  else if (b.storage !== undefined) lines.push(b.storage);
  return lines;
}

function tiers(model: AppModel): Tier[] {
  const of = (kinds: readonly Workload["kind"][]) => model.workloads.filter((w) => kinds.includes(w.kind));
  const list: Tier[] = [
    {
      id: "services",
      title: "services",
      color: "#dbe8ff",
      members: of(["service"]).map((w) => ({ name: w.name, label: workloadLabel(w), shape: "box" })),
    },
    {
      id: "workers",
      title: "workers",
      color: "#e4f4dd",
      members: of(["worker"]).map((w) => ({ name: w.name, label: workloadLabel(w), shape: "box" })),
    },
    {
      id: "jobs",
      title: "jobs",
      color: "#fff2cc",
      members: of(["job", "cronjob"]).map((w) => ({ name: w.name, label: workloadLabel(w), shape: "box" })),
    },
    {
      id: "backing",
      title: "backing services",
      color: "#f4e1f5",
      members: model.backings.map((b) => ({ name: b.name, label: backingLabel(b), shape: "cylinder" })),
    },
  ];
  return list.filter((t) => t.members.length > 0);
}

const routed = (model: AppModel): Workload[] => model.workloads.filter((w) => w.route !== undefined);
const dotString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The line `diagramDot` adds under each workload and backing for a live view to fill with its state. */
export const STATUS_PLACEHOLDER = "(state)";

/**
 * The diagram in Graphviz DOT. With `statusLine`, each workload and backing gets one more label line
 * (STATUS_PLACEHOLDER), sized by the layout, where the dashboard writes the node's live state.
 */
export function diagramDot(model: AppModel, options: { statusLine?: boolean } = {}): string {
  const status = options.statusLine === true ? [STATUS_PLACEHOLDER] : [];
  const out = [
    `digraph ${dotString(model.app)} {`,
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=18, labelloc=t, label=${dotString(`${model.app} (namespace ${model.namespace})`)}, nodesep=0.35, ranksep=0.9, compound=true];`,
    `  node [fontname="Helvetica", fontsize=11, style="rounded,filled", fillcolor="#ffffff", color="#666666"];`,
    `  edge [fontname="Helvetica", fontsize=9, color="#555555"];`,
  ];
  const routes = routed(model);
  if (routes.length > 0) {
    out.push(`  "internet" [shape=oval, label="Internet", fillcolor="#eeeeee"];`);
    const host = model.domain ?? "(any host)";
    const tls = model.ingress.tls === undefined ? "" : ", TLS";
    out.push(`  "ingress" [shape=box, label=${dotString(`Ingress\n${host}${tls}`)}, fillcolor="#eeeeee"];`);
    out.push(`  "internet" -> "ingress";`);
  }
  for (const t of tiers(model)) {
    out.push(
      `  subgraph "cluster_${t.id}" {`,
      `    label=${dotString(t.title)}; style="rounded,dashed"; color="#999999"; fontsize=12;`,
    );
    for (const m of t.members)
      out.push(
        `    ${dotString(m.name)} [shape=${m.shape}, fillcolor="${t.color}", label=${dotString([...m.label, ...status].join("\n"))}];`,
      );
    out.push("  }");
  }
  for (const w of routes)
    out.push(`  "ingress" -> ${dotString(w.name)} [label=${dotString(w.route ?? "")}];`);
  for (const e of model.graph.edges)
    out.push(
      e.reason === "uses"
        ? `  ${dotString(e.dependent)} -> ${dotString(e.dependency)};`
        : `  ${dotString(e.dependency)} -> ${dotString(e.dependent)} [style=dashed, label="before"];`,
    );
  out.push("}");
  return `${out.join("\n")}\n`;
}

const mermaidId = (name: string): string => `n_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
const mermaidText = (s: string): string => `"${s.replace(/"/g, "#quot;")}"`;

/** The diagram in Mermaid (renders on GitHub, GitLab and in most docs tools). */
export function diagramMermaid(model: AppModel): string {
  const out = ["flowchart LR"];
  const routes = routed(model);
  if (routes.length > 0) {
    out.push(`  internet((Internet))`);
    out.push(
      `  ingress[${mermaidText(`Ingress<br/>${model.domain ?? "(any host)"}${model.ingress.tls === undefined ? "" : ", TLS"}`)}]`,
    );
    out.push("  internet --> ingress");
  }
  for (const t of tiers(model)) {
    out.push(`  subgraph ${t.id} [${mermaidText(t.title)}]`);
    for (const m of t.members) {
      const text = mermaidText(m.label.join("<br/>"));
      out.push(
        m.shape === "cylinder" ? `    ${mermaidId(m.name)}[(${text})]` : `    ${mermaidId(m.name)}[${text}]`,
      );
    }
    out.push("  end");
  }
  for (const w of routes) out.push(`  ingress -- ${mermaidText(w.route ?? "")} --> ${mermaidId(w.name)}`);
  for (const e of model.graph.edges)
    out.push(
      e.reason === "uses"
        ? `  ${mermaidId(e.dependent)} --> ${mermaidId(e.dependency)}`
        : `  ${mermaidId(e.dependency)} -. before .-> ${mermaidId(e.dependent)}`,
    );
  for (const t of tiers(model)) out.push(`  style ${t.id} fill:none,stroke:#999,stroke-dasharray: 5 5`);
  return `${out.join("\n")}\n`;
}

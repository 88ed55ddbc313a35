/**
 * The deploy order as GitOps tools read it: the steps of `kubeship deploy` (render/deploy-order.ts,
 * from the model's one dependency graph) and what each waits for. Flux gets a Kustomization per
 * step with those dependencies; Argo CD gets each step's level as its objects' sync-wave.
 */
import type { AppModel } from "../../model/app-model.js";
import { deploySteps } from "../../render/deploy-order.js";
import type { KubeObject } from "../../render/kube-object.js";

/** One environment's render: its model and objects (`env` undefined for the base spec). */
export interface GitopsTarget {
  readonly env: string | undefined;
  readonly model: AppModel;
  readonly objects: readonly KubeObject[];
  /** Secrets the deploy creates (names and keys, never values): GitOps must get them elsewhere. */
  readonly secrets: readonly { readonly name: string; readonly keys: readonly string[] }[];
}

/** Where a GitOps tool finds the manifests: the repository, the folder in it, the revision. */
export interface GitopsSource {
  readonly repo: string;
  readonly path: string;
  readonly revision: string;
}

/** One step of the deploy: a folder of a GitOps tree, its objects, the steps it waits for. */
export interface GitopsStep {
  readonly slug: string;
  readonly objects: readonly KubeObject[];
  readonly dependsOn: readonly string[];
}

/**
 * The steps of `kubeship deploy` (render/deploy-order.ts) as a GitOps tool runs them: the namespace,
 * then the config; one per step of each graph node (its workloads, a backing's other members, its
 * init job), each depending on the node's step before it or, for the first, on the last step of
 * every node it uses: the graph itself, so a change to the graph never moves an object into another
 * Kustomization (which would prune and re-create it). Then autoscalers, routing and monitoring, after
 * every node.
 */
export function gitopsSteps(t: GitopsTarget): GitopsStep[] {
  const steps = deploySteps(t.model, t.objects);
  const out: GitopsStep[] = [];
  let previous: string[] = [];
  steps.before.forEach((w, i) => {
    const slug = `${String(i).padStart(2, "0")}-${slugOf(w.name)}`;
    out.push({ slug, objects: w.objects, dependsOn: previous });
    previous = [slug];
  });
  const config = previous;
  const last = new Map<string, string>();
  for (const [node, waves] of steps.nodes) {
    const last_ = waves[waves.length - 1];
    if (last_ !== undefined) last.set(node, slugOf(last_.name));
  }
  // What "node ready" waits on: its last step, or (a node without objects here, an external service)
  // what it itself depends on.
  const readyOf = (node: string, seen = new Set<string>()): string[] => {
    const own = last.get(node);
    if (own !== undefined) return [own];
    if (seen.has(node)) return [];
    seen.add(node);
    return t.model.graph.dependenciesOf(node).flatMap((d) => readyOf(d, seen));
  };
  for (const node of [...steps.nodes.keys()].sort()) {
    const waves = steps.nodes.get(node) ?? [];
    waves.forEach((w, i) => {
      const before =
        i === 0
          ? [...config, ...t.model.graph.dependenciesOf(node).flatMap((d) => readyOf(d))]
          : [slugOf(waves[i - 1]?.name ?? "")];
      out.push({ slug: slugOf(w.name), objects: w.objects, dependsOn: [...new Set(before)].sort() });
    });
  }
  const everyNode = [...last.values()].sort();
  for (const w of steps.after)
    out.push({
      slug: `99-${slugOf(w.name)}`,
      objects: w.objects,
      dependsOn: everyNode.length > 0 ? everyNode : config,
    });
  return out;
}

function slugOf(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "step"
  );
}

/**
 * The Argo CD sync wave of each object: its step's place in a level schedule of the step graph (the
 * longest chain of steps before it), so every step's wave is above the waves of all it waits for.
 */
export function syncWaves(t: GitopsTarget): Map<KubeObject, number> {
  const steps = gitopsSteps(t);
  const bySlug = new Map(steps.map((s) => [s.slug, s]));
  const level = new Map<string, number>();
  const levelOf = (slug: string): number => {
    const known = level.get(slug);
    if (known !== undefined) return known;
    const deps = bySlug.get(slug)?.dependsOn ?? [];
    const l = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(levelOf));
    level.set(slug, l);
    return l;
  };
  const out = new Map<KubeObject, number>();
  for (const s of steps) for (const o of s.objects) out.set(o, levelOf(s.slug));
  return out;
}

/** The folder of an environment: `base`, or the environment's name. */
export function envDir(env: string | undefined): string {
  return env ?? "base";
}

/** `a/b` joined without doubled or trailing slashes; `.` and `` are the repository root. */
export function joinPath(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split("/"))
    .filter((p) => p !== "" && p !== ".")
    .join("/");
}

/** The README of a GitOps tree: what is where, and the Secrets it needs from outside Git. */
export function gitopsReadme(
  tool: "Argo CD" | "Flux",
  targets: readonly GitopsTarget[],
  howToApply: string,
): string {
  const lines = [
    `# ${tool} tree written by kubeship`,
    "",
    `Written by \`kubeship render --format ${tool === "Flux" ? "flux" : "argocd"}\`; edit the spec and render again rather than these files.`,
    "",
    howToApply,
    "",
    "## Secrets",
    "",
    "No Secret value is ever written into this tree. `kubeship deploy` creates the generated Secrets",
    "at deploy time; a GitOps sync does not, so these must exist in the cluster before the workloads",
    "that read them start (created once with `kubeship deploy` against the same cluster, or by your",
    "secrets manager):",
    "",
  ];
  for (const t of targets) {
    lines.push(
      `- ${t.env === undefined ? "base" : `environment ${t.env}`} (namespace ${t.model.namespace}):`,
    );
    if (t.secrets.length === 0) lines.push("  none");
    for (const s of t.secrets) lines.push(`  - \`${s.name}\`: ${s.keys.map((k) => `\`${k}\``).join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The deploy order as GitOps tools read it: the waves of `kubeship deploy` (render/deploy-order.ts,
 * from the model's one dependency graph), numbered. Argo CD gets the number as each object's
 * sync-wave; Flux gets one Kustomization per wave, each depending on the one before.
 */
import type { AppModel } from "../../model/app-model.js";
import { deployWaves } from "../../render/deploy-order.js";
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

export interface NumberedWave {
  readonly index: number;
  /** A file-name-safe name: `03-postgres-redis`. */
  readonly slug: string;
  readonly name: string;
  readonly objects: readonly KubeObject[];
}

/** The deploy's waves, numbered from 0. */
export function numberedWaves(model: AppModel, objects: readonly KubeObject[]): NumberedWave[] {
  return deployWaves(model, objects).map((w, index) => ({
    index,
    slug: `${String(index).padStart(2, "0")}-${slugOf(w.name)}`,
    name: w.name,
    objects: w.objects,
  }));
}

function slugOf(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return (s.length > 40 ? s.slice(0, 40).replace(/-+$/, "") : s) || "wave";
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

/**
 * `kubeship render --format flux`: the manifests of every environment split into one folder per step
 * of kubeship's deploy, one Flux Kustomization per folder that depends on the steps it needs and
 * waits for its objects to be ready (health checks for the Gateway API routes and Gateways kstatus
 * cannot judge), and the GitRepository they read from.
 */
import type { IGitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository";
import type { IKustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization";
import { type FileTree, fileTree } from "../file-tree.js";
import { GENERATED_HEADER, objectFileName, objectToYaml } from "../yaml.js";
import { deploySteps } from "../../render/deploy-order.js";
import { GATEWAY_KINDS } from "../../render/gateway-routes.js";
import type { KubeObject } from "../../render/kube-object.js";
import { envDir, type GitopsSource, type GitopsTarget, gitopsReadme, joinPath } from "./waves.js";

/** The namespace Flux's objects live in by default. */
const FLUX_NAMESPACE = "flux-system";

export interface FluxOptions extends GitopsSource {
  /** How long a wave may take to become ready. @default 5m */
  readonly timeout?: string;
}

type Named<T> = T & { metadata: { name: string } };

/** Health of the Gateway API kinds, as Flux's CEL health checks (kustomize-controller 1.5 and later). */
const GATEWAY_HEALTH = [
  {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    current:
      "has(status.parents) && size(status.parents) > 0 && status.parents.all(p, p.conditions.exists(c, c.type == 'Accepted' && c.status == 'True') && p.conditions.exists(c, c.type == 'ResolvedRefs' && c.status == 'True'))",
    failed:
      "has(status.parents) && status.parents.exists(p, p.conditions.exists(c, c.type == 'Accepted' && c.status == 'False'))",
  },
  {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GRPCRoute",
    current:
      "has(status.parents) && size(status.parents) > 0 && status.parents.all(p, p.conditions.exists(c, c.type == 'Accepted' && c.status == 'True') && p.conditions.exists(c, c.type == 'ResolvedRefs' && c.status == 'True'))",
    failed:
      "has(status.parents) && status.parents.exists(p, p.conditions.exists(c, c.type == 'Accepted' && c.status == 'False'))",
  },
  {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    current:
      "has(status.conditions) && status.conditions.exists(c, c.type == 'Accepted' && c.status == 'True') && status.conditions.exists(c, c.type == 'Programmed' && c.status == 'True')",
  },
];

/** One Flux Kustomization of a tree: the step's folder, its objects, what it waits for. */
interface FluxStep {
  readonly slug: string;
  readonly objects: readonly KubeObject[];
  readonly dependsOn: readonly string[];
}

/**
 * The steps of `kubeship deploy` (render/deploy-order.ts) as Flux Kustomizations: the namespace,
 * then the config; one per step of each graph node (its workloads, a backing's other members, its
 * init job), each depending on the node's step before it or, for the first, on the last step of
 * every node it uses: the graph itself, so a change to the graph never moves an object into another
 * Kustomization (which would prune and re-create it). Then autoscalers, routing and monitoring, after
 * every node.
 */
export function fluxSteps(t: GitopsTarget): FluxStep[] {
  const steps = deploySteps(t.model, t.objects);
  const out: FluxStep[] = [];
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

/** The Flux tree for the base spec and each environment. */
export function emitFlux(targets: readonly GitopsTarget[], options: FluxOptions): FileTree {
  const files: [string, string][] = [];
  for (const t of targets) {
    const dir = envDir(t.env);
    const prefix = t.env === undefined ? t.model.app : `${t.model.app}-${t.env}`;
    const nameOf = (slug: string): string => `${prefix}-${slug}`.slice(0, 63).replace(/-+$/, "");
    const kustomizations: Named<IKustomization>[] = [];
    for (const step of fluxSteps(t)) {
      const folder = `${dir}/steps/${step.slug}`;
      for (const o of step.objects)
        files.push([`${folder}/${objectFileName(o)}`, GENERATED_HEADER + objectToYaml(o)]);
      files.push([
        `${folder}/kustomization.yaml`,
        GENERATED_HEADER +
          objectToYaml({
            apiVersion: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources: step.objects.map(objectFileName),
          }),
      ]);
      const routes = step.objects.some((o) => GATEWAY_KINDS.has(o.kind));
      kustomizations.push({
        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: {
          name: nameOf(step.slug),
          namespace: FLUX_NAMESPACE,
          labels: { "app.kubernetes.io/part-of": t.model.app, "app.kubernetes.io/managed-by": "kubeship" },
        },
        spec: {
          interval: "10m",
          retryInterval: "1m",
          path: `./${joinPath(options.path, folder)}`,
          prune: true,
          wait: true,
          timeout: options.timeout ?? "5m",
          sourceRef: { kind: "GitRepository", name: t.model.app },
          ...(step.dependsOn.length === 0
            ? {}
            : { dependsOn: step.dependsOn.map((d) => ({ name: nameOf(d) })) }),
          ...(routes ? { healthCheckExprs: GATEWAY_HEALTH } : {}),
        },
      });
    }
    files.push([
      `flux/${prefix}.yaml`,
      GENERATED_HEADER + kustomizations.map((k) => objectToYaml(k)).join("---\n"),
    ]);
  }
  const apps = [...new Set(targets.map((t) => t.model.app))];
  for (const app of apps)
    files.push([`flux/${app}-source.yaml`, GENERATED_HEADER + objectToYaml(gitRepository(app, options))]);
  files.push([
    "README.md",
    gitopsReadme(
      "Flux",
      targets,
      [
        "- `<env>/steps/<step>/` (`base/` for the spec without an environment): one folder per step of",
        "  `kubeship deploy`: `00-namespace`, `01-config`, then one per node of the dependency graph (a",
        "  backing service, its read replicas or sentinels, its init job, each `before` job, each",
        "  workload) and `99-...` for autoscalers, budgets, routing and monitoring; each a Kustomize",
        "  kustomization.",
        "- `flux/<app>[-<env>].yaml`: one Flux Kustomization per step with `wait: true`, depending on",
        "  the steps it needs: a workload on every node it `uses`, as the deploy graph says, so Flux",
        "  starts it only when they are ready (routes: when their Gateway accepted them, by the CEL",
        "  health checks of kustomize-controller 1.5 and later). An object keeps its step when the graph",
        "  changes, so no change of `uses` makes Flux prune and re-create it.",
        "- `flux/<app>-source.yaml`: the GitRepository they read from. Apply `flux/` to the cluster.",
      ].join("\n"),
    ),
  ]);
  return fileTree(files);
}

function gitRepository(app: string, options: FluxOptions): Named<IGitRepository> {
  // A full commit SHA pins a commit; anything else is a branch.
  const ref = /^[0-9a-f]{40}$/.test(options.revision)
    ? { commit: options.revision }
    : { branch: options.revision };
  return {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: {
      name: app,
      namespace: FLUX_NAMESPACE,
      labels: { "app.kubernetes.io/part-of": app, "app.kubernetes.io/managed-by": "kubeship" },
    },
    spec: { interval: "1m", url: options.repo, ref },
  };
}

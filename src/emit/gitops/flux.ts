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
import { GATEWAY_KINDS } from "../../render/gateway-routes.js";
import {
  envDir,
  type GitopsSource,
  type GitopsTarget,
  gitopsReadme,
  gitopsSteps,
  joinPath,
} from "./waves.js";

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

/** The Flux tree for the base spec and each environment. */
export function emitFlux(targets: readonly GitopsTarget[], options: FluxOptions): FileTree {
  const files: [string, string][] = [];
  for (const t of targets) {
    const dir = envDir(t.env);
    const prefix = t.env === undefined ? t.model.app : `${t.model.app}-${t.env}`;
    const nameOf = (slug: string): string => `${prefix}-${slug}`.slice(0, 63).replace(/-+$/, "");
    const kustomizations: Named<IKustomization>[] = [];
    for (const step of gitopsSteps(t)) {
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

/**
 * `kubeship render --format argocd`: the manifests of every environment with Argo CD sync waves that
 * follow kubeship's deploy order, one Application per environment pointing at its folder, and the
 * health checks Argo CD lacks for what kubeship writes (Gateway API routes and Gateways, the
 * VerticalPodAutoscaler) as an `argocd-cm` patch for the platform team.
 */
import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import type { KubeObject } from "../../render/kube-object.js";
import { type FileTree, fileTree } from "../file-tree.js";
import { GENERATED_HEADER, objectFileName, objectToYaml } from "../yaml.js";
import { envDir, type GitopsSource, type GitopsTarget, gitopsReadme, joinPath, syncWaves } from "./waves.js";

/** Argo CD's annotation: objects of a lower wave are synced and healthy before the next wave. */
export const SYNC_WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave";

/** The namespace Argo CD's Applications live in by default. */
const ARGOCD_NAMESPACE = "argocd";

export interface ArgoCdOptions extends GitopsSource {
  /** The Argo CD project. @default default */
  readonly project?: string;
}

/** The Argo CD tree for the base spec and each environment. */
export function emitArgoCd(targets: readonly GitopsTarget[], options: ArgoCdOptions): FileTree {
  const files: [string, string][] = [];
  for (const t of targets) {
    const dir = envDir(t.env);
    const waves = syncWaves(t);
    for (const o of t.objects)
      files.push([
        `${dir}/${objectFileName(o)}`,
        GENERATED_HEADER + objectToYaml(withWave(o, waves.get(o) ?? 0)),
      ]);
    files.push([
      `applications/${applicationName(t)}.yaml`,
      GENERATED_HEADER + objectToYaml(application(t, options)),
    ]);
  }
  files.push(["argocd-cm-health.yaml", GENERATED_HEADER + objectToYaml(healthChecks())]);
  files.push([
    "README.md",
    gitopsReadme(
      "Argo CD",
      targets,
      [
        "- `<env>/` (`base/` for the spec without an environment): the manifests, each with the",
        `  \`${SYNC_WAVE_ANNOTATION}\` of its step in \`kubeship deploy\`'s order: namespace and config,`,
        "  then the backing services, their init jobs, the `before` jobs and the workloads that use them,",
        "  level by level of the dependency graph, then autoscalers and budgets, routing, monitoring.",
        "  Argo CD syncs a wave and waits for it to be healthy before the next.",
        "- `applications/`: one Application per environment (apply them to the Argo CD namespace).",
        "- `argocd-cm-health.yaml`: health checks for Gateway API routes and Gateways and for",
        "  VerticalPodAutoscalers, which Argo CD does not judge by itself; merge it into `argocd-cm`.",
        "",
        "Argo CD 3 tracks resources by annotation (`argocd.argoproj.io/tracking-id`); with an older",
        "version set `application.resourceTrackingMethod: annotation` in `argocd-cm`, as kubeship's",
        "`app.kubernetes.io/instance` label names the app, not the Application.",
      ].join("\n"),
    ),
  ]);
  return fileTree(files);
}

function withWave(o: KubeObject, wave: number): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      annotations: { ...o.metadata.annotations, [SYNC_WAVE_ANNOTATION]: String(wave) },
    },
  };
}

export function applicationName(t: GitopsTarget): string {
  return t.env === undefined ? t.model.app : `${t.model.app}-${t.env}`;
}

function application(t: GitopsTarget, options: ArgoCdOptions): IApplication & { metadata: { name: string } } {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: applicationName(t),
      namespace: ARGOCD_NAMESPACE,
      labels: { "app.kubernetes.io/part-of": t.model.app, "app.kubernetes.io/managed-by": "kubeship" },
      // Deleting the Application deletes what it deployed (claims excepted: they are not pruned).
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    },
    spec: {
      project: options.project ?? "default",
      source: {
        repoURL: options.repo,
        path: joinPath(options.path, envDir(t.env)),
        targetRevision: options.revision,
      },
      destination: { server: "https://kubernetes.default.svc", namespace: t.model.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: [
          // kubeship applies server-side; field ownership (the HPA's replicas) stays as it sets it.
          "ServerSideApply=true",
          // Prunes after the new objects are healthy, as kubeship's deploy does.
          "PruneLast=true",
          // The Namespace is in the manifests (with its Pod Security labels).
          "CreateNamespace=false",
        ],
        retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } },
      },
    },
  };
}

/** Lua health checks for `resource.customizations.health.<group>_<kind>` in argocd-cm. */
function healthChecks(): KubeObject {
  const conditions = (types: string[]): string =>
    [
      "local hs = { status = 'Progressing', message = 'waiting for the controller' }",
      "local function judge(conditions, generation)",
      "  local seen = 0",
      "  for _, c in ipairs(conditions or {}) do",
      `    for _, t in ipairs({ ${types.map((x) => `'${x}'`).join(", ")} }) do`,
      "      if c.type == t then",
      "        if c.observedGeneration ~= nil and generation ~= nil and c.observedGeneration < generation then return 'Progressing', 'waiting for the controller to judge this version' end",
      "        if c.status ~= 'True' then return 'Degraded', c.type .. ' is ' .. tostring(c.status) .. ': ' .. tostring(c.reason) .. ' ' .. tostring(c.message) end",
      "        seen = seen + 1",
      "      end",
      "    end",
      "  end",
      `  if seen < ${types.length} then return 'Progressing', 'waiting for the controller' end`,
      "  return 'Healthy', ''",
      "end",
    ].join("\n");
  const route = [
    conditions(["Accepted", "ResolvedRefs"]),
    "if obj.status ~= nil and obj.status.parents ~= nil and #obj.status.parents > 0 then",
    "  hs.status = 'Healthy'; hs.message = 'accepted by every parent'",
    "  for _, p in ipairs(obj.status.parents) do",
    "    local s, m = judge(p.conditions, obj.metadata.generation)",
    "    if s ~= 'Healthy' then hs.status = s; hs.message = m; break end",
    "  end",
    "end",
    "return hs",
  ].join("\n");
  const gateway = [
    conditions(["Accepted", "Programmed"]),
    "if obj.status ~= nil then",
    "  local s, m = judge(obj.status.conditions, obj.metadata.generation)",
    "  hs.status = s; hs.message = m",
    "end",
    "return hs",
  ].join("\n");
  const vpa = [
    "local hs = { status = 'Progressing', message = 'waiting for the recommender' }",
    "if obj.status ~= nil and obj.status.conditions ~= nil then",
    "  for _, c in ipairs(obj.status.conditions) do",
    "    if c.type == 'ConfigUnsupported' and c.status == 'True' then return { status = 'Degraded', message = tostring(c.message) } end",
    "    if c.type == 'RecommendationProvided' and c.status == 'True' then hs.status = 'Healthy'; hs.message = 'recommendation provided' end",
    "  end",
    "end",
    "return hs",
  ].join("\n");
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "argocd-cm",
      namespace: ARGOCD_NAMESPACE,
      labels: { "app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd" },
    },
    data: {
      "resource.customizations.health.gateway.networking.k8s.io_HTTPRoute": route,
      "resource.customizations.health.gateway.networking.k8s.io_GRPCRoute": route,
      "resource.customizations.health.gateway.networking.k8s.io_Gateway": gateway,
      "resource.customizations.health.autoscaling.k8s.io_VerticalPodAutoscaler": vpa,
    },
  };
}

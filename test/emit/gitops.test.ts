import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderSpec } from "../../src/app.js";
import { emitArgoCd, SYNC_WAVE_ANNOTATION } from "../../src/emit/gitops/argocd.js";
import { emitFlux } from "../../src/emit/gitops/flux.js";
import { type GitopsTarget, gitopsSteps } from "../../src/emit/gitops/waves.js";
import { manifestObjectsOf } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../../src/lint/lint.js";
import { deploySteps } from "../../src/render/deploy-order.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { environmentNames } from "../../src/spec/load-spec.js";
import { runCli } from "../helpers/cli.js";
import { schemasFor } from "../helpers/lint.js";
import { readRepoFile, ROOT, SPECS } from "../helpers/render.js";
import { parseObjects, run } from "../helpers/tools.js";
import { schemaError } from "../helpers/validate.js";

const SOURCE = { repo: "https://github.com/acme/deploy.git", path: "deploy/gitops", revision: "main" };

function targetsOf(path: string): GitopsTarget[] {
  const text = readRepoFile(path);
  return [undefined, ...environmentNames(text)].map((env) => {
    const r = renderSpec(text, env === undefined ? { file: path } : { file: path, env });
    if (!r.ok) throw new Error(`${path} ${env ?? ""} renders`);
    return {
      env,
      model: r.value.model,
      objects: r.value.objects,
      secrets: r.value.secrets.filter((s) => s.source === "generated"),
    };
  });
}

const key = (o: KubeObject): string => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** The objects of a tree's folder, read back as YAML. */
function objectsUnder(tree: ReadonlyMap<string, string>, prefix: string): KubeObject[] {
  return [...tree]
    .filter(([p]) => p.startsWith(prefix) && p.endsWith(".yaml") && !p.endsWith("kustomization.yaml"))
    .flatMap(([, text]) => parseObjects(text));
}

/** The workload objects of each graph node, by the deploy's own split. */
function nodeObjects(t: GitopsTarget): Map<string, KubeObject[]> {
  const steps = deploySteps(t.model, t.objects);
  return new Map([...steps.nodes].map(([n, waves]) => [n, waves.flatMap((w) => [...w.objects])]));
}

describe.each(SPECS)("GitOps trees of %s", (path) => {
  const targets = targetsOf(path);

  it("Argo CD: every object once per environment, its sync wave in the deploy's order", async () => {
    const tree = emitArgoCd(targets, SOURCE);
    for (const t of targets) {
      const dir = t.env ?? "base";
      const written = objectsUnder(tree, `${dir}/`);
      expect(written.map(key).sort()).toEqual(t.objects.map(key).sort());
      const wave = new Map(
        written.map((o) => [key(o), Number(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION])]),
      );
      const of = (o: KubeObject): number => wave.get(key(o)) ?? Number.NaN;
      // The deploy's order: namespace, config, the graph's nodes after every node they use, then the rest.
      const steps = deploySteps(t.model, t.objects);
      const before = steps.before.flatMap((w) => [...w.objects]);
      const nodes = nodeObjects(t);
      const workloads = [...nodes.values()].flat();
      const after = steps.after.flatMap((w) => [...w.objects]);
      for (const w of workloads) for (const b of before) expect(of(b)).toBeLessThan(of(w));
      for (const a of after) for (const w of workloads) expect(of(w)).toBeLessThan(of(a));
      for (const [node, own] of nodes)
        for (const dep of t.model.graph.dependenciesOf(node))
          for (const d of nodes.get(dep) ?? [])
            for (const o of own) expect(of(d), `${dep} before ${node}`).toBeLessThan(of(o));
      // Within a node: its main workload, then its members, then its init job.
      for (const waves of steps.nodes.values())
        for (let i = 1; i < waves.length; i++)
          for (const a of waves[i - 1]?.objects ?? [])
            for (const b of waves[i]?.objects ?? []) expect(of(a)).toBeLessThan(of(b));
    }
    const apps = objectsUnder(tree, "applications/");
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(
      targets.map((t) => (t.env === undefined ? t.model.app : `${t.model.app}-${t.env}`)).sort(),
    );
    for (const a of apps) expect(await schemaError(a)).toBeUndefined();
    expect((apps[0]?.["spec"] as { source: unknown }).source).toMatchObject({
      repoURL: SOURCE.repo,
      targetRevision: "main",
    });
  });

  it("Flux: one Kustomization per deploy step, depending on exactly what the deploy waits for", async () => {
    const tree = emitFlux(targets, SOURCE);
    for (const t of targets) {
      const prefix = t.env === undefined ? t.model.app : `${t.model.app}-${t.env}`;
      const dir = t.env ?? "base";
      expect(objectsUnder(tree, `${dir}/steps/`).map(key).sort()).toEqual(t.objects.map(key).sort());
      const ks = parseObjects(tree.get(`flux/${prefix}.yaml`) ?? "");
      for (const k of ks) expect(await schemaError(k)).toBeUndefined();
      const deps = new Map(
        ks.map((k) => [
          k.metadata.name,
          ((k["spec"] as { dependsOn?: { name: string }[] }).dependsOn ?? []).map((d) => d.name),
        ]),
      );
      // Every dependsOn names a Kustomization of the tree, and the graph has no cycle.
      for (const list of deps.values()) for (const d of list) expect(deps.has(d)).toBe(true);
      const closure = (name: string, seen = new Set<string>()): Set<string> => {
        for (const d of deps.get(name) ?? [])
          if (!seen.has(d)) {
            seen.add(d);
            closure(d, seen);
          }
        return seen;
      };
      for (const name of deps.keys()) expect(closure(name).has(name)).toBe(false);
      // Where each object is, and what must be ready before it: the deploy's graph.
      const stepOf = new Map<string, string>();
      for (const s of gitopsSteps(t)) for (const o of s.objects) stepOf.set(key(o), `${prefix}-${s.slug}`);
      const nodes = nodeObjects(t);
      for (const [node, own] of nodes)
        for (const dep of t.model.graph.dependenciesOf(node))
          for (const d of nodes.get(dep) ?? [])
            for (const o of own)
              expect(
                closure(stepOf.get(key(o)) ?? "").has(stepOf.get(key(d)) ?? ""),
                `${dep} before ${node}`,
              ).toBe(true);
      const namespace = t.objects.find((o) => o.kind === "Namespace");
      if (namespace !== undefined)
        for (const o of t.objects.filter((x) => x.kind !== "Namespace"))
          expect(closure(stepOf.get(key(o)) ?? "").has(stepOf.get(key(namespace)) ?? "")).toBe(true);
    }
    const source = parseObjects(tree.get(`flux/${targets[0]?.model.app ?? ""}-source.yaml`) ?? "")[0];
    expect(source === undefined ? "missing" : await schemaError(source)).toBeUndefined();
  });

  it("lints clean, manifests and GitOps objects alike, and each Flux step builds with kubectl kustomize", async () => {
    const argo = emitArgoCd(targets, SOURCE);
    const flux = emitFlux(targets, SOURCE);
    const schemas = await schemasFor();
    for (const t of targets) {
      const dir = t.env ?? "base";
      for (const objects of [
        objectsUnder(argo, `${dir}/`),
        objectsUnder(argo, "applications/"),
        objectsUnder(flux, "flux/"),
      ]) {
        const report = lintManifests(
          manifestObjectsOf(objects, path),
          { ...DEFAULT_SETTINGS, podSecurity: "restricted" },
          schemas,
        );
        expect(report.findings).toEqual([]);
        expect(report.unvalidated).toBeUndefined();
      }
    }
    const out = join(mkdtempSync(join(tmpdir(), "kubeship-flux-")), "tree");
    const cli = await runCli([
      "render",
      join(ROOT, path),
      "--format",
      "flux",
      "-o",
      out,
      "--repo",
      SOURCE.repo,
      "--path",
      "deploy",
    ]);
    expect(cli.code).toBe(0);
    const first = gitopsSteps(targets[0] as GitopsTarget).find((s) =>
      s.objects.some((o) => o.kind === "Deployment" || o.kind === "StatefulSet"),
    );
    const built = parseObjects(run("kubectl", ["kustomize", join(out, "base", "steps", first?.slug ?? "")]));
    expect(built.map(key).sort()).toEqual((first?.objects ?? []).map(key).sort());
  });
});

describe("render --format argocd|flux", () => {
  it("needs the repository, and a path inside it when -o is absolute", async () => {
    const spec = join(ROOT, "examples/shop.kubeship.yaml");
    const noRepo = await runCli(["render", spec, "--format", "argocd", "-o", "out"]);
    expect(noRepo.code).toBe(2);
    expect(noRepo.err).toContain("--format argocd needs --repo URL");
    const absolute = await runCli([
      "render",
      spec,
      "--format",
      "flux",
      "-o",
      join(tmpdir(), "x"),
      "--repo",
      SOURCE.repo,
    ]);
    expect(absolute.code).toBe(2);
    expect(absolute.err).toContain("give --path");
  });

  it("writes the Secrets the tree needs into its README, names and keys only", () => {
    const targets = targetsOf("examples/shop.kubeship.yaml");
    const readme = emitArgoCd(targets, SOURCE).get("README.md") ?? "";
    expect(readme).toContain("`postgres-credentials`");
    expect(readme).not.toMatch(/password: |=\S{16,}/);
    expect(parse(emitFlux(targets, SOURCE).get("flux/demo-app-source.yaml") ?? "")).toMatchObject({
      spec: { url: SOURCE.repo, ref: { branch: "main" } },
    });
  });
});

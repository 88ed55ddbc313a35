import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { ClusterError } from "../../src/deploy/kube/errors.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { environmentNames } from "../../src/spec/load-spec.js";
import { fuzzCases } from "../fuzz/generate.js";
import { fuzzSeeds } from "../fuzz/seeds.js";
import { readRepoFile, SPECS } from "../helpers/render.js";
import {
  BARMAN_CLOUD_CRDS,
  CLOUDNATIVE_PG_CRDS,
  ECK_CRDS,
  GATEWAY_API_CRDS,
  installCrds,
  installCrdTexts,
  PROMETHEUS_OPERATOR_CRDS,
  RABBITMQ_CRDS,
  strimziFixtureCrds,
  VPA_CRDS,
} from "./crds.js";

/**
 * What kubeship writes, the API server accepts: every object of every example and environment, and of
 * a sample of fuzzed specs that render, is sent to the real API server as a server-side dry run
 * (validation and admission, Pod Security included, nothing stored). Each set goes into a namespace
 * of its own, created for real so that namespaced objects have one to be validated in.
 */
const kubeconfig = inject("kubeconfig");
const cluster = await Cluster.connect({ kubeconfig });
let removeCrds: (() => void)[] = [];
const namespaces: string[] = [];

beforeAll(() => {
  removeCrds = [
    installCrds(kubeconfig, PROMETHEUS_OPERATOR_CRDS),
    installCrds(kubeconfig, VPA_CRDS),
    installCrds(kubeconfig, GATEWAY_API_CRDS),
    // The operators of backings in mode operator (Strimzi's as test fixtures: see crds.ts).
    installCrds(kubeconfig, CLOUDNATIVE_PG_CRDS),
    installCrds(kubeconfig, BARMAN_CLOUD_CRDS),
    installCrds(kubeconfig, ECK_CRDS),
    installCrds(kubeconfig, RABBITMQ_CRDS),
    installCrdTexts(kubeconfig, [strimziFixtureCrds()]),
  ];
});

afterAll(async () => {
  for (const name of namespaces)
    await cluster.delete({ apiVersion: "v1", kind: "Namespace", name }).catch(() => undefined);
  for (const remove of removeCrds) remove();
});

/** Refusals of a server-side dry run of every object, in a fresh namespace. */
async function refusals(objects: readonly KubeObject[], namespace: string): Promise<string[]> {
  namespaces.push(namespace);
  const ns = objects.find((o) => o.kind === "Namespace") ?? {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace },
  };
  await cluster.apply(ns);
  const out: string[] = [];
  for (const o of objects) {
    try {
      await cluster.apply(o, { dryRun: true });
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e;
      out.push(`${o.kind}/${o.metadata.name}: ${e.message}`);
    }
  }
  return out;
}

describe("the API server accepts everything kubeship writes", () => {
  const sets = SPECS.flatMap((path) => {
    const text = readRepoFile(path);
    return [undefined, ...environmentNames(text)].map((env) => ({ path, text, env }));
  });

  it.each(sets.map((s, i) => [`${s.path}${s.env === undefined ? "" : ` --env ${s.env}`}`, s, i] as const))(
    "%s: every object, in a server-side dry run",
    async (_name, s, i) => {
      const r = renderSpec(s.text, {
        file: s.path,
        namespace: `accept-${i}`,
        ...(s.env === undefined ? {} : { env: s.env }),
      });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(await refusals(r.value.objects, `accept-${i}`)).toEqual([]);
    },
  );

  // The suite's sample; a longer run before a release: KUBESHIP_ACCEPT_SEED=N KUBESHIP_ACCEPT_SAMPLE=500.
  const seed = Number(process.env["KUBESHIP_ACCEPT_SEED"] ?? 424242);
  const size = Number(process.env["KUBESHIP_ACCEPT_SAMPLE"] ?? 40);
  it(`a sample of ${size} fuzzed specs that render (seed ${seed}): every object, in a server-side dry run`, async () => {
    const sample = fuzzCases(fuzzSeeds(), seed, size * 10)
      .filter((c) => c.kind === "render" || c.kind === "render-helm")
      .map((c, i) => ({ c, r: renderSpec(c.text, { namespace: `fuzz-accept-${i}` }), i }))
      .filter((x) => x.r.ok)
      .slice(0, size);
    expect(sample.length).toBeGreaterThanOrEqual(Math.min(20, size));
    const refused: string[] = [];
    for (const { c, r, i } of sample) {
      if (!r.ok) continue;
      for (const why of await refusals(r.value.objects, `fuzz-accept-${i}`))
        refused.push(`${c.id} (${c.how}): ${why}`);
    }
    expect(refused).toEqual([]);
  });
});

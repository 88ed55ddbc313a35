import { afterAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { ClusterError } from "../../src/deploy/kube/errors.js";
import { manifestObjectsOf } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../../src/lint/lint.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { mutants } from "../differential/mutate.js";
import { schemasFor } from "../helpers/lint.js";
import { readRepoFile, SPECS } from "../helpers/render.js";

/**
 * The differential test of lint's validation against the real API server: valid objects of every
 * kind kubeship writes, mutated one field at a time (deletions, wrong values, boundary lengths and
 * numbers, invalid names and keys, broken references), are sent as a server-side dry run and linted.
 * No object the server refuses may pass lint without an error; no object the server accepts may get
 * an error of the validation family (schema, api-validation). A longer run before a release:
 * KUBESHIP_DIFF_SEED=N KUBESHIP_DIFF_SAMPLE=20000 npx vitest run --project cluster test/cluster/api-differential.test.ts
 */
const cluster = await Cluster.connect({ kubeconfig: inject("kubeconfig") });
// A namespace per run: one being deleted by the run before would refuse every object.
const NS = `kubeship-differential-${process.pid}`;
const VALIDATION = new Set(["schema", "api-validation", "yaml-syntax"]);
/**
 * Kinds of CRDs: not installed here, nothing to dry-run them against (their OpenAPI schemas are
 * checked by lint's schema rule; their CEL rules are the API server's alone, see docs/lint.md).
 */
const CRD_GROUPS = ["monitoring.coreos.com", "autoscaling.k8s.io", "gateway.networking.k8s.io"];

afterAll(async () => {
  await cluster.delete({ apiVersion: "v1", kind: "Namespace", name: NS }).catch(() => undefined);
});

function baseObjects(): KubeObject[] {
  const seen = new Set<string>();
  const out: KubeObject[] = [];
  for (const path of SPECS) {
    const r = renderSpec(readRepoFile(path), { namespace: NS });
    if (!r.ok) throw new Error(`${path} renders`);
    for (const o of r.value.objects) {
      if (o.kind === "Namespace" || CRD_GROUPS.some((g) => o.apiVersion.startsWith(`${g}/`))) continue;
      const key = `${o.kind}/${o.metadata.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(o);
    }
  }
  return out;
}

describe("lint against the API server", () => {
  const seed = Number(process.env["KUBESHIP_DIFF_SEED"] ?? 20261203);
  const size = Number(process.env["KUBESHIP_DIFF_SAMPLE"] ?? 4000);
  it(`misses no refusal and refuses nothing the server accepts, on ${size} mutants (seed ${seed})`, async () => {
    await cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
    const schemas = await schemasFor();
    const base = baseObjects();
    const list = mutants(base as unknown as Parameters<typeof mutants>[0], seed, size);
    const missed: string[] = [];
    const wrong: string[] = [];
    let refused = 0;
    let other = 0;
    for (const m of list) {
      const o = m.object as unknown as KubeObject;
      const id = `${o.kind}/${o.metadata.name} (${m.how})`;
      let why: string | undefined;
      try {
        await cluster.create(o, { dryRun: true });
      } catch (e) {
        if (!(e instanceof ClusterError)) throw e;
        // Validation refusals: 422 Invalid, 400 BadRequest (undecodable). Others are not about the object.
        if (e.status !== 422 && e.status !== 400) {
          other++;
          continue;
        }
        why = e.message;
      }
      const report = lintManifests(manifestObjectsOf([o], "mutant.yaml"), DEFAULT_SETTINGS, schemas);
      const errors = report.findings.filter((f) => f.severity === "error" && VALIDATION.has(f.code));
      if (why !== undefined) refused++;
      if (why !== undefined && errors.length === 0) missed.push(`${id}: ${why}`);
      if (why === undefined && errors.length > 0)
        wrong.push(`${id}: ${errors.map((f) => f.message).join("; ")}`);
    }
    console.log(
      `differential: ${list.length} mutants of ${base.length} objects, ${refused} refused by the server, ${other} other errors, ${missed.length} missed by lint, ${wrong.length} refused by lint only`,
    );
    expect({ missed, wrong }).toEqual({ missed: [], wrong: [] });
  });
});

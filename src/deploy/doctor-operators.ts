/**
 * `kubeship doctor` for backings in mode operator: each operator's CRDs (served, at which versions)
 * and its controller (found by its install's labels in any namespace, with its image's version).
 */
import { OPERATORS } from "../catalog/operators/index.js";
import { BARMAN_PLUGIN_FACTS } from "../catalog/operators/cloudnative-pg.js";
import type { OperatorFacts } from "../catalog/operators/types.js";
import type { KubeObject } from "../render/kube-object.js";
import type { DoctorCheck } from "./doctor-check.js";
import type { Cluster } from "./kube/cluster.js";
import { num } from "./readiness.js";

export async function operatorChecks(
  cluster: Cluster,
  objects: readonly KubeObject[],
): Promise<DoctorCheck[]> {
  const kinds = new Set(objects.map((o) => o.kind));
  const used = [...Object.values(OPERATORS).map((op) => op.facts), BARMAN_PLUGIN_FACTS].filter((f) =>
    f.kinds.some((k) => kinds.has(k)),
  );
  const checks: DoctorCheck[] = [];
  for (const facts of used) checks.push(await operatorCheck(cluster, facts));
  return checks;
}

async function operatorCheck(cluster: Cluster, facts: OperatorFacts): Promise<DoctorCheck> {
  const served: string[] = [];
  const missing: string[] = [];
  for (const crd of facts.crds) {
    const live = await cluster.get({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      name: crd,
    });
    const versions = (
      (live?.["spec"] as { versions?: { name?: string; served?: boolean }[] } | undefined)?.versions ?? []
    )
      .filter((v) => v.served === true)
      .map((v) => v.name ?? "?");
    if (live === undefined) missing.push(crd);
    else served.push(`${crd} served at ${versions.join(", ")}`);
  }
  const fix = `install ${facts.name} ${facts.version}: ${facts.install}`;
  if (missing.length > 0)
    return {
      name: facts.name,
      status: "fail",
      detail: `no CRD ${missing.join(", ")}: the backing services on it cannot be applied`,
      fix,
    };
  const selector = Object.entries(facts.controllerLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const controllers = await cluster.list("apps/v1", "Deployment", undefined, selector);
  const crds = `CRD${served.length === 1 ? "" : "s"} ${served.join("; ")}`;
  if (controllers.length === 0)
    return {
      name: facts.name,
      status: "warn",
      detail: `${crds}; no controller found (no Deployment labelled ${selector} in any namespace): its resources will wait`,
      fix,
    };
  const c = controllers[0];
  const spec = (c?.["spec"] ?? {}) as { template?: { spec?: { containers?: { image?: string }[] } } };
  const image = spec.template?.spec?.containers?.[0]?.image ?? "?";
  const ready = num(((c?.["status"] ?? {}) as Record<string, unknown>)["readyReplicas"]);
  return {
    name: facts.name,
    status: ready > 0 ? "ok" : "warn",
    detail: `${crds}; controller ${c?.metadata.namespace ?? ""}/${c?.metadata.name ?? ""} (${image}), ${ready} ready`,
    ...(ready > 0 ? {} : { fix: "the controller has no ready pod: kubectl describe its Deployment" }),
  };
}

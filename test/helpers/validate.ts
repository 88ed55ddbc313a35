import type { KubeObject } from "../../src/render/kube-object.js";

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

const CRD_PACKAGES: Record<string, string> = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "cert-manager.io": "@kubernetes-models/cert-manager",
  "autoscaling.k8s.io": "@kubernetes-models/autoscaler",
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
  "argoproj.io": "@kubernetes-models/argo-cd",
  "external-secrets.io": "@kubernetes-models/external-secrets",
  "generators.external-secrets.io": "@kubernetes-models/external-secrets",
  "kustomize.toolkit.fluxcd.io": "@kubernetes-models/flux-cd",
  "source.toolkit.fluxcd.io": "@kubernetes-models/flux-cd",
  "kafka.strimzi.io": "@kubernetes-models/strimzi-kafka-operator",
  "postgresql.cnpg.io": "@kubernetes-models/cloudnative-pg",
};

/** Validates an object against the kubernetes-models schema of its apiVersion and kind; returns the error text or undefined. */
export async function schemaError(o: KubeObject): Promise<string | undefined> {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
  const pkg = group !== undefined && group in CRD_PACKAGES ? CRD_PACKAGES[group] : "kubernetes-models";
  const path = group === "" ? `${pkg}/${version}/${o.kind}` : `${pkg}/${group}/${version}/${o.kind}`;
  const mod = (await import(path)) as Record<string, ModelClass>;
  const Model = mod[o.kind];
  if (Model === undefined) return `no model for ${o.apiVersion} ${o.kind}`;
  try {
    new Model(o).validate();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

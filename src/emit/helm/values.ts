import type { SecretRequirement } from "../../catalog/types.js";
import type { AppModel, Workload } from "../../model/app-model.js";
import type { RenderedApp } from "../../render/render-app.js";
import type { KubeObject } from "../../render/kube-object.js";

/** An image split the way charts expose it. */
export interface ImageValues {
  repository: string;
  tag: string;
  digest?: string;
}

/** Splits `repo:tag` or `repo@sha256:...` into chart values. */
export function splitImage(image: string): ImageValues {
  const at = image.indexOf("@");
  if (at !== -1) return { repository: image.slice(0, at), tag: "", digest: image.slice(at + 1) };
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash
    ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { repository: image, tag: "" };
}

/** The chart's values.yaml, as data: what an operator tunes, with the spec's choices as defaults. */
export function chartValues(app: RenderedApp): Record<string, unknown> {
  const { model, objects } = app;
  const section = (kind: Workload["kind"][]) =>
    Object.fromEntries(
      model.workloads
        .filter((w) => kind.includes(w.kind))
        .map((w) => [w.name, w.kind === "job" || w.kind === "cronjob" ? jobValues(w) : workloadValues(w)]),
    );
  const backing = Object.fromEntries(
    objects
      .filter((o) => o.kind === "StatefulSet")
      .map((o) => {
        const spec = o["spec"] as StatefulSpec;
        const c = spec.template.spec.containers[0];
        return [
          o.metadata.name,
          {
            image: splitImage(c?.image ?? ""),
            storage: spec.volumeClaimTemplates[0]?.spec.resources.requests.storage ?? "",
            resources: c?.resources ?? {},
          },
        ];
      }),
  );
  const values: Record<string, unknown> = {
    namespace: { create: false },
    ingress: ingressValues(model),
    services: section(["service"]),
    workers: section(["worker"]),
    jobs: section(["job", "cronjob"]),
    backing,
    secrets: Object.fromEntries(app.secrets.map((s) => [s.name, secretValues(s)])),
  };
  const monitoring: Record<string, boolean> = {};
  if (model.monitoring.serviceMonitor) monitoring["serviceMonitor"] = true;
  if (model.monitoring.alerts) monitoring["alerts"] = true;
  if (model.monitoring.dashboard) monitoring["dashboard"] = true;
  if (Object.keys(monitoring).length > 0) values["monitoring"] = monitoring;
  if (model.security.networkPolicies) values["networkPolicies"] = { enabled: true };
  return values;
}

interface StatefulSpec {
  template: { spec: { containers: { image?: string; resources?: unknown }[] } };
  volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[];
}

function workloadValues(w: Workload): Record<string, unknown> {
  return {
    image: splitImage(w.image),
    replicas: w.replicas,
    autoscale: w.autoscale
      ? {
          enabled: true,
          min: w.autoscale.min,
          max: w.autoscale.max,
          cpu: w.autoscale.cpu ?? null,
          memory: w.autoscale.memory ?? null,
        }
      : { enabled: false, min: w.replicas, max: Math.max(2 * w.replicas, 2), cpu: 80, memory: null },
    resources: { requests: { ...w.resources.requests }, limits: { ...w.resources.limits } },
  };
}

function jobValues(w: Workload): Record<string, unknown> {
  return {
    image: splitImage(w.image),
    resources: { requests: { ...w.resources.requests }, limits: { ...w.resources.limits } },
  };
}

function ingressValues(model: AppModel): Record<string, unknown> {
  return {
    className: model.ingress.className,
    host: model.domain ?? "",
    tls: { enabled: model.ingress.tls !== undefined, clusterIssuer: model.ingress.tls ?? "" },
  };
}

function secretValues(s: SecretRequirement): Record<string, unknown> {
  return s.source === "external" ? { existingSecret: "", values: {} } : { existingSecret: "" };
}

/** Objects of a rendered app by `kind/name`. */
export function byKindName(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

import type { SecretRequirement } from "../../catalog/types.js";
import type { Workload } from "../../model/app-model.js";
import { renderContext } from "../../render/context.js";
import { renderHpa } from "../../render/horizontal-pod-autoscaler.js";
import { renderPdb } from "../../render/pod-disruption-budget.js";
import type { RenderedApp } from "../../render/render-app.js";
import { type KubeObject, toObject } from "../../render/kube-object.js";
import { resolveBackings } from "../../catalog/catalog.js";
import { WAIVE_ANNOTATION_PREFIX } from "../../render/labels.js";
import { NAMESPACE_LABEL } from "../../render/rbac.js";
import { type FileTree, fileTree } from "../file-tree.js";
import { GENERATED_HEADER, objectFileName } from "../yaml.js";
import {
  TemplateBlock,
  TemplateIf,
  TemplateScalar,
  TemplateString,
  writeYaml,
  writeYamlWithTemplates,
} from "../yaml-writer.js";
import { HELPERS_TPL } from "./helpers-tpl.js";
import { portable } from "./templatize.js";
import { chartValues } from "./values.js";
import { valuesSchema } from "./values-schema.js";
import { chartReadme, notesTxt } from "./chart-docs.js";

/** Options of the Helm chart emitter. */
export interface HelmChartOptions {
  /** Chart version (SemVer). @default "0.1.0" */
  readonly version?: string;
  /** The app's version shown by `helm list`. @default the chart version */
  readonly appVersion?: string;
}

type Obj = Record<string, unknown>;

/**
 * A Helm chart that renders the same objects as `kubeship render` (object names come from the spec,
 * never from the release), with values for what operators tune, a values schema, helpers, NOTES and
 * a README. Secrets are created once with `lookup` and kept across upgrades, or taken from
 * `existingSecret`.
 */
export function emitHelmChart(app: RenderedApp, options: HelmChartOptions = {}): FileTree {
  const { model } = app;
  const version = options.version ?? "0.1.0";
  const values = { app: model.app, ...chartValues(app) };
  const files: [string, string][] = [
    [
      "Chart.yaml",
      GENERATED_HEADER + writeYaml(chartYaml(model.app, version, options.appVersion ?? version)),
    ],
    [
      "values.yaml",
      `${GENERATED_HEADER}# Values of the ${model.app} chart: see README.md for each of them.\n${writeYaml(values)}`,
    ],
    ["values.schema.json", `${JSON.stringify(valuesSchema(values), null, 2)}\n`],
    ["README.md", chartReadme(app, values)],
    ["templates/_helpers.tpl", HELPERS_TPL],
    ["templates/NOTES.txt", notesTxt(app)],
    [".helmignore", "# Patterns to ignore when packaging.\n.DS_Store\n*.swp\n*.bak\n*.tmp\n"],
  ];
  const ctx = renderContext(model, resolveBackings(model));
  const rendered = new Set(app.objects.map((o) => `${o.kind}/${o.metadata.name}`));
  const extra: KubeObject[] = [];
  // Templates for what values can switch on although the spec left it off: an HPA and a PDB per workload.
  for (const w of model.workloads.filter((x) => x.kind === "service" || x.kind === "worker")) {
    if (!rendered.has(`HorizontalPodAutoscaler/${w.name}`))
      extra.push(toObject(renderHpa(ctx, w, { min: w.replicas, max: Math.max(2 * w.replicas, 2), cpu: 80 })));
    if (!rendered.has(`PodDisruptionBudget/${w.name}`)) extra.push(toObject(renderPdb(ctx, w.name, w.kind)));
  }
  for (const o of [...app.objects, ...extra]) {
    const t = templateFor(app, o);
    if (t === undefined) continue;
    const body = writeYamlWithTemplates(portable(t.object, model.namespace));
    const text = t.condition === undefined ? body : `{{- if ${t.condition} }}\n${body}{{- end }}\n`;
    files.push([
      `templates/${objectFileName(o)}`,
      `${t.vars.join("\n")}${t.vars.length > 0 ? "\n" : ""}${text}`,
    ]);
  }
  for (const s of app.secrets) files.push([`templates/02-secret-${s.name}.yaml`, secretTemplate(s, app)]);
  return fileTree(files);
}

function chartYaml(name: string, version: string, appVersion: string): Obj {
  return {
    apiVersion: "v2",
    name,
    description: `${name}, rendered by kubeship from its app spec`,
    type: "application",
    version,
    appVersion,
    keywords: ["kubeship"],
    annotations: { "kubeship.io/generated": "true" },
  };
}

interface Template {
  vars: string[];
  condition?: string;
  object: Obj;
}

function templateFor(app: RenderedApp, o: KubeObject): Template | undefined {
  const { model } = app;
  const secretNames = new Set(app.secrets.map((s) => s.name));
  const object = withSecretNames(withChartLabel(clone(o)), secretNames);
  const workload = model.workloads.find((w) => w.name === o.metadata.name);
  const section = (w: Workload): string =>
    w.kind === "service" ? "services" : w.kind === "worker" ? "workers" : "jobs";
  const v = (sectionName: string, name: string): string =>
    `{{- $v := index .Values.${sectionName} ${JSON.stringify(name)} }}`;
  switch (o.kind) {
    case "Namespace": {
      (object["metadata"] as Obj)["name"] = new TemplateScalar("{{ .Release.Namespace }}");
      return { vars: [], condition: ".Values.namespace.create", object };
    }
    case "ClusterRole":
    case "ClusterRoleBinding": {
      // Cluster-wide: one set per release namespace, named and labelled with it (as render does).
      const meta = object["metadata"] as Obj;
      const own = (name: string): unknown =>
        name.startsWith(`${model.namespace}-`)
          ? new TemplateString(`{{ .Release.Namespace }}-${name.slice(model.namespace.length + 1)}`)
          : name;
      meta["name"] = own(o.metadata.name);
      (meta["labels"] as Obj)[NAMESPACE_LABEL] = new TemplateString("{{ .Release.Namespace }}");
      const ref = object["roleRef"] as Obj | undefined;
      if (ref !== undefined && typeof ref["name"] === "string") ref["name"] = own(ref["name"]);
      return { vars: [], object };
    }
    case "Deployment": {
      if (!workload) return { vars: [], object };
      const spec = object["spec"] as Obj;
      const { replicas: _replicas, ...rest } = spec;
      object["spec"] = {
        replicas: new TemplateIf("not $v.autoscale.enabled", new TemplateScalar("{{ $v.replicas }}")),
        ...rest,
      };
      selectorFromHelper(object["spec"] as Obj, o.metadata.name);
      templatizeContainer(podSpecOf(object));
      return { vars: [v(section(workload), workload.name)], object };
    }
    case "HorizontalPodAutoscaler": {
      if (!workload) return { vars: [], object };
      const spec = object["spec"] as Obj;
      spec["minReplicas"] = new TemplateScalar("{{ $v.autoscale.min }}");
      spec["maxReplicas"] = new TemplateScalar("{{ $v.autoscale.max }}");
      spec["metrics"] = new TemplateBlock('include "kubeship.hpaMetrics" $v.autoscale');
      return { vars: [v(section(workload), workload.name)], condition: "$v.autoscale.enabled", object };
    }
    case "PodDisruptionBudget": {
      if (!workload) return { vars: [], object };
      return {
        vars: [v(section(workload), workload.name)],
        condition: "ge (int (ternary $v.autoscale.min $v.replicas $v.autoscale.enabled)) 2",
        object,
      };
    }
    case "Job":
    case "CronJob": {
      if (!workload) return { vars: [], object };
      templatizeContainer(podSpecOf(object));
      return { vars: [v("jobs", workload.name)], object };
    }
    case "StatefulSet": {
      const spec = object["spec"] as Obj;
      selectorFromHelper(spec, o.metadata.name);
      templatizeContainer(podSpecOf(object));
      const vct = (spec["volumeClaimTemplates"] as Obj[])[0];
      const requests = ((vct?.["spec"] as Obj | undefined)?.["resources"] as Obj | undefined)?.[
        "requests"
      ] as Obj | undefined;
      if (requests) requests["storage"] = new TemplateScalar("{{ $v.storage | quote }}");
      return { vars: [v("backing", o.metadata.name)], object };
    }
    case "Ingress":
      return { vars: [], object: templatizeIngress(object, model.domain !== undefined) };
    case "ServiceMonitor":
      return { vars: [], condition: ".Values.monitoring.serviceMonitor", object };
    case "PrometheusRule":
      return { vars: [], condition: ".Values.monitoring.alerts", object };
    case "NetworkPolicy":
      return { vars: [], condition: ".Values.networkPolicies.enabled", object };
    case "ConfigMap":
      return o.metadata.name === `${model.app}-dashboard`
        ? { vars: [], condition: ".Values.monitoring.dashboard", object }
        : { vars: [], object };
    default:
      return { vars: [], object };
  }
}

function templatizeContainer(pod: Obj): void {
  const c = (pod["containers"] as Obj[])[0];
  if (!c) return;
  c["image"] = new TemplateScalar('{{ include "kubeship.image" $v.image | quote }}');
  c["resources"] = new TemplateBlock("toYaml $v.resources");
}

function templatizeIngress(object: Obj, hasHost: boolean): Obj {
  const spec = object["spec"] as Obj;
  spec["ingressClassName"] = new TemplateScalar("{{ .Values.ingress.className | quote }}");
  const rules = spec["rules"] as Obj[];
  const host = new TemplateScalar("{{ .Values.ingress.host | quote }}");
  if (hasHost) for (const r of rules) r["host"] = host;
  const meta = object["metadata"] as Obj;
  const annotations = { ...((meta["annotations"] as Obj | undefined) ?? {}) };
  delete annotations["cert-manager.io/cluster-issuer"];
  if (!hasHost) return object;
  const tlsOn = ".Values.ingress.tls.enabled";
  const issuer = new TemplateIf(tlsOn, new TemplateScalar("{{ .Values.ingress.tls.clusterIssuer | quote }}"));
  const secretName =
    ((spec["tls"] as Obj[] | undefined)?.[0]?.["secretName"] as string | undefined) ??
    `${String(meta["name"])}-tls`;
  const { tls: _tls, ...specRest } = spec;
  object["spec"] = {
    ...specRest,
    tls: new TemplateIf(tlsOn, [{ hosts: [host], secretName }]),
  };
  const { annotations: _a, ...metaRest } = meta;
  object["metadata"] =
    Object.keys(annotations).length > 0
      ? { ...metaRest, annotations: { ...annotations, "cert-manager.io/cluster-issuer": issuer } }
      : {
          ...metaRest,
          annotations: new TemplateIf(tlsOn, {
            "cert-manager.io/cluster-issuer": new TemplateScalar(
              "{{ .Values.ingress.tls.clusterIssuer | quote }}",
            ),
          }),
        };
  return object;
}

function selectorFromHelper(spec: Obj, name: string): void {
  spec["selector"] = {
    matchLabels: new TemplateBlock(`include "kubeship.selectorLabels" (list $ ${JSON.stringify(name)})`),
  };
}

function podSpecOf(object: Obj): Obj {
  const spec = object["spec"] as Obj;
  if (object["kind"] === "CronJob")
    return (((spec["jobTemplate"] as Obj)["spec"] as Obj)["template"] as Obj)["spec"] as Obj;
  return (spec["template"] as Obj)["spec"] as Obj;
}

function withChartLabel(object: Obj): Obj {
  const meta = object["metadata"] as Obj;
  meta["labels"] = {
    ...(meta["labels"] ?? {}),
    "helm.sh/chart": new TemplateScalar('{{ include "kubeship.chart" $ }}'),
  };
  return object;
}

/** Points every secretKeyRef at the chart's Secret or the operator's `existingSecret`. */
function withSecretNames(value: Obj, names: ReadonlySet<string>): Obj {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object" && v.constructor === Object) {
      const o = v as Obj;
      const ref = o["secretKeyRef"] as Obj | undefined;
      if (ref && typeof ref["name"] === "string" && names.has(ref["name"]))
        ref["name"] = new TemplateScalar(
          `{{ include "kubeship.secretName" (list $ ${JSON.stringify(ref["name"])}) }}`,
        );
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  return value;
}

function secretTemplate(s: SecretRequirement, app: RenderedApp): string {
  const name = JSON.stringify(s.name);
  const header = [`{{- $s := index .Values.secrets ${name} }}`];
  const meta = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: s.name,
      namespace: new TemplateScalar("{{ .Release.Namespace }}"),
      labels: {
        "app.kubernetes.io/name": s.name,
        "app.kubernetes.io/instance": app.model.app,
        "app.kubernetes.io/component": "secret",
        "app.kubernetes.io/part-of": app.model.app,
        "app.kubernetes.io/managed-by": "kubeship",
        "helm.sh/chart": new TemplateScalar('{{ include "kubeship.chart" $ }}'),
      },
      // Generated values must survive `helm uninstall` and never change on upgrade.
      // The value exists only in the cluster (made at install or taken from the user's values), never
      // in the chart: lint's plaintext-secret rule is about committed values, so it is waived here.
      annotations: {
        "helm.sh/resource-policy": "keep",
        "kubeship.io/secret-source": s.source,
        [`${WAIVE_ANNOTATION_PREFIX}plaintext-secret`]:
          "the chart creates the value at install; it is never committed",
      },
    },
    type: "Opaque",
  };
  if (s.source === "generated") {
    header.push(
      `{{- if not $s.existingSecret }}`,
      `{{- $old := (lookup "v1" "Secret" .Release.Namespace ${name}).data | default dict }}`,
    );
    const data = Object.fromEntries(
      s.keys.map((k) => [
        k,
        new TemplateScalar(
          `{{ index $old ${JSON.stringify(k)} | default (randAlphaNum 32 | b64enc) | quote }}`,
        ),
      ]),
    );
    return `${header.join("\n")}\n${writeYamlWithTemplates({ ...meta, data })}{{- end }}\n`;
  }
  header.push(`{{- if and (not $s.existingSecret) $s.values }}`);
  const data = Object.fromEntries(
    s.keys.map((k) => [
      k,
      new TemplateScalar(
        `{{ required ${JSON.stringify(`set secrets.${s.name}.values.${k}, or secrets.${s.name}.existingSecret`)} (index $s.values ${JSON.stringify(k)}) | b64enc | quote }}`,
      ),
    ]),
  );
  return `${header.join("\n")}\n${writeYamlWithTemplates({ ...meta, data })}{{- end }}\n`;
}

function clone(o: KubeObject): Obj {
  return structuredClone(o);
}

import { checkBackings, isExternal, isOperated, resolveBackings } from "../catalog/catalog.js";
import { renderOperated } from "./operated.js";
import { renderVeleroSchedule } from "./velero-schedule.js";
import { backupPlans, renderBackupCronJob, renderBackupScripts, renderRestoreCronJob } from "./backup-job.js";
import type { SecretRequirement } from "../catalog/types.js";
import type { AppModel } from "../model/app-model.js";
import { resultOf, type Result } from "../spec/diagnostic.js";
import { checkOutput } from "./check-output.js";
import { fileReferenceWarnings } from "./file-references.js";
import { renderConfigMap, renderFilesConfigMap } from "./config-map.js";
import { type RenderContext, renderContext } from "./context.js";
import { renderDashboard } from "./dashboard.js";
import {
  EXPORTER_COMPONENT,
  exporterName,
  renderExporter,
  renderExporterService,
} from "./exporter-deployment.js";
import { renderDeployment } from "./deployment.js";
import { renderHpa } from "./horizontal-pod-autoscaler.js";
import { renderExternalSecrets } from "./external-secret.js";
import { renderGatewayRoutes } from "./gateway-routes.js";
import { renderIngresses } from "./ingress.js";
import { renderCronJob, renderInitJob, renderJob } from "./job.js";
import { type KubeObject, sortObjects, toObject } from "./kube-object.js";
import { backingGroupLabels, WAIVE_ANNOTATION_PREFIX } from "./labels.js";
import { renderNamespace, SHARED_NAMESPACES } from "./namespace.js";
import { renderNetworkPolicies } from "./network-policy.js";
import { renderPdb } from "./pod-disruption-budget.js";
import { renderPrometheusRule } from "./prometheus-rule.js";
import { requiredSecrets } from "./secret.js";
import { metricsPortName } from "./context.js";
import { renderBackingServices, renderWorkloadService } from "./service.js";
import { renderWorkloadRbac } from "./rbac.js";
import { renderServiceAccount } from "./service-account.js";
import { renderVpa } from "./vertical-pod-autoscaler.js";
import { renderVolumeClaim, renderWorkloadFilesConfigMap } from "./workload-volumes.js";
import { renderServiceMonitor } from "./service-monitor.js";
import { BACKING_COMPONENT, renderStatefulSet } from "./stateful-set.js";

/** The outcome of rendering: the objects, and the Secrets they need (created at deploy time, never rendered). */
export interface RenderedApp {
  readonly model: AppModel;
  /** Sorted in apply order, then by name. */
  readonly objects: readonly KubeObject[];
  readonly secrets: readonly SecretRequirement[];
}

/** Renders the app model into Kubernetes objects. Pure; fails only on catalog errors (unknown versions, replicas). */
export function renderApp(model: AppModel): Result<RenderedApp> {
  const diagnostics = checkBackings(model.backings);
  if (diagnostics.some((d) => d.severity === "error")) return { ok: false, diagnostics };
  const ctx = renderContext(model, resolveBackings(model));
  const objects = sortObjects(renderObjects(ctx));
  const refused = checkOutput(model, objects);
  if (refused.length > 0) return { ok: false, diagnostics: [...diagnostics, ...refused] };
  return resultOf({ model, objects, secrets: requiredSecrets(ctx) }, [
    ...diagnostics,
    ...fileReferenceWarnings(ctx),
  ]);
}

function renderObjects(ctx: RenderContext): KubeObject[] {
  const { model } = ctx;
  const out: KubeObject[] = [];
  if (!SHARED_NAMESPACES.includes(model.namespace)) out.push(toObject(renderNamespace(model)));
  if (Object.keys(model.config).length > 0) out.push(toObject(renderConfigMap(ctx)));

  for (const v of model.volumes) out.push(toObject(renderVolumeClaim(model, v)));

  for (const w of model.workloads) {
    out.push(toObject(renderServiceAccount(model, w.name, w.kind === "cronjob" ? "job" : w.kind)));
    out.push(...renderWorkloadRbac(model, w).map(toObject));
    const files = renderWorkloadFilesConfigMap(model, w);
    if (files) out.push(toObject(files));
    if (w.kind === "job") out.push(toObject(renderJob(ctx, w)));
    else if (w.kind === "cronjob") out.push(toObject(renderCronJob(ctx, w)));
    else {
      out.push(toObject(renderDeployment(ctx, w)));
      const svc = renderWorkloadService(ctx, w);
      if (svc) out.push(toObject(svc));
      if (w.autoscale) out.push(toObject(renderHpa(ctx, w, w.autoscale)));
      if (w.vertical) out.push(toObject(renderVpa(ctx, w, w.vertical)));
      if ((w.autoscale?.min ?? w.replicas) >= 2) out.push(toObject(renderPdb(ctx, w.name, w.kind)));
      if (w.metrics && model.monitoring.serviceMonitor)
        out.push(toObject(renderServiceMonitor(ctx, w.name, w.kind, metricsPortName(w), w.metrics.path)));
    }
  }

  for (const b of ctx.backings.values()) {
    if (isExternal(b)) continue;
    if (isOperated(b)) {
      out.push(...renderOperated(ctx, b));
      continue;
    }
    out.push(toObject(renderServiceAccount(model, b.name, BACKING_COMPONENT)));
    const sets = [b, ...b.members];
    const pods = sets.reduce((n, r) => n + r.replicas, 0);
    const files = Object.assign(
      {},
      ...sets.map((r) => r.files?.files ?? {}),
      b.init?.files?.files ?? {},
    ) as Record<string, string>;
    if (Object.keys(files).length > 0) out.push(toObject(renderFilesConfigMap(ctx, b, files)));
    for (const r of sets) {
      out.push(toObject(renderStatefulSet(ctx, r, pods)));
      for (const s of renderBackingServices(ctx, r)) out.push(toObject(s));
      if (r.metrics?.deployment !== undefined) {
        const name = exporterName(r.name);
        out.push(toObject(renderExporter(ctx, r, r.metrics.deployment)));
        out.push(toObject(renderExporterService(ctx, r, r.metrics.port)));
        if (model.monitoring.serviceMonitor)
          out.push(
            toObject(
              renderServiceMonitor(ctx, name, EXPORTER_COMPONENT, r.metrics.port.name, r.metrics.path),
            ),
          );
      } else if (r.metrics && model.monitoring.serviceMonitor)
        out.push(
          toObject(renderServiceMonitor(ctx, r.name, BACKING_COMPONENT, r.metrics.port.name, r.metrics.path)),
        );
    }
    // One budget over every pod of the backing: a drain takes one member at a time, never a primary
    // and its replica together, and a quorum keeps its majority.
    if (pods >= 2)
      out.push(toObject(renderPdb(ctx, b.name, BACKING_COMPONENT, backingGroupLabels(model, b.name))));
    if (b.init) out.push(toObject(renderInitJob(ctx, b, b.init)));
  }

  for (const plan of backupPlans(ctx)) {
    out.push(toObject(renderBackupScripts(ctx, plan)));
    out.push(toObject(renderBackupCronJob(ctx, plan)));
    out.push(toObject(renderRestoreCronJob(ctx, plan)));
  }
  const velero = renderVeleroSchedule(model);
  if (velero !== undefined) out.push(velero);
  out.push(...renderExternalSecrets(ctx));
  if (model.ingress.api === "gateway") out.push(...renderGatewayRoutes(ctx).map(toObject));
  else out.push(...renderIngresses(ctx).map(toObject));
  if (model.security.networkPolicies) out.push(...renderNetworkPolicies(ctx).map(toObject));
  if (model.monitoring.alerts) out.push(toObject(renderPrometheusRule(ctx)));
  if (model.monitoring.dashboard) out.push(toObject(renderDashboard(ctx)));
  // Without NetworkPolicies (the spec turned them off), say so where lint would look for them.
  if (!model.security.networkPolicies)
    return out.map((o) =>
      POD_TEMPLATE_KINDS.has(o.kind)
        ? withAnnotations(o, {
            [`${WAIVE_ANNOTATION_PREFIX}network-policy-coverage`]:
              "security.networkPolicies is off in the spec",
          })
        : o,
    );
  return out;
}

const POD_TEMPLATE_KINDS: ReadonlySet<string> = new Set(["Deployment", "StatefulSet", "Job", "CronJob"]);

function withAnnotations(o: KubeObject, annotations: Readonly<Record<string, string>>): KubeObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...annotations } } };
}

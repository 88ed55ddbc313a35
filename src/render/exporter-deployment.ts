import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IContainer } from "kubernetes-models/v1";
import type { IService } from "kubernetes-models/v1/Service";
import type { BackingRuntime } from "../catalog/types.js";
import type { RenderContext } from "./context.js";
import { BACKING_LABEL, imageTag, objectLabels, selectorLabels, WAIVE_ANNOTATION_PREFIX } from "./labels.js";
import { ENABLE_SERVICE_LINKS, placementFields } from "./pod.js";
import { containerSecurityContext, podSecurityContext, WORKLOAD_UID } from "./security-context.js";

/** The name of a backing's exporter Deployment and Service. */
export function exporterName(backing: string): string {
  return `${backing}-exporter`;
}

/** The component label of exporters. */
export const EXPORTER_COMPONENT = "exporter";

/**
 * The Deployment of an exporter that runs on its own, beside a backing service's members (see
 * `BackingMetrics.deployment`): one pod, kubeship's unprivileged user, the backing's ServiceAccount.
 * Deployed with the backing (its objects carry the backing's label).
 */
export function renderExporter(
  ctx: RenderContext,
  b: BackingRuntime,
  exporter: IContainer,
): IDeployment & { metadata: { name: string } } {
  const { model } = ctx;
  const name = exporterName(b.name);
  const labels = objectLabels(model, name, EXPORTER_COMPONENT, imageTag(exporter.image ?? ""));
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: model.namespace,
      labels: { ...labels, [BACKING_LABEL]: b.group },
      // One exporter pod: metrics pause while it restarts, which costs nothing a second pod would save.
      annotations: {
        [`${WAIVE_ANNOTATION_PREFIX}replicas`]:
          "an exporter: a gap in metrics while it restarts is acceptable",
      },
    },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(model, name) },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: b.group,
          automountServiceAccountToken: false,
          enableServiceLinks: ENABLE_SERVICE_LINKS,
          securityContext: podSecurityContext(model, {
            uid: WORKLOAD_UID,
            gid: WORKLOAD_UID,
            fsGroup: WORKLOAD_UID,
          }),
          ...placementFields(b.placement),
          containers: [{ ...exporter, securityContext: containerSecurityContext(model) }],
        },
      },
    },
  };
}

/** The Service a ServiceMonitor scrapes an exporter through. */
export function renderExporterService(
  ctx: RenderContext,
  b: BackingRuntime,
  port: { name: string; port: number },
): IService & { metadata: { name: string } } {
  const { model } = ctx;
  const name = exporterName(b.name);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name,
      namespace: model.namespace,
      labels: { ...objectLabels(model, name, EXPORTER_COMPONENT), [BACKING_LABEL]: b.group },
    },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(model, name),
      ports: [{ name: port.name, port: port.port, targetPort: port.name, protocol: "TCP" }],
    },
  };
}

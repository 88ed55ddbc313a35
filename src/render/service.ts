import type { IService, IServicePort } from "kubernetes-models/v1";
import type { BackingRuntime } from "../catalog/types.js";
import { headlessName } from "../catalog/helpers.js";
import type { Workload } from "../model/app-model.js";
import { hasSeparateMetricsPort, type RenderContext, servicePortName } from "./context.js";
import { backingGroupLabels, objectLabels, selectorLabels } from "./labels.js";
import { BACKING_COMPONENT } from "./stateful-set.js";

type NamedService = IService & { metadata: { name: string } };

const APP_PROTOCOL: Record<Workload["protocol"], string | undefined> = {
  http: "http",
  grpc: "grpc",
  tcp: undefined,
};

/** The ClusterIP Service of a service (and of a worker, for its metrics port). */
export function renderWorkloadService(ctx: RenderContext, w: Workload): NamedService | undefined {
  const { model } = ctx;
  const ports: IServicePort[] = [];
  if (w.port !== undefined) {
    const appProtocol = APP_PROTOCOL[w.protocol];
    ports.push({
      name: servicePortName(w),
      port: w.port,
      targetPort: servicePortName(w),
      protocol: "TCP",
      ...(appProtocol ? { appProtocol } : {}),
    });
  }
  if (w.metrics !== undefined && (w.port === undefined || hasSeparateMetricsPort(w)))
    ports.push({ name: "metrics", port: w.metrics.port, targetPort: "metrics", protocol: "TCP" });
  if (ports.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: w.name, namespace: model.namespace, labels: objectLabels(model, w.name, w.kind) },
    spec: { type: "ClusterIP", selector: selectorLabels(model, w.name), ports },
  };
}

/** The client Service (load-balanced) and the headless Service (stable pod names) of a backing. */
export function renderBackingServices(ctx: RenderContext, b: BackingRuntime): NamedService[] {
  const { model } = ctx;
  const ports: IServicePort[] = b.ports.map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.name,
    protocol: "TCP",
  }));
  const metrics = b.metrics;
  if (
    metrics !== undefined &&
    metrics.deployment === undefined &&
    !b.ports.some((p) => p.name === metrics.port.name)
  )
    ports.push({
      name: metrics.port.name,
      port: metrics.port.port,
      targetPort: metrics.port.name,
      protocol: "TCP",
    });
  const labels = { ...objectLabels(model, b.name, BACKING_COMPONENT), ...backingGroupLabels(model, b.group) };
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: b.name, namespace: model.namespace, labels },
      spec: { type: "ClusterIP", selector: selectorLabels(model, b.name), ports },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: headlessName(b.name), namespace: model.namespace, labels },
      spec: {
        clusterIP: "None",
        selector: selectorLabels(model, b.name),
        ports: b.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" })),
        publishNotReadyAddresses: b.publishNotReadyAddresses,
      },
    },
  ];
}

import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import type { RenderContext } from "./context.js";
import { objectLabels, selectorLabels } from "./labels.js";

/** How often Prometheus scrapes kubeship's targets. */
export const SCRAPE_INTERVAL = "30s";

/**
 * A prometheus-operator ServiceMonitor for one scrape target: the Service of that name, the named
 * port and the path. https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export function renderServiceMonitor(
  ctx: RenderContext,
  name: string,
  component: string,
  port: string,
  path: string,
): IServiceMonitor & { metadata: { name: string } } {
  const { model } = ctx;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name, namespace: model.namespace, labels: objectLabels(model, name, component) },
    spec: {
      selector: { matchLabels: { ...selectorLabels(model, name) } },
      namespaceSelector: { matchNames: [model.namespace] },
      endpoints: [{ port, path, interval: SCRAPE_INTERVAL, scrapeTimeout: "10s" }],
    },
  };
}

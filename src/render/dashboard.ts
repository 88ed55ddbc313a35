import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { RenderContext } from "./context.js";
import { objectLabels } from "./labels.js";

/** The label the Grafana dashboard sidecar watches for. https://github.com/grafana/helm-charts/tree/main/charts/grafana#sidecar-for-dashboards */
export const GRAFANA_DASHBOARD_LABEL = "grafana_dashboard";

type Panel = Record<string, unknown>;

/** A Grafana dashboard for the app, as a ConfigMap the Grafana sidecar imports. */
export function renderDashboard(ctx: RenderContext): IConfigMap & { metadata: { name: string } } {
  const { model } = ctx;
  const ns = model.namespace;
  const panels: Panel[] = [];
  let y = 0;
  const add = (title: string, expr: string, unit: string, legend: string): void => {
    panels.push({
      id: panels.length + 1,
      type: "timeseries",
      title,
      datasource: { type: "prometheus", uid: "${datasource}" },
      gridPos: { h: 8, w: 12, x: (panels.length % 2) * 12, y },
      fieldConfig: { defaults: { unit }, overrides: [] },
      targets: [{ expr, legendFormat: legend, refId: "A" }],
    });
    if (panels.length % 2 === 0) y += 8;
  };
  const pods = `namespace="${ns}"`;
  add(
    "CPU by workload",
    `sum by (container) (rate(container_cpu_usage_seconds_total{${pods}, container!="", container!="POD"}[5m]))`,
    "cores",
    "{{container}}",
  );
  add(
    "Memory by workload",
    `sum by (container) (container_memory_working_set_bytes{${pods}, container!="", container!="POD"})`,
    "bytes",
    "{{container}}",
  );
  add(
    "Ready replicas",
    `sum by (deployment) (kube_deployment_status_replicas_ready{${pods}})`,
    "short",
    "{{deployment}}",
  );
  add(
    "Restarts (1h)",
    `sum by (pod) (increase(kube_pod_container_status_restarts_total{${pods}}[1h]))`,
    "short",
    "{{pod}}",
  );
  for (const w of model.workloads.filter((x) => x.kind === "service" && x.metrics !== undefined)) {
    const sel = `namespace="${ns}", service="${w.name}"`;
    if (w.protocol === "grpc") {
      add(
        `${w.name}: requests/s`,
        `sum by (grpc_code) (rate(grpc_server_handled_total{${sel}}[5m]))`,
        "reqps",
        "{{grpc_code}}",
      );
      add(
        `${w.name}: p95 latency`,
        `histogram_quantile(0.95, sum by (le) (rate(grpc_server_handling_seconds_bucket{${sel}}[5m])))`,
        "s",
        "p95",
      );
    } else {
      add(
        `${w.name}: requests/s`,
        `sum by (status) (rate(http_requests_total{${sel}}[5m]))`,
        "reqps",
        "{{status}}",
      );
      add(
        `${w.name}: p95 latency`,
        `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`,
        "s",
        "p95",
      );
    }
  }
  if (model.backings.some((b) => b.type !== "external"))
    add(
      "Volume usage",
      `1 - kubelet_volume_stats_available_bytes{${pods}} / kubelet_volume_stats_capacity_bytes{${pods}}`,
      "percentunit",
      "{{persistentvolumeclaim}}",
    );
  const dashboard = {
    uid: `kubeship-${model.app}`.slice(0, 40),
    title: `${model.app} (kubeship)`,
    tags: ["kubeship", model.app],
    timezone: "browser",
    schemaVersion: 39,
    editable: true,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    templating: {
      list: [{ name: "datasource", type: "datasource", query: "prometheus", label: "Data source" }],
    },
    panels,
  };
  const name = `${model.app}-dashboard`;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: ns,
      labels: { ...objectLabels(model, name, "monitoring"), [GRAFANA_DASHBOARD_LABEL]: "1" },
    },
    data: { [`${model.app}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` },
  };
}

import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { isBuiltin } from "../catalog/catalog.js";
import type { Workload } from "../model/app-model.js";
import type { RenderContext } from "./context.js";
import { objectLabels } from "./labels.js";
import { BACKUP_SUFFIX, backupPlans } from "./backup-job.js";
import { schedulePeriodDays } from "../catalog/backup-target.js";

/** Error ratio above which a service alerts (5% of requests failing for 5 minutes). */
export const ERROR_RATE_THRESHOLD = 0.05;
/** p95 latency in seconds above which a service alerts. */
export const LATENCY_P95_SECONDS = 0.5;
/** Seconds a replica may fall behind before it alerts. */
export const REPLICATION_LAG_SECONDS = 30;
/** Free space ratio below which a volume alerts. */
export const PVC_FREE_RATIO = 0.15;

type Rule = {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

/**
 * The app's alerts: per-service error rate and p95 latency (from the usual HTTP and gRPC server
 * metrics), pods not running, HPA pinned at max, volumes filling up. Pod, HPA and volume alerts
 * read kube-state-metrics and kubelet metrics, which every prometheus-operator stack scrapes.
 */
export function renderPrometheusRule(ctx: RenderContext): IPrometheusRule & { metadata: { name: string } } {
  const { model } = ctx;
  const ns = model.namespace;
  const rules: Rule[] = [];
  for (const w of model.workloads.filter((x) => x.kind === "service" && x.metrics !== undefined))
    rules.push(...serviceRules(ns, w));
  rules.push({
    alert: "KubeshipPodNotRunning",
    expr: `sum by (namespace, pod) (kube_pod_status_phase{namespace="${ns}", phase=~"Pending|Failed|Unknown"}) > 0`,
    for: "10m",
    labels: { severity: "warning" },
    annotations: {
      summary: "Pod {{ $labels.pod }} is not running",
      description:
        "Pod {{ $labels.pod }} in {{ $labels.namespace }} has not been running for 10 minutes. Run `kubeship status` or `kubectl describe pod {{ $labels.pod }} -n {{ $labels.namespace }}`.",
    },
  });
  rules.push({
    alert: "KubeshipContainerRestarting",
    expr: `increase(kube_pod_container_status_restarts_total{namespace="${ns}"}[15m]) > 3`,
    for: "0m",
    labels: { severity: "warning" },
    annotations: {
      summary: "Container {{ $labels.container }} of {{ $labels.pod }} restarts often",
      description:
        "More than 3 restarts in 15 minutes: read `kubectl logs {{ $labels.pod }} -c {{ $labels.container }} --previous -n {{ $labels.namespace }}`.",
    },
  });
  if (model.workloads.some((w) => w.autoscale !== undefined))
    rules.push({
      alert: "KubeshipHpaAtMax",
      expr: `kube_horizontalpodautoscaler_status_current_replicas{namespace="${ns}"} >= kube_horizontalpodautoscaler_spec_max_replicas{namespace="${ns}"}`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "{{ $labels.horizontalpodautoscaler }} is at its maximum replicas",
        description:
          "The autoscaler has been at max for 15 minutes: raise `autoscale.max` or the resources, or find what drives the load.",
      },
    });
  if (model.backings.some((b) => b.type !== "external"))
    rules.push({
      alert: "KubeshipVolumeFillingUp",
      expr: `kubelet_volume_stats_available_bytes{namespace="${ns}"} / kubelet_volume_stats_capacity_bytes{namespace="${ns}"} < ${PVC_FREE_RATIO}`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Volume {{ $labels.persistentvolumeclaim }} is almost full",
        description: `Less than ${PVC_FREE_RATIO * 100}% free. Raise the backing's \`storage\` (the StorageClass must allow expansion) or clean up data.`,
      },
    });
  if (model.monitoring.serviceMonitor) rules.push(...replicationRules(ctx));
  rules.push(...backupRules(ctx));
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: `${model.app}-alerts`,
      namespace: ns,
      labels: objectLabels(model, `${model.app}-alerts`, "monitoring"),
    },
    spec: { groups: [{ name: `${model.app}.rules`, rules }] },
  };
}

function serviceRules(ns: string, w: Workload): Rule[] {
  const sel = `namespace="${ns}", service="${w.name}"`;
  const grpc = w.protocol === "grpc";
  const errors = grpc
    ? `sum(rate(grpc_server_handled_total{${sel}, grpc_code=~"Unknown|Internal|Unavailable|DataLoss|DeadlineExceeded"}[5m])) / sum(rate(grpc_server_handled_total{${sel}}[5m]))`
    : `sum(rate(http_requests_total{${sel}, status=~"5.."}[5m])) / sum(rate(http_requests_total{${sel}}[5m]))`;
  const latency = grpc
    ? `histogram_quantile(0.95, sum by (le) (rate(grpc_server_handling_seconds_bucket{${sel}}[5m])))`
    : `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`;
  const title = camel(w.name);
  return [
    {
      alert: `${title}HighErrorRate`,
      expr: `${errors} > ${ERROR_RATE_THRESHOLD}`,
      for: "5m",
      labels: { severity: "critical", service: w.name },
      annotations: {
        summary: `${w.name}: more than ${ERROR_RATE_THRESHOLD * 100}% of requests fail`,
        description: `Check recent rollouts (\`kubeship history\`) and logs (\`kubectl logs -l app.kubernetes.io/name=${w.name} -n ${ns}\`).`,
      },
    },
    {
      alert: `${title}HighLatencyP95`,
      expr: `${latency} > ${LATENCY_P95_SECONDS}`,
      for: "10m",
      labels: { severity: "warning", service: w.name },
      annotations: {
        summary: `${w.name}: p95 latency above ${LATENCY_P95_SECONDS * 1000} ms`,
        description: "Look at CPU throttling, the HPA and the latency of the backing services it uses.",
      },
    },
  ];
}

function camel(name: string): string {
  return name
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}

/**
 * Replication alerts of replicated backings, from their exporters: a replica that falls behind,
 * a Redis replica whose link to the master is down. Pods by name: `<name>-<ordinal>`.
 */
function replicationRules(ctx: RenderContext): Rule[] {
  const ns = ctx.model.namespace;
  const out: Rule[] = [];
  for (const b of ctx.backings.values()) {
    if (!isBuiltin(b) || b.replicas + b.members.reduce((n, m) => n + m.replicas, 0) < 2) continue;
    const title = camel(b.name);
    const lag = (
      metric: string,
      pods: string,
      what: string,
      by = "pod",
      who = "{{ $labels.pod }}",
    ): Rule => ({
      alert: `${title}ReplicationLag`,
      expr: `max by (${by}) (${metric}{namespace="${ns}", pod=~"${pods}-[0-9]+"}) > ${REPLICATION_LAG_SECONDS}`,
      for: "5m",
      labels: { severity: "warning", backing: b.name },
      annotations: {
        summary: `${b.name}: ${who} is more than ${REPLICATION_LAG_SECONDS} s behind`,
        description: `${what} Reads from it are stale; a failover to it would lose the difference. Look at the replica's logs, its disk and the network between the nodes (\`kubeship status\`).`,
      },
    });
    if (b.type === "postgresql" && b.members.length > 0)
      out.push(lag("pg_replication_lag_seconds", `${b.name}-read`, "The replica replays WAL late."));
    if (b.type === "mongodb")
      // Every member's exporter reports the whole set: by member (`name`), not by the reporting pod.
      out.push(
        lag(
          "mongodb_mongod_replset_member_replication_lag",
          b.name,
          "A secondary applies the oplog late.",
          "name",
          "member {{ $labels.name }}",
        ),
      );
    if (b.type === "redis" && b.members.length > 0) {
      out.push(
        lag(
          "redis_connected_slave_lag_seconds",
          b.name,
          "The master has not heard from a replica.",
          "pod, slave_ip",
          "the replica at {{ $labels.slave_ip }} of {{ $labels.pod }}",
        ),
      );
      out.push({
        alert: `${title}ReplicaLinkDown`,
        expr: `redis_master_link_up{namespace="${ns}", pod=~"${b.name}-[0-9]+"} == 0`,
        for: "2m",
        labels: { severity: "critical", backing: b.name },
        annotations: {
          summary: `${b.name}: {{ $labels.pod }} has lost its master`,
          description:
            "A Redis replica cannot reach the master it was told to follow. If the master is down, the Sentinels should promote a replica within a minute: `kubectl exec` into a sentinel pod and run `redis-cli -p 26379 sentinel masters`.",
        },
      });
    }
  }
  return out;
}

/**
 * Per builtin backing with backups (kube-state-metrics' CronJob and Job series): the last success
 * older than twice the schedule's period (or none since the CronJob was made that long ago), and a
 * failed backup Job.
 */
function backupRules(ctx: RenderContext): Rule[] {
  const ns = ctx.model.namespace;
  return backupPlans(ctx).flatMap((plan): Rule[] => {
    const cron = `${plan.spec.name}${BACKUP_SUFFIX}`;
    const limit = Math.round(2 * schedulePeriodDays(plan.spec.backup.schedule) * 86400);
    const sel = `namespace="${ns}", cronjob="${cron}"`;
    return [
      {
        alert: "KubeshipBackupTooOld",
        expr: `(time() - max(kube_cronjob_status_last_successful_time{${sel}}) > ${limit}) or (absent(kube_cronjob_status_last_successful_time{${sel}}) and (time() - max(kube_cronjob_created{${sel}}) > ${limit}))`,
        for: "10m",
        labels: { severity: "critical", backing: plan.spec.name },
        annotations: {
          summary: `${plan.spec.name}: no successful backup for twice its schedule (${plan.spec.backup.schedule})`,
          description: `The last good backup is older than ${limit} s. Read the backup Jobs (\`kubectl get jobs -l app.kubernetes.io/name=${cron} -n ${ns}\`, their logs) and run one now: \`kubeship backup ${plan.spec.name}\`.`,
        },
      },
      {
        alert: "KubeshipBackupFailed",
        expr: `max(kube_job_status_failed{namespace="${ns}", job_name=~"${cron}-.*"}) > 0`,
        for: "0m",
        labels: { severity: "warning", backing: plan.spec.name },
        annotations: {
          summary: `${plan.spec.name}: a backup Job failed`,
          description: `Read its logs: \`kubectl logs -l app.kubernetes.io/name=${cron} -n ${ns} --all-containers\`.`,
        },
      },
    ];
  });
}

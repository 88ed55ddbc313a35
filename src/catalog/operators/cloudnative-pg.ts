import { APP_USER, databaseName, envPrefix } from "../helpers.js";
import { backupTarget, retentionDays } from "../backup-target.js";
import { affinityOf, resourcesOf } from "./shared.js";
import type { OperatedResource, OperatorFacts, OperatorPreset } from "./types.js";

/** The Barman Cloud plugin: CloudNativePG's backup mechanism since 1.26 (the in-tree one is deprecated). */
export const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";
/** The plugin runs beside the operator; its ObjectStore CRD is what backups need. */
export const BARMAN_PLUGIN_FACTS: OperatorFacts = {
  name: "CloudNativePG's Barman Cloud plugin",
  group: "barmancloud.cnpg.io",
  crds: ["objectstores.barmancloud.cnpg.io"],
  kinds: ["ObjectStore"],
  version: "0.15",
  install:
    "kubectl apply -f https://github.com/cloudnative-pg/plugin-barman-cloud/releases/download/v0.15.0/manifest.yaml (needs cert-manager)",
  namespace: "cnpg-system",
  controllerLabels: { "app.kubernetes.io/name": "plugin-barman-cloud" },
};
const PG_PORT = 5432;
const METRICS_PORT = 9187;

/**
 * PostgreSQL on CloudNativePG: a `Cluster` of `replicas` instances (one primary, hot standbys it
 * fails over to), its database and owner made by `initdb`, spread over nodes; with `backup`, an
 * `ObjectStore` of the Barman Cloud plugin (base backups and WAL archive, retention by age) and a
 * `ScheduledBackup`; with monitoring, a `PodMonitor` (the Cluster's own is deprecated).
 * Workloads connect to `<name>-rw` (the primary) and read from `<name>-ro` (standbys; `<name>-r`,
 * any instance, when there is one) with the operator's `<name>-app` Secret.
 */
export const cloudnativePg: OperatorPreset = {
  type: "postgresql",
  facts: {
    name: "CloudNativePG",
    group: "postgresql.cnpg.io",
    crds: ["clusters.postgresql.cnpg.io", "scheduledbackups.postgresql.cnpg.io"],
    kinds: ["Cluster", "ScheduledBackup"],
    version: "1.30",
    install:
      "kubectl apply --server-side -f https://github.com/cloudnative-pg/cloudnative-pg/releases/download/v1.30.1/cnpg-1.30.1.yaml (or the cloudnative-pg Helm chart)",
    namespace: "cnpg-system",
    controllerLabels: { "app.kubernetes.io/name": "cloudnative-pg" },
  },
  // The operator's PostgreSQL images, one a minor release of the builtin preset's.
  versions: {
    "14": "ghcr.io/cloudnative-pg/postgresql:14.15",
    "15": "ghcr.io/cloudnative-pg/postgresql:15.10",
    "16": "ghcr.io/cloudnative-pg/postgresql:16.6",
    "17": "ghcr.io/cloudnative-pg/postgresql:17.2",
  },
  defaultVersion: "16",
  maxReplicas: 16,
  summary:
    "CloudNativePG `Cluster` (primary + hot standbys, automatic failover), database and owner by initdb, Barman Cloud plugin backups, PodMonitor",
  build({ backing, model, version, storage, resources, monitoring }) {
    const name = backing.name;
    const p = envPrefix(name);
    const db = databaseName(backing);
    const app = `${name}-app`;
    const target = backing.backup === undefined ? undefined : backupTarget(model, backing);
    const store = `${name}-backups`;
    const out: OperatedResource[] = [];
    if (target !== undefined && backing.backup !== undefined) {
      out.push({
        apiVersion: "barmancloud.cnpg.io/v1",
        kind: "ObjectStore",
        name: store,
        role: "config",
        spec: {
          configuration: {
            destinationPath: target.destinationPath,
            endpointURL: target.endpointURL,
            s3Credentials: {
              accessKeyId: { name: target.secret, key: target.accessKeyKey },
              secretAccessKey: { name: target.secret, key: target.secretKeyKey },
            },
            wal: { compression: "gzip" },
            data: { compression: "gzip" },
          },
          retentionPolicy: `${retentionDays(backing.backup.schedule, backing.backup.keep)}d`,
        },
      });
      out.push({
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "ScheduledBackup",
        name,
        role: "after",
        spec: {
          // CloudNativePG's schedules have a seconds field first.
          schedule: backing.backup.schedule.startsWith("@")
            ? backing.backup.schedule
            : `0 ${backing.backup.schedule}`,
          backupOwnerReference: "self",
          cluster: { name },
          method: "plugin",
          pluginConfiguration: { name: BARMAN_PLUGIN },
        },
      });
    }
    out.push({
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      name,
      role: "main",
      spec: {
        instances: backing.replicas,
        imageName: version,
        ...(backing.placement.imagePullSecrets.length > 0
          ? { imagePullSecrets: backing.placement.imagePullSecrets.map((s) => ({ name: s })) }
          : {}),
        bootstrap: { initdb: { database: db, owner: APP_USER } },
        storage: {
          size: storage,
          ...(backing.storageClass === undefined ? {} : { storageClass: backing.storageClass }),
        },
        resources: resourcesOf(resources),
        affinity: {
          enablePodAntiAffinity: true,
          topologyKey: "kubernetes.io/hostname",
          podAntiAffinityType: "preferred",
          ...affinityOf(backing.placement),
        },
        ...(Object.keys(backing.placement.annotations).length > 0
          ? { inheritedMetadata: { annotations: backing.placement.annotations } }
          : {}),
        ...(target === undefined
          ? {}
          : {
              plugins: [
                { name: BARMAN_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: store } },
              ],
            }),
      },
    });
    if (monitoring)
      out.push({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        name,
        role: "after",
        spec: {
          selector: { matchLabels: { "cnpg.io/cluster": name } },
          podMetricsEndpoints: [{ port: "metrics" }],
        },
      });
    // Reads go to the standbys; with one instance, `-ro` has no endpoints and `-r` (any) is used.
    const readService = backing.replicas > 1 ? `${name}-ro` : `${name}-r`;
    const host = `${name}-rw.${model.namespace}.svc`;
    const readHost = `${readService}.${model.namespace}.svc`;
    const url = (h: string) => `postgresql://$(${p}_USER):$(${p}_PASSWORD)@${h}:${PG_PORT}/${db}`;
    return {
      objects: out,
      secrets: [],
      exports: [
        { name: `${p}_HOST`, value: host },
        { name: `${p}_PORT`, value: String(PG_PORT) },
        { name: `${p}_USER`, value: APP_USER },
        { name: `${p}_PASSWORD`, secret: { name: app, key: "password" } },
        { name: `${p}_DATABASE`, value: db },
        { name: `${p}_URL`, value: url(host) },
        { name: `${p}_READ_HOST`, value: readHost },
        { name: `${p}_READ_URL`, value: url(readHost) },
      ],
      provides: { services: [`${name}-rw`, `${name}-ro`, `${name}-r`], secrets: [app] },
      pods: {
        labels: { "cnpg.io/cluster": name },
        clientPorts: [PG_PORT],
        ...(monitoring ? { metricsPort: METRICS_PORT } : {}),
      },
      ...(target === undefined ? {} : { backupEgress: target.egress }),
    };
  },
};

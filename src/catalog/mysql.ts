import {
  APP_USER,
  credentialsSecretName,
  databaseName,
  env,
  exporterSidecar,
  probeSet,
  secretEnv,
  shellProbe,
  standardExports,
} from "./helpers.js";
import type { BackingPreset } from "./types.js";

/** The user mysqld-exporter reads with: the process list, replication status and performance_schema. */
export const MYSQL_MONITORING_USER = "kubeship_monitor";

/**
 * Sourced by the image's entrypoint at the first start, with its docker_process_sql (the root user on
 * the temporary server): the exporter's user, which cannot read the app's data.
 */
const MONITOR_SCRIPT = `# kubeship: the monitoring user of mysqld-exporter, created once at the first start.
docker_process_sql --database=mysql <<-EOSQL
CREATE USER '${MYSQL_MONITORING_USER}'@'%' IDENTIFIED BY '$MONITORING_PASSWORD' WITH MAX_USER_CONNECTIONS 3;
GRANT PROCESS, REPLICATION CLIENT ON *.* TO '${MYSQL_MONITORING_USER}'@'%';
GRANT SELECT ON performance_schema.* TO '${MYSQL_MONITORING_USER}'@'%';
EOSQL
`;

/** MySQL from the official image; database and an `app` user created on first start. */
export const mysql: BackingPreset = {
  type: "mysql",
  versions: { "8.0": "mysql:8.0.40", "8.4": "mysql:8.4.3" },
  defaultVersion: "8.4",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 1,
  replicasHint:
    "MySQL replication needs failover the image does not have: use MySQL Operator for Kubernetes or Percona's operator, or a managed MySQL as type: external",
  summary: "MySQL (official image); database and user created on first start; mysqld-exporter",
  build({ backing, model, monitoring }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "mysql", port: 3306 };
    const db = databaseName(backing);
    const metricsPort = { name: "metrics", port: 9104 };
    return {
      ports: [port],
      env: [
        secretEnv("MYSQL_ROOT_PASSWORD", secret, "root-password"),
        env("MYSQL_USER", APP_USER),
        secretEnv("MYSQL_PASSWORD", secret, "password"),
        env("MYSQL_DATABASE", db),
        secretEnv("MONITORING_PASSWORD", secret, "monitoring-password"),
      ],
      // During initialisation the entrypoint runs a server without networking: TCP answers only once it is really up.
      // mysqladmin ping needs no password: it succeeds when the server answers, even "access denied".
      ...probeSet(shellProbe("mysqladmin ping -h 127.0.0.1 --silent")),
      files: {
        mountPath: "/docker-entrypoint-initdb.d",
        files: { "10-kubeship-monitor.sh": MONITOR_SCRIPT },
        executable: false,
      },
      dataPath: "/var/lib/mysql",
      writablePaths: ["/tmp", "/var/run/mysqld", "/var/lib/mysql-files"],
      readOnlyRootFilesystem: true,
      user: { uid: 999, gid: 999, fsGroup: 999 },
      publishNotReadyAddresses: false,
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar(
                "prom/mysqld-exporter:v0.16.0",
                metricsPort,
                [secretEnv("MYSQLD_EXPORTER_PASSWORD", secret, "monitoring-password")],
                ["--mysqld.address=127.0.0.1:3306", `--mysqld.username=${MYSQL_MONITORING_USER}`],
              ),
            },
          }
        : {}),
      secrets: [
        { name: secret, keys: ["password", "root-password", "monitoring-password"], source: "generated" },
      ],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `mysql://${v.user}:${v.password}@${v.host}:${v.port}/${v.database}`,
        {
          user: APP_USER,
          password: { key: "password" },
          database: db,
        },
      ),
    };
  },
};

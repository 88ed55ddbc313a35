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

/** MySQL from the official image; database and an `app` user created on first start. */
export const mysql: BackingPreset = {
  type: "mysql",
  versions: { "8.0": "mysql:8.0.40", "8.4": "mysql:8.4.3" },
  defaultVersion: "8.4",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 1,
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
      ],
      // During initialisation the entrypoint runs a server without networking: TCP answers only once it is really up.
      ...probeSet(
        shellProbe('MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql -h 127.0.0.1 -u root -e "SELECT 1" >/dev/null'),
      ),
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
                [secretEnv("MYSQLD_EXPORTER_PASSWORD", secret, "root-password")],
                ["--mysqld.address=127.0.0.1:3306", "--mysqld.username=root"],
              ),
            },
          }
        : {}),
      secrets: [{ name: secret, keys: ["password", "root-password"], source: "generated" }],
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

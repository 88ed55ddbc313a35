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

/** PostgreSQL from the official image; the database and an `app` user are created on first start. */
export const postgresql: BackingPreset = {
  type: "postgresql",
  versions: { "14": "postgres:14.15", "15": "postgres:15.10", "16": "postgres:16.6", "17": "postgres:17.2" },
  defaultVersion: "16",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 1,
  summary: "PostgreSQL (official image); database and user created on first start; postgres-exporter",
  build({ backing, model, monitoring }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "postgresql", port: 5432 };
    const db = databaseName(backing);
    const metricsPort = { name: "metrics", port: 9187 };
    return {
      ports: [port],
      env: [
        env("POSTGRES_USER", APP_USER),
        secretEnv("POSTGRES_PASSWORD", secret, "password"),
        env("POSTGRES_DB", db),
        // A subdirectory: the volume's root may hold lost+found, which initdb refuses.
        env("PGDATA", "/var/lib/postgresql/data/pgdata"),
      ],
      ...probeSet(shellProbe('pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"')),
      dataPath: "/var/lib/postgresql/data",
      writablePaths: ["/tmp", "/var/run/postgresql"],
      readOnlyRootFilesystem: true,
      user: { uid: 999, gid: 999, fsGroup: 999 },
      publishNotReadyAddresses: false,
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar("prometheuscommunity/postgres-exporter:v0.16.0", metricsPort, [
                env("DATA_SOURCE_URI", `127.0.0.1:5432/${db}?sslmode=disable`),
                env("DATA_SOURCE_USER", APP_USER),
                secretEnv("DATA_SOURCE_PASS", secret, "password"),
              ]),
            },
          }
        : {}),
      secrets: [{ name: secret, keys: ["password"], source: "generated" }],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `postgresql://${v.user}:${v.password}@${v.host}:${v.port}/${v.database}`,
        {
          user: APP_USER,
          password: { key: "password" },
          database: db,
        },
      ),
    };
  },
};

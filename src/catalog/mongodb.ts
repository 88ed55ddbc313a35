import {
  APP_USER,
  credentialsSecretName,
  databaseName,
  env,
  execProbe,
  exporterSidecar,
  probeSet,
  secretEnv,
  standardExports,
} from "./helpers.js";
import type { BackingPreset } from "./types.js";

/** MongoDB from the official image, with authentication on (a root user `app`). */
export const mongodb: BackingPreset = {
  type: "mongodb",
  versions: { "6.0": "mongo:6.0.19", "7.0": "mongo:7.0.15", "8.0": "mongo:8.0.3" },
  defaultVersion: "7.0",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 1,
  summary: "MongoDB (official image) with authentication; mongodb_exporter",
  build({ backing, model, monitoring }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "mongodb", port: 27017 };
    const db = databaseName(backing);
    const metricsPort = { name: "metrics", port: 9216 };
    return {
      ports: [port],
      env: [
        env("MONGO_INITDB_ROOT_USERNAME", APP_USER),
        secretEnv("MONGO_INITDB_ROOT_PASSWORD", secret, "password"),
        env("MONGO_INITDB_DATABASE", db),
      ],
      ...probeSet(execProbe(["mongosh", "--quiet", "--norc", "--eval", "db.adminCommand('ping').ok"], 10)),
      dataPath: "/data/db",
      writablePaths: ["/tmp", "/data/configdb"],
      readOnlyRootFilesystem: true,
      user: { uid: 999, gid: 999, fsGroup: 999 },
      publishNotReadyAddresses: false,
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar(
                "percona/mongodb_exporter:0.42.0",
                metricsPort,
                [
                  secretEnv("MONGODB_PASSWORD", secret, "password"),
                  env("MONGODB_URI", `mongodb://${APP_USER}:$(MONGODB_PASSWORD)@127.0.0.1:27017/admin`),
                ],
                ["--compatible-mode", "--web.listen-address=:9216"],
              ),
            },
          }
        : {}),
      secrets: [{ name: secret, keys: ["password"], source: "generated" }],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `mongodb://${v.user}:${v.password}@${v.host}:${v.port}/${v.database}?authSource=admin`,
        {
          user: APP_USER,
          password: { key: "password" },
          database: db,
        },
      ),
    };
  },
};

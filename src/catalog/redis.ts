import {
  credentialsSecretName,
  env,
  exporterSidecar,
  probeSet,
  secretEnv,
  shellProbe,
  standardExports,
} from "./helpers.js";
import type { BackingPreset } from "./types.js";

/** Redis from the official image: append-only persistence and a required password. */
export const redis: BackingPreset = {
  type: "redis",
  versions: { "7.2": "redis:7.2.6", "7.4": "redis:7.4.1" },
  defaultVersion: "7.4",
  defaultStorage: "5Gi",
  defaultResources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  maxReplicas: 1,
  summary: "Redis (official image) with AOF persistence and a password; redis_exporter",
  build({ backing, model, monitoring }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "redis", port: 6379 };
    const metricsPort = { name: "metrics", port: 9121 };
    return {
      ports: [port],
      env: [secretEnv("REDIS_PASSWORD", secret, "password"), secretEnv("REDISCLI_AUTH", secret, "password")],
      command: ["sh", "-c", 'exec redis-server --appendonly yes --dir /data --requirepass "$REDIS_PASSWORD"'],
      ...probeSet(shellProbe("redis-cli -h 127.0.0.1 ping | grep -q PONG", 3)),
      dataPath: "/data",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: true,
      user: { uid: 999, gid: 999, fsGroup: 999 },
      publishNotReadyAddresses: false,
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar("oliver006/redis_exporter:v1.66.0", metricsPort, [
                env("REDIS_ADDR", "redis://127.0.0.1:6379"),
                secretEnv("REDIS_PASSWORD", secret, "password"),
              ]),
            },
          }
        : {}),
      secrets: [{ name: secret, keys: ["password"], source: "generated" }],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `redis://${v.user}:${v.password}@${v.host}:${v.port}/0`,
        {
          user: "default",
          password: { key: "password" },
        },
      ),
    };
  },
};

import {
  credentialsSecretName,
  env,
  envPrefix,
  probeSet,
  secretEnv,
  serviceHost,
  shellQuote,
  standardExports,
  waitThen,
} from "./helpers.js";
import type { BackingPreset } from "./types.js";

const MC_IMAGE = "minio/mc:RELEASE.2024-11-17T19-35-25Z";

/** MinIO (S3-compatible object store), single node; buckets created by a job; built-in Prometheus metrics. */
export const minio: BackingPreset = {
  type: "minio",
  versions: { "2024": "minio/minio:RELEASE.2024-11-07T00-52-20Z" },
  defaultVersion: "2024",
  defaultStorage: "20Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 1,
  summary: "MinIO (S3 API), single node; buckets created by a job; built-in metrics",
  build({ backing, model }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "s3", port: 9000 };
    const p = envPrefix(backing.name);
    const host = serviceHost(backing.name, model);
    const mc = "mc --config-dir /tmp/.mc";
    return {
      ports: [port, { name: "console", port: 9001 }],
      env: [
        env("MINIO_ROOT_USER", "kubeship-admin"),
        secretEnv("MINIO_ROOT_PASSWORD", secret, "password"),
        // Metrics are scraped inside the cluster; the NetworkPolicy limits who reaches the port.
        env("MINIO_PROMETHEUS_AUTH_TYPE", "public"),
      ],
      command: ["minio", "server", "/data", "--address", ":9000", "--console-address", ":9001"],
      ...probeSet(
        { httpGet: { path: "/minio/health/ready", port: "s3" }, timeoutSeconds: 3 },
        { httpGet: { path: "/minio/health/live", port: "s3" }, timeoutSeconds: 3 },
      ),
      dataPath: "/data",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: true,
      user: { uid: 1000, gid: 1000, fsGroup: 1000 },
      publishNotReadyAddresses: false,
      metrics: { port, path: "/minio/v2/metrics/cluster" },
      ...(backing.buckets.length > 0
        ? {
            init: {
              image: MC_IMAGE,
              command: [
                "sh",
                "-c",
                waitThen(
                  `${mc} alias set target http://${host}:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1`,
                  `${mc} mb --ignore-existing ${shellQuote(backing.buckets.map((b) => `target/${b}`))}`,
                ),
              ],
              env: [
                env("MINIO_ROOT_USER", "kubeship-admin"),
                secretEnv("MINIO_ROOT_PASSWORD", secret, "password"),
              ],
            },
          }
        : {}),
      secrets: [{ name: secret, keys: ["password"], source: "generated" }],
      exports: standardExports(backing, model, port, (v) => `http://${v.host}:${v.port}`, {
        user: "kubeship-admin",
        password: { key: "password" },
        extra: [
          { name: `${p}_ENDPOINT`, value: `${host}:9000` },
          { name: `${p}_ACCESS_KEY`, value: "kubeship-admin" },
          { name: `${p}_SECRET_KEY`, secret: { name: secret, key: "password" } },
        ],
      }),
    };
  },
};

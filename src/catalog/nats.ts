import { exporterSidecar, podHost, POD_NAME_ENV, probeSet, standardExports } from "./helpers.js";
import type { BackingPreset } from "./types.js";

/** NATS with JetStream on the data volume; a cluster with routes between pods when replicas > 1. */
export const nats: BackingPreset = {
  type: "nats",
  versions: { "2.10": "nats:2.10.22" },
  defaultVersion: "2.10",
  defaultStorage: "5Gi",
  defaultResources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  maxReplicas: 5,
  summary: "NATS with JetStream, single server or cluster; prometheus-nats-exporter",
  build({ backing, model, monitoring }) {
    const port = { name: "client", port: 4222 };
    const n = backing.replicas;
    const routes = Array.from({ length: n }, (_, i) => `nats://${podHost(backing.name, i, model)}:6222`).join(
      ",",
    );
    const metricsPort = { name: "metrics", port: 7777 };
    return {
      ports: [port, { name: "monitor", port: 8222 }, ...(n > 1 ? [{ name: "cluster", port: 6222 }] : [])],
      env: n > 1 ? [POD_NAME_ENV] : [],
      args: [
        "--jetstream",
        "--store_dir",
        "/data",
        "--http_port",
        "8222",
        ...(n > 1
          ? [
              "--name",
              "$(POD_NAME)",
              "--cluster_name",
              model.app,
              "--cluster",
              "nats://0.0.0.0:6222",
              "--routes",
              routes,
            ]
          : []),
      ],
      ...probeSet(
        { httpGet: { path: "/healthz?js-enabled-only=true", port: "monitor" }, timeoutSeconds: 3 },
        { httpGet: { path: "/healthz?js-enabled-only=true", port: "monitor" }, timeoutSeconds: 3 },
      ),
      dataPath: "/data",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: true,
      user: { uid: 1000, gid: 1000, fsGroup: 1000 },
      publishNotReadyAddresses: n > 1,
      parallel: n > 1,
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar(
                "natsio/prometheus-nats-exporter:0.15.0",
                metricsPort,
                [],
                ["-varz", "-connz", "-jsz=all", "http://127.0.0.1:8222"],
              ),
            },
          }
        : {}),
      secrets: [],
      exports: standardExports(backing, model, port, (v) => `nats://${v.host}:${v.port}`),
    };
  },
};

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

/** Elasticsearch from the official image: single node, security on (user `elastic`), HTTP without TLS inside the cluster. */
export const elasticsearch: BackingPreset = {
  type: "elasticsearch",
  versions: { "8.15": "elasticsearch:8.15.5", "8.16": "elasticsearch:8.16.1" },
  defaultVersion: "8.15",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "500m", memory: "1536Mi" }, limits: { cpu: "1", memory: "1536Mi" } },
  maxReplicas: 1,
  replicasHint:
    "a multi-node Elasticsearch must encrypt its transport layer (security on) with certificates per node: use Elastic's ECK operator, or a managed service as type: external",
  summary: "Elasticsearch (official image), single node with authentication; elasticsearch-exporter",
  build({ backing, model, monitoring }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "http", port: 9200 };
    const metricsPort = { name: "metrics", port: 9114 };
    const health =
      'curl -fsS -u "elastic:$ELASTIC_PASSWORD" "http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null';
    return {
      ports: [port, { name: "transport", port: 9300 }],
      env: [
        secretEnv("ELASTIC_PASSWORD", secret, "password"),
        env("discovery.type", "single-node"),
        env("cluster.name", model.app),
        env("xpack.security.enabled", "true"),
        env("xpack.security.http.ssl.enabled", "false"),
        env("xpack.security.transport.ssl.enabled", "false"),
        // mmap needs vm.max_map_count raised on the node, which a restricted pod cannot do.
        env("node.store.allow_mmap", "false"),
        env("ES_JAVA_OPTS", "-Xms768m -Xmx768m"),
      ],
      ...probeSet(shellProbe(health, 5), { tcpSocket: { port: "http" }, timeoutSeconds: 3 }, 90),
      dataPath: "/usr/share/elasticsearch/data",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: false,
      writableRootReason: "Elasticsearch writes its keystore under /usr/share/elasticsearch/config at start",
      user: { uid: 1000, gid: 1000, fsGroup: 1000 },
      publishNotReadyAddresses: false,
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar(
                "prometheuscommunity/elasticsearch-exporter:v1.8.0",
                metricsPort,
                [secretEnv("ES_PASSWORD", secret, "password")],
                ["--es.uri=http://elastic:$(ES_PASSWORD)@127.0.0.1:9200"],
              ),
            },
          }
        : {}),
      secrets: [{ name: secret, keys: ["password"], source: "generated" }],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `http://${v.user}:${v.password}@${v.host}:${v.port}`,
        {
          user: "elastic",
          password: { key: "password" },
        },
      ),
    };
  },
};

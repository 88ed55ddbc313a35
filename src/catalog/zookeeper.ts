import {
  env,
  envPrefix,
  headlessName,
  POD_NAME_ENV,
  probeSet,
  serviceHost,
  shellProbe,
  standardExports,
} from "./helpers.js";
import type { BackingPreset } from "./types.js";

/** ZooKeeper from the official image: a single server or an ensemble, with its built-in Prometheus metrics. */
export const zookeeper: BackingPreset = {
  type: "zookeeper",
  versions: { "3.8": "zookeeper:3.8.4", "3.9": "zookeeper:3.9.3" },
  defaultVersion: "3.9",
  defaultStorage: "5Gi",
  defaultResources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  maxReplicas: 7,
  summary: "ZooKeeper (official image), single server or ensemble; built-in Prometheus metrics",
  build({ backing, model, monitoring, image: ctxImage }) {
    const port = { name: "client", port: 2181 };
    const n = backing.replicas;
    const domain = `${headlessName(backing.name)}.${model.namespace}.svc`;
    const servers = Array.from(
      { length: n },
      (_, i) => `server.${i + 1}=${backing.name}-${i}.${domain}:2888:3888;2181`,
    ).join(" ");
    const metricsPort = { name: "metrics", port: 7000 };
    const extra = [
      "metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider",
      "metricsProvider.httpPort=7000",
    ];
    return {
      ports: [
        port,
        { name: "follower", port: 2888 },
        { name: "election", port: 3888 },
        ...(monitoring ? [metricsPort] : []),
      ],
      env: [
        POD_NAME_ENV,
        env("ZOO_SERVERS", servers),
        env("ZOO_DATA_LOG_DIR", "/data/log"),
        env("ZOO_4LW_COMMANDS_WHITELIST", "ruok,srvr,mntr"),
        env("ZOO_STANDALONE_ENABLED", n === 1 ? "true" : "false"),
        env("JVMFLAGS", "-Xmx256m"),
        ...(monitoring ? [env("ZOO_CFG_EXTRA", extra.join(" "))] : []),
      ],
      // The server id comes from the pod's ordinal: zookeeper-0 is server.1.
      command: [
        "sh",
        "-c",
        "export ZOO_MY_ID=$((${POD_NAME##*-} + 1)); exec /docker-entrypoint.sh zkServer.sh start-foreground",
      ],
      ...probeSet(shellProbe("echo ruok | nc -w 2 127.0.0.1 2181 | grep -q imok", 5)),
      dataPath: "/data",
      // /conf holds the image's logback.xml and other files, hidden by the emptyDir that makes it
      // writable (the entrypoint writes zoo.cfg there): an init container copies them over first.
      // The transaction log is on the data volume (ZOO_DATA_LOG_DIR), so /datalog is not needed.
      writablePaths: ["/conf", "/logs", "/tmp"],
      initContainers: [
        {
          name: "copy-conf",
          image: ctxImage,
          command: ["sh", "-c", "cp -a /conf/. /conf-rw/"],
          volumeMounts: [{ name: "conf", mountPath: "/conf-rw" }],
          resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        },
      ],
      readOnlyRootFilesystem: true,
      user: { uid: 1000, gid: 1000, fsGroup: 1000 },
      publishNotReadyAddresses: true,
      parallel: true,
      ...(monitoring ? { metrics: { port: metricsPort, path: "/metrics" } } : {}),
      secrets: [],
      exports: standardExports(backing, model, port, (v) => `zookeeper://${v.host}:${v.port}`, {
        extra: [
          { name: `${envPrefix(backing.name)}_CONNECT`, value: `${serviceHost(backing.name, model)}:2181` },
        ],
      }),
    };
  },
};

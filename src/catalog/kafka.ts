import { createHash } from "node:crypto";
import {
  env,
  envPrefix,
  shellProbe,
  exporterSidecar,
  headlessName,
  podHost,
  POD_NAME_ENV,
  probeSet,
  serviceHost,
  shellQuote,
  standardExports,
  waitThen,
} from "./helpers.js";
import type { BackingInit, BackingPreset, BackingRuntime, PresetContext } from "./types.js";

// ZooKeeper mode is gone from Apache's own image, so it runs on Confluent's (same Kafka version).
const ZOOKEEPER_MODE_IMAGES: Readonly<Record<string, string>> = {
  "3.8": "confluentinc/cp-kafka:7.8.0",
  "3.9": "confluentinc/cp-kafka:7.9.0",
};

/** Kafka: KRaft (combined broker and controller) by default, ZooKeeper mode when it `uses` a zookeeper. */
export const kafka: BackingPreset = {
  type: "kafka",
  versions: { "3.8": "apache/kafka:3.8.1", "3.9": "apache/kafka:3.9.0" },
  defaultVersion: "3.9",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 5,
  summary:
    "Kafka: KRaft by default (apache/kafka), ZooKeeper mode with `uses: [zookeeper]` (cp-kafka); topics created by a job; kafka-exporter",
  build(ctx) {
    const { backing, model } = ctx;
    const zk = backing.uses
      .map((u) => model.backings.find((b) => b.name === u))
      .find((b) => b?.type === "zookeeper");
    const port = { name: "kafka", port: 9092 };
    const controller = { name: "controller", port: 9093 };
    const n = backing.replicas;
    const rf = String(Math.min(3, n));
    const minIsr = String(Math.max(1, Math.min(2, n - 1)));
    const headless = `${headlessName(backing.name)}.${model.namespace}.svc`;
    const common = [
      POD_NAME_ENV,
      env("KAFKA_LOG_DIRS", "/var/lib/kafka/data/logs"),
      env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", rf),
      env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", rf),
      env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", minIsr),
      env("KAFKA_DEFAULT_REPLICATION_FACTOR", rf),
      env("KAFKA_MIN_INSYNC_REPLICAS", minIsr),
      env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", backing.topics.length > 0 ? "false" : "true"),
      env("KAFKA_HEAP_OPTS", "-Xms512m -Xmx512m"),
    ];
    const advertise = `PLAINTEXT://\${POD_NAME}.${headless}:9092`;
    const zkMode = zk !== undefined;
    const bin = zkMode ? "" : "/opt/kafka/bin/";
    const suffix = zkMode ? "" : ".sh";
    const runtime: Pick<BackingRuntime, "ports" | "env" | "command"> = zkMode
      ? {
          ports: [port],
          env: [
            ...common,
            env("KAFKA_ZOOKEEPER_CONNECT", `${serviceHost(zk.name, model)}:2181`),
            env("KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:9092"),
          ],
          command: [
            "sh",
            "-c",
            `export KAFKA_BROKER_ID=\${POD_NAME##*-} KAFKA_ADVERTISED_LISTENERS=${advertise}; exec /etc/confluent/docker/run`,
          ],
        }
      : {
          ports: [port, controller],
          env: [
            ...common,
            env("CLUSTER_ID", clusterId(model.app, backing.name)),
            env("KAFKA_PROCESS_ROLES", "broker,controller"),
            env("KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093"),
            env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            env("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
            env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
            env(
              "KAFKA_CONTROLLER_QUORUM_VOTERS",
              Array.from({ length: n }, (_, i) => `${i}@${podHost(backing.name, i, model)}:9093`).join(","),
            ),
          ],
          command: [
            "sh",
            "-c",
            `export KAFKA_NODE_ID=\${POD_NAME##*-} KAFKA_ADVERTISED_LISTENERS=${advertise}; exec /etc/kafka/docker/run`,
          ],
        };
    const bootstrap = `${serviceHost(backing.name, model)}:9092`;
    const metricsPort = { name: "metrics", port: 9308 };
    return {
      ...(zkMode ? { image: ZOOKEEPER_MODE_IMAGES[ctx.version] ?? ctx.image } : {}),
      ...runtime,
      // The probe is a JVM of its own: with the broker's KAFKA_HEAP_OPTS it would ask for 512 MiB more.
      ...probeSet(
        shellProbe(
          `KAFKA_HEAP_OPTS=-Xmx64m ${bin}kafka-broker-api-versions${suffix} --bootstrap-server 127.0.0.1:9092 >/dev/null`,
          20,
        ),
        { tcpSocket: { port: "kafka" }, timeoutSeconds: 3 },
        90,
      ),
      dataPath: "/var/lib/kafka/data",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: false,
      writableRootReason:
        "the Kafka images write their generated server.properties under their own config directory at start",
      user: { uid: 1000, gid: 1000, fsGroup: 1000 },
      // Brokers and controllers must reach each other before any of them is ready.
      publishNotReadyAddresses: true,
      parallel: true,
      ...(ctx.monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              // kafka-exporter reports the whole cluster (topics, consumer groups) and exits when it
              // cannot connect: one, beside the brokers, through the bootstrap Service.
              deployment: exporterSidecar(
                "danielqsj/kafka-exporter:v1.8.0",
                metricsPort,
                [],
                [`--kafka.server=${bootstrap}`],
              ),
            },
          }
        : {}),
      ...(backing.topics.length > 0
        ? {
            init: topicsJob(
              ctx,
              zkMode ? (ZOOKEEPER_MODE_IMAGES[ctx.version] ?? ctx.image) : ctx.image,
              `${bin}kafka-topics${suffix}`,
              bootstrap,
              rf,
            ),
          }
        : {}),
      secrets: [],
      exports: standardExports(backing, model, port, (v) => `kafka://${v.host}:${v.port}`, {
        extra: [{ name: `${envPrefix(backing.name)}_BOOTSTRAP_SERVERS`, value: bootstrap }],
      }),
    };
  },
};

function topicsJob(
  ctx: PresetContext,
  image: string,
  tool: string,
  bootstrap: string,
  rf: string,
): BackingInit {
  const create = ctx.backing.topics
    .map(
      (t) =>
        `${tool} --bootstrap-server ${bootstrap} --create --if-not-exists --topic ${shellQuote([t])} --partitions 3 --replication-factor ${rf}`,
    )
    .join(" && ");
  return {
    image,
    command: ["sh", "-c", waitThen(`${tool} --bootstrap-server ${bootstrap} --list >/dev/null 2>&1`, create)],
    env: [env("KAFKA_HEAP_OPTS", "-Xms128m -Xmx256m")],
  };
}

/** A stable KRaft cluster id (22 characters of URL-safe base64), derived from the app and the backing's name. */
export function clusterId(app: string, name: string): string {
  return createHash("sha256").update(`${app}/${name}`).digest("base64url").slice(0, 22);
}

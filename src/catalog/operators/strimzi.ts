import { createHash } from "node:crypto";
import { envPrefix } from "../helpers.js";
import { affinityOf, pullSecretsOf, replicationFactor, resourcesOf } from "./shared.js";
import type { OperatedResource, OperatorPreset } from "./types.js";

const CLIENT_PORT = 9092;
/** The label Strimzi reads to know which Kafka a node pool or topic belongs to. */
export const STRIMZI_CLUSTER_LABEL = "strimzi.io/cluster";

/** A KafkaTopic's name for a topic: the topic itself where it is a DNS name, else a safe one with a hash. */
export function topicResourceName(topic: string): string {
  if (/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(topic) && topic.length <= 253) return topic;
  const safe = topic
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .slice(0, 200);
  const hash = createHash("sha256").update(topic).digest("hex").slice(0, 8);
  return `${safe === "" ? "topic" : safe}-${hash}`;
}

/**
 * Kafka on Strimzi (API v1, KRaft only): a `Kafka` with one plain internal listener and the topic
 * operator, a `KafkaNodePool` of `replicas` nodes that are both controllers and brokers (their
 * metadata on the data volume), replication factors that fit the broker count, and a `KafkaTopic`
 * per topic once the cluster is ready. Workloads connect to `<name>-kafka-bootstrap`.
 */
export const strimzi: OperatorPreset = {
  type: "kafka",
  facts: {
    name: "Strimzi",
    group: "kafka.strimzi.io",
    crds: ["kafkas.kafka.strimzi.io", "kafkanodepools.kafka.strimzi.io", "kafkatopics.kafka.strimzi.io"],
    kinds: ["Kafka", "KafkaNodePool", "KafkaTopic"],
    version: "1.0",
    install:
      "helm install strimzi oci://quay.io/strimzi-helm/strimzi-kafka-operator --version 1.0.0 --set watchAnyNamespace=true (or the strimzi-cluster-operator YAML of the 1.0.0 release)",
    controllerLabels: { name: "strimzi-cluster-operator" },
  },
  // Kafka versions Strimzi 1.0 runs.
  versions: { "4.1": "4.1.1" },
  defaultVersion: "4.1",
  maxReplicas: 9,
  summary:
    "Strimzi `Kafka` (API v1, KRaft) with a `KafkaNodePool` of combined controller+broker nodes and a `KafkaTopic` per topic",
  build({ backing, model, version, storage, resources }) {
    const name = backing.name;
    const p = envPrefix(name);
    const n = backing.replicas;
    const rf = replicationFactor(n);
    const clusterLabel = { [STRIMZI_CLUSTER_LABEL]: name };
    const pod = {
      ...pullSecretsOf(backing.placement),
      ...affinityOf(backing.placement),
      ...(Object.keys(backing.placement.annotations).length > 0
        ? { metadata: { annotations: backing.placement.annotations } }
        : {}),
    };
    const resources_: OperatedResource[] = [
      {
        apiVersion: "kafka.strimzi.io/v1",
        kind: "KafkaNodePool",
        name: `${name}-nodes`,
        role: "part",
        labels: clusterLabel,
        spec: {
          replicas: n,
          roles: ["controller", "broker"],
          storage: {
            type: "jbod",
            volumes: [
              {
                id: 0,
                type: "persistent-claim",
                size: storage,
                ...(backing.storageClass === undefined ? {} : { class: backing.storageClass }),
                deleteClaim: false,
                kraftMetadata: "shared",
              },
            ],
          },
          resources: resourcesOf(resources),
          ...(Object.keys(pod).length > 0 ? { template: { pod } } : {}),
        },
      },
      {
        apiVersion: "kafka.strimzi.io/v1",
        kind: "Kafka",
        name,
        role: "main",
        spec: {
          kafka: {
            version,
            listeners: [{ name: "plain", port: CLIENT_PORT, type: "internal", tls: false }],
            config: {
              "default.replication.factor": rf,
              "min.insync.replicas": Math.min(2, rf),
              "offsets.topic.replication.factor": rf,
              "transaction.state.log.replication.factor": rf,
              "transaction.state.log.min.isr": Math.min(2, rf),
            },
          },
          entityOperator: { topicOperator: {} },
        },
      },
      ...backing.topics.map((topic): OperatedResource => ({
        apiVersion: "kafka.strimzi.io/v1",
        kind: "KafkaTopic",
        name: topicResourceName(topic),
        role: "init",
        labels: clusterLabel,
        spec: {
          ...(topicResourceName(topic) === topic ? {} : { topicName: topic }),
          partitions: 3,
          replicas: rf,
        },
      })),
    ];
    const host = `${name}-kafka-bootstrap.${model.namespace}.svc`;
    return {
      objects: resources_,
      secrets: [],
      exports: [
        { name: `${p}_HOST`, value: host },
        { name: `${p}_PORT`, value: String(CLIENT_PORT) },
        { name: `${p}_BOOTSTRAP_SERVERS`, value: `${host}:${CLIENT_PORT}` },
        { name: `${p}_URL`, value: `kafka://${host}:${CLIENT_PORT}` },
      ],
      provides: { services: [`${name}-kafka-bootstrap`, `${name}-kafka-brokers`], secrets: [] },
      pods: { labels: clusterLabel, clientPorts: [CLIENT_PORT] },
    };
  },
};

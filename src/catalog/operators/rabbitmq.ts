import { envPrefix } from "../helpers.js";
import { affinityOf, pullSecretsOf, resourcesOf } from "./shared.js";
import type { OperatorPreset } from "./types.js";

const AMQP_PORT = 5672;
const METRICS_PORT = 15692;

/**
 * RabbitMQ on the RabbitMQ Cluster Operator: a `RabbitmqCluster` of `replicas` nodes (the operator
 * forms the cluster, enables the Prometheus plugin and makes the default user). Workloads connect to
 * the Service `<name>` with the `<name>-default-user` Secret.
 */
export const rabbitmqOperator: OperatorPreset = {
  type: "rabbitmq",
  facts: {
    name: "RabbitMQ Cluster Operator",
    group: "rabbitmq.com",
    crds: ["rabbitmqclusters.rabbitmq.com"],
    kinds: ["RabbitmqCluster"],
    version: "2.20",
    install:
      "kubectl apply -f https://github.com/rabbitmq/cluster-operator/releases/download/v2.20.0/cluster-operator.yml",
    namespace: "rabbitmq-system",
    controllerLabels: { "app.kubernetes.io/name": "rabbitmq-cluster-operator" },
  },
  // The same images as the builtin preset: the operator runs the official management images.
  versions: {
    "3.13": "rabbitmq:3.13.7-management",
    "4.0": "rabbitmq:4.0.4-management",
    "4.1": "rabbitmq:4.1.4-management",
  },
  defaultVersion: "4.1",
  maxReplicas: 9,
  summary:
    "RabbitMQ Cluster Operator `RabbitmqCluster` of `replicas` nodes, its default user and Prometheus plugin",
  build({ backing, model, version, storage, resources }) {
    const name = backing.name;
    const p = envPrefix(name);
    const secret = `${name}-default-user`;
    const host = `${name}.${model.namespace}.svc`;
    const { nodeSelector, tolerations } = affinityOf(backing.placement) as {
      nodeSelector?: Record<string, string>;
      tolerations?: unknown[];
    };
    return {
      objects: [
        {
          apiVersion: "rabbitmq.com/v1beta1",
          kind: "RabbitmqCluster",
          name,
          role: "main",
          spec: {
            replicas: backing.replicas,
            image: version,
            ...pullSecretsOf(backing.placement),
            persistence: {
              storage,
              ...(backing.storageClass === undefined ? {} : { storageClassName: backing.storageClass }),
            },
            resources: resourcesOf(resources),
            ...(tolerations === undefined ? {} : { tolerations }),
            ...(nodeSelector === undefined
              ? {}
              : {
                  affinity: {
                    nodeAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                          {
                            matchExpressions: Object.entries(nodeSelector).map(([key, value]) => ({
                              key,
                              operator: "In",
                              values: [value],
                            })),
                          },
                        ],
                      },
                    },
                  },
                }),
          },
        },
      ],
      secrets: [],
      exports: [
        { name: `${p}_HOST`, value: host },
        { name: `${p}_PORT`, value: String(AMQP_PORT) },
        { name: `${p}_USER`, secret: { name: secret, key: "username" } },
        { name: `${p}_PASSWORD`, secret: { name: secret, key: "password" } },
        { name: `${p}_URL`, value: `amqp://$(${p}_USER):$(${p}_PASSWORD)@${host}:${AMQP_PORT}/%2F` },
      ],
      provides: { services: [name, `${name}-nodes`], secrets: [secret] },
      pods: {
        labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/component": "rabbitmq" },
        clientPorts: [AMQP_PORT],
        metricsPort: METRICS_PORT,
      },
    };
  },
};

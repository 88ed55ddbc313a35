import type { IEnvVar } from "kubernetes-models/v1";
import {
  APP_USER,
  credentialsSecretName,
  env,
  execProbe,
  headlessName,
  POD_NAME_ENV,
  probeSet,
  secretEnv,
  standardExports,
} from "./helpers.js";
import type { BackingFiles, BackingPreset } from "./types.js";

const FILES = "/opt/kubeship/rabbitmq";
/** The first version whose Kubernetes peer discovery needs no API access (seed: pod 0). */
const CLUSTER_VERSIONS: readonly string[] = ["4.1"];

/**
 * Cluster configuration, read besides the image's own conf.d. Peer discovery through the
 * Kubernetes plugin (version 2, RabbitMQ 4.1+): a node derives the seed from its own name (pod 0 of
 * the StatefulSet) and joins it; pod 0 forms the cluster. Queues are quorum queues unless a client
 * declares otherwise (classic queues are not replicated in RabbitMQ 4), and a node cut off from the
 * majority pauses rather than diverges.
 * https://www.rabbitmq.com/docs/cluster-formation#peer-discovery-k8s
 */
const CLUSTER_CONF = `# kubeship: a RabbitMQ cluster on a StatefulSet.
cluster_formation.peer_discovery_backend = k8s
cluster_partition_handling = pause_minority
default_queue_type = quorum
`;

/** The image's plugins (management, prometheus) and the Kubernetes peer discovery plugin. */
const ENABLED_PLUGINS = "[rabbitmq_management,rabbitmq_prometheus,rabbitmq_peer_discovery_k8s].\n";

/**
 * The nodes of a cluster authenticate to each other with a shared Erlang cookie: written from the
 * credentials Secret to the file Erlang reads (only the rabbitmq user can read it), so that the value
 * stays out of the process's arguments and of the deprecated RABBITMQ_ERLANG_COOKIE variable.
 */
const START = `rm -f "$HOME/.erlang.cookie" && (umask 077 && printf '%s' "$KUBESHIP_ERLANG_COOKIE" > "$HOME/.erlang.cookie") && unset KUBESHIP_ERLANG_COOKIE && exec docker-entrypoint.sh rabbitmq-server`;

/**
 * RabbitMQ (official image with the management plugin): a user of its own and the built-in
 * Prometheus plugin. With `replicas: N` (4.1+), a cluster formed by the Kubernetes peer discovery
 * plugin, with quorum queues by default.
 */
export const rabbitmq: BackingPreset = {
  type: "rabbitmq",
  versions: {
    "3.13": "rabbitmq:3.13.7-management",
    "4.0": "rabbitmq:4.0.4-management",
    "4.1": "rabbitmq:4.1.4-management",
  },
  defaultVersion: "4.1",
  defaultStorage: "5Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 7,
  replicasProblem(replicas, version) {
    if (!CLUSTER_VERSIONS.includes(version))
      return `a RabbitMQ ${version} cluster discovers its peers through the Kubernetes API; kubeship clusters RabbitMQ 4.1 and later, whose discovery needs no API access: set version: "4.1"`;
    return replicas === 2
      ? "two RabbitMQ nodes cannot keep a quorum queue's majority when one fails: use 3 (or 5)"
      : undefined;
  },
  summary:
    "RabbitMQ (official image), a password-protected user; replicas: a cluster (Kubernetes peer discovery, quorum queues by default); built-in metrics",
  build({ backing, model, monitoring }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "amqp", port: 5672 };
    const metricsPort = { name: "metrics", port: 15692 };
    const clustered = backing.replicas > 1;
    const nodeEnv: IEnvVar[] = clustered
      ? [
          POD_NAME_ENV,
          // Long node names resolve through the headless Service: the pods find each other by name.
          env("RABBITMQ_USE_LONGNAME", "true"),
          env("RABBITMQ_NODENAME", `rabbit@$(POD_NAME).${headlessName(backing.name)}.${model.namespace}.svc`),
          env("RABBITMQ_CONFIG_FILE", `${FILES}/cluster.conf`),
          env("RABBITMQ_ENABLED_PLUGINS_FILE", `${FILES}/enabled_plugins`),
          secretEnv("KUBESHIP_ERLANG_COOKIE", secret, "erlang-cookie"),
        ]
      : [];
    const files: BackingFiles | undefined = clustered
      ? {
          mountPath: FILES,
          files: { "cluster.conf": CLUSTER_CONF, enabled_plugins: ENABLED_PLUGINS },
          executable: false,
        }
      : undefined;
    return {
      ports: [
        port,
        { name: "management", port: 15672 },
        // Erlang distribution between the nodes: the port mapper and the inter-node port.
        ...(clustered
          ? [
              { name: "epmd", port: 4369 },
              { name: "dist", port: 25672 },
            ]
          : []),
        ...(monitoring ? [metricsPort] : []),
      ],
      env: [
        env("RABBITMQ_DEFAULT_USER", APP_USER),
        secretEnv("RABBITMQ_DEFAULT_PASS", secret, "password"),
        ...nodeEnv,
      ],
      ...(clustered ? { command: ["bash", "-c", START] } : {}),
      ...probeSet(
        execProbe(["rabbitmq-diagnostics", "-q", "check_port_connectivity"], 15),
        execProbe(["rabbitmq-diagnostics", "-q", "ping"], 15),
      ),
      dataPath: "/var/lib/rabbitmq",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: false,
      writableRootReason:
        "RabbitMQ writes outside its data directory (/var/log/rabbitmq and more) in ways not verified under a read-only root",
      user: { uid: 999, gid: 999, fsGroup: 999 },
      // A restarting cluster waits for the node that stopped last: the nodes must resolve each other
      // before any is ready, and start together.
      publishNotReadyAddresses: clustered,
      parallel: clustered,
      ...(files === undefined ? {} : { files }),
      ...(monitoring ? { metrics: { port: metricsPort, path: "/metrics" } } : {}),
      secrets: [
        { name: secret, keys: clustered ? ["password", "erlang-cookie"] : ["password"], source: "generated" },
      ],
      exports: standardExports(
        backing,
        model,
        port,
        // The vhost "/" written out: by the RabbitMQ URI spec a trailing "/" alone names the vhost "",
        // which spec-following clients (Java, Bunny) ask for and are refused.
        (v) => `amqp://${v.user}:${v.password}@${v.host}:${v.port}/%2F`,
        {
          user: APP_USER,
          password: { key: "password" },
        },
      ),
    };
  },
};

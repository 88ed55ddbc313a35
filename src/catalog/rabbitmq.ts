import {
  APP_USER,
  credentialsSecretName,
  env,
  execProbe,
  probeSet,
  secretEnv,
  standardExports,
} from "./helpers.js";
import type { BackingPreset } from "./types.js";

/** RabbitMQ (official image with the management plugin), single node; built-in Prometheus plugin. */
export const rabbitmq: BackingPreset = {
  type: "rabbitmq",
  versions: { "3.13": "rabbitmq:3.13.7-management", "4.0": "rabbitmq:4.0.4-management" },
  defaultVersion: "4.0",
  defaultStorage: "5Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 1,
  summary: "RabbitMQ (official image), single node with a password-protected user; built-in metrics",
  build({ backing, model, monitoring }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "amqp", port: 5672 };
    const metricsPort = { name: "metrics", port: 15692 };
    return {
      ports: [port, { name: "management", port: 15672 }, ...(monitoring ? [metricsPort] : [])],
      env: [env("RABBITMQ_DEFAULT_USER", APP_USER), secretEnv("RABBITMQ_DEFAULT_PASS", secret, "password")],
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
      publishNotReadyAddresses: false,
      ...(monitoring ? { metrics: { port: metricsPort, path: "/metrics" } } : {}),
      secrets: [{ name: secret, keys: ["password"], source: "generated" }],
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

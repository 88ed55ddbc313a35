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

/** Tarantool 2.11 (official image), single instance with an `app` user. */
export const tarantool: BackingPreset = {
  type: "tarantool",
  versions: { "2.11": "tarantool/tarantool:2.11.5" },
  defaultVersion: "2.11",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 1,
  replicasHint:
    "Tarantool replication needs its own cluster configuration (Tarantool Cartridge or the Tarantool 3 cluster config): run it by hand, or as type: external",
  summary: "Tarantool 2.11 (official image), single instance with a password-protected user",
  build({ backing, model }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "iproto", port: 3301 };
    return {
      ports: [port],
      env: [
        env("TARANTOOL_USER_NAME", APP_USER),
        secretEnv("TARANTOOL_USER_PASSWORD", secret, "password"),
        env("TARANTOOL_MEMTX_MEMORY", String(512 * 1024 * 1024)),
      ],
      ...probeSet(execProbe(["tarantool_is_up"], 3), { tcpSocket: { port: "iproto" }, timeoutSeconds: 3 }),
      dataPath: "/var/lib/tarantool",
      // The entrypoint writes its generated config.yml to /etc/tarantool and its pid file and control
      // socket to /var/run/tarantool, directories of the image's own user (uid 100 in the Alpine build):
      // as emptyDirs they are writable for the pod's user, and the root filesystem can stay read-only.
      writablePaths: ["/tmp", "/etc/tarantool", "/var/run/tarantool"],
      readOnlyRootFilesystem: true,
      user: { uid: 1000, gid: 1000, fsGroup: 1000 },
      publishNotReadyAddresses: false,
      secrets: [{ name: secret, keys: ["password"], source: "generated" }],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `tarantool://${v.user}:${v.password}@${v.host}:${v.port}`,
        {
          user: APP_USER,
          password: { key: "password" },
        },
      ),
    };
  },
};

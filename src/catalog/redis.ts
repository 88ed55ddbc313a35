import type { IEnvVar } from "kubernetes-models/v1";
import {
  credentialsSecretName,
  env,
  envPrefix,
  exporterSidecar,
  headlessName,
  POD_NAME_ENV,
  podHost,
  probeSet,
  secretEnv,
  shellProbe,
  standardExports,
} from "./helpers.js";
import type { BackingPreset, BuiltMember } from "./types.js";

/** The suffix of the Sentinels' StatefulSet and Service. */
export const SENTINEL_SUFFIX = "-sentinel";
/** Sentinels watching a replicated Redis: three, so that two (the quorum) agree on a failover. */
export const SENTINELS = 3;
const SENTINEL_PORT = 26379;
const FILES = "/opt/kubeship";

/**
 * Every Redis of a set starts from this: it writes its configuration (passwords stay out of the
 * process's arguments) into CONF_DIR, asks every Sentinel which Redis is the master (after a failover,
 * not the pod that started as one; the answer most of them give), takes pod 0 when no Sentinel
 * answers (the set's first start), and
 * replicates from the master unless it is the master itself. All addresses come from the environment.
 */
const REDIS_SCRIPT = `#!/bin/sh
# kubeship: one Redis of a replicated set watched by Sentinels.
set -eu
master=""
answers=""
for s in $SENTINELS; do
  out=$(REDISCLI_AUTH="$SENTINEL_PASSWORD" redis-cli --no-auth-warning -h "\${s%:*}" -p "\${s##*:}" \\
    sentinel get-master-addr-by-name "$MASTER_SET" 2>/dev/null | head -n 1) || true
  if [ -n "$out" ]; then answers="$answers$out
"; fi
done
# The master most Sentinels name; on a tie, not this Redis: a Sentinel that still names a Redis that
# is only now starting has not yet seen the failover the others agreed on.
if [ -n "$answers" ]; then
  master=$(printf '%s' "$answers" | sort | uniq -c | awk -v me="$ANNOUNCE" \\
    '{ score = $1 * 2 + ($2 != me); if (score > best) { best = score; m = $2 } } END { print m }')
fi
[ -n "$master" ] || master="$FIRST_MASTER"
conf="$CONF_DIR/redis.conf"
{
  echo "bind $BIND_ADDRESS"
  echo "port $REDIS_PORT"
  echo "dir $DATA_DIR"
  echo "appendonly yes"
  echo "requirepass $REDIS_PASSWORD"
  echo "masterauth $REDIS_PASSWORD"
  echo "replica-announce-ip $ANNOUNCE"
  if [ "$master" != "$ANNOUNCE" ]; then echo "replicaof $master $REDIS_PORT"; fi
} > "$conf"
echo "kubeship: master is $master"
exec redis-server "$conf"
`;

/**
 * A Sentinel: its configuration is written anew at each start (Sentinel rewrites it as it learns; a
 * restarted one learns again from the master and the others), naming the master the other Sentinels
 * name, or Redis pod 0 on the first start. Hostnames, not pod IPs, which change on restarts.
 */
const SENTINEL_SCRIPT = `#!/bin/sh
# kubeship: one Sentinel of a replicated Redis.
set -eu
master=""
for s in $SENTINELS; do
  [ "\${s%:*}" = "$ANNOUNCE" ] && continue
  out=$(REDISCLI_AUTH="$SENTINEL_PASSWORD" redis-cli --no-auth-warning -h "\${s%:*}" -p "\${s##*:}" \\
    sentinel get-master-addr-by-name "$MASTER_SET" 2>/dev/null | head -n 1) || true
  if [ -n "$out" ]; then master="$out"; break; fi
done
[ -n "$master" ] || master="$FIRST_MASTER"
conf="$CONF_DIR/sentinel.conf"
{
  echo "bind $BIND_ADDRESS"
  echo "port $SENTINEL_PORT"
  echo "dir $CONF_DIR"
  echo "sentinel resolve-hostnames yes"
  echo "sentinel announce-hostnames yes"
  echo "sentinel announce-ip $ANNOUNCE"
  echo "requirepass $SENTINEL_PASSWORD"
  echo "sentinel sentinel-pass $SENTINEL_PASSWORD"
  echo "sentinel monitor $MASTER_SET $master $REDIS_PORT $QUORUM"
  echo "sentinel auth-pass $MASTER_SET $REDIS_PASSWORD"
  echo "sentinel down-after-milliseconds $MASTER_SET 5000"
  echo "sentinel failover-timeout $MASTER_SET 60000"
  echo "sentinel parallel-syncs $MASTER_SET 1"
} > "$conf"
echo "kubeship: watching $master"
exec redis-server "$conf" --sentinel
`;

/**
 * Redis from the official image: append-only persistence and a required password. With `replicas: N`,
 * one master and N-1 replicas (StatefulSet `<name>`), and three Sentinels (`<name>-sentinel`, quorum
 * 2) that promote a replica when the master fails; clients find the master through the Sentinels.
 */
export const redis: BackingPreset = {
  type: "redis",
  versions: { "7.2": "redis:7.2.6", "7.4": "redis:7.4.1" },
  defaultVersion: "7.4",
  defaultStorage: "5Gi",
  defaultResources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  maxReplicas: 9,
  summary:
    "Redis (official image) with AOF persistence and a password; replicas: a master, replicas and three Sentinels for automatic failover; redis_exporter",
  build({ backing, model, monitoring }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "redis", port: 6379 };
    const metricsPort = { name: "metrics", port: 9121 };
    const replicated = backing.replicas > 1;
    const p = envPrefix(backing.name);
    const sentinelName = `${backing.name}${SENTINEL_SUFFIX}`;
    const sentinelHosts = Array.from(
      { length: SENTINELS },
      (_, i) => `${podHost(sentinelName, i, model)}:${SENTINEL_PORT}`,
    ).join(",");
    const ownHost = (name: string): IEnvVar =>
      env("ANNOUNCE", `$(POD_NAME).${headlessName(name)}.${model.namespace}.svc`);
    const setEnv: IEnvVar[] = [
      POD_NAME_ENV,
      env("BIND_ADDRESS", "* -::*"),
      env("DATA_DIR", "/data"),
      // Written at every start, so on an emptyDir: the root filesystem is read-only.
      env("CONF_DIR", "/tmp"),
      env("REDIS_PORT", String(port.port)),
      env("MASTER_SET", backing.name),
      env("FIRST_MASTER", podHost(backing.name, 0, model)),
      env("SENTINELS", sentinelHosts.split(",").join(" ")),
      secretEnv("REDIS_PASSWORD", secret, "password"),
      secretEnv("SENTINEL_PASSWORD", secret, "sentinel-password"),
    ];
    const files = replicated
      ? {
          mountPath: FILES,
          files: { "redis-start": REDIS_SCRIPT, "sentinel-start": SENTINEL_SCRIPT },
          executable: true,
        }
      : undefined;
    const sentinels: BuiltMember[] = replicated
      ? [
          {
            suffix: SENTINEL_SUFFIX,
            replicas: SENTINELS,
            // Sentinels keep nothing that matters across restarts; the volume holds nothing big.
            storage: "64Mi",
            ports: [{ name: "sentinel", port: SENTINEL_PORT }],
            command: ["sh", `${FILES}/sentinel-start`],
            env: [
              ...setEnv,
              ownHost(sentinelName),
              env("SENTINEL_PORT", String(SENTINEL_PORT)),
              env("QUORUM", "2"),
              secretEnv("REDISCLI_AUTH", secret, "sentinel-password"),
            ],
            ...probeSet(
              shellProbe(
                `redis-cli -h 127.0.0.1 -p ${SENTINEL_PORT} sentinel master "$MASTER_SET" | grep -q .`,
                3,
              ),
              shellProbe(`redis-cli -h 127.0.0.1 -p ${SENTINEL_PORT} ping | grep -q PONG`, 3),
            ),
            dataPath: "/data",
            writablePaths: ["/tmp"],
            readOnlyRootFilesystem: true,
            user: { uid: 999, gid: 999, fsGroup: 999 },
            publishNotReadyAddresses: true,
            parallel: true,
            ...(files === undefined ? {} : { files }),
          },
        ]
      : [];
    return {
      ports: [port],
      env: replicated
        ? [...setEnv, ownHost(backing.name), secretEnv("REDISCLI_AUTH", secret, "password")]
        : [secretEnv("REDIS_PASSWORD", secret, "password"), secretEnv("REDISCLI_AUTH", secret, "password")],
      command: replicated
        ? ["sh", `${FILES}/redis-start`]
        : ["sh", "-c", 'exec redis-server --appendonly yes --dir /data --requirepass "$REDIS_PASSWORD"'],
      // A replica is ready when its link to the master is up, not merely when it answers.
      ...probeSet(
        replicated
          ? shellProbe(
              "out=$(redis-cli -h 127.0.0.1 info replication); echo \"$out\" | grep -q '^role:master' || echo \"$out\" | grep -q '^master_link_status:up'",
              3,
            )
          : shellProbe("redis-cli -h 127.0.0.1 ping | grep -q PONG", 3),
        shellProbe("redis-cli -h 127.0.0.1 ping | grep -q PONG", 3),
      ),
      dataPath: "/data",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: true,
      user: { uid: 999, gid: 999, fsGroup: 999 },
      // Replicas find the master by its pod's name before it is ready.
      publishNotReadyAddresses: replicated,
      ...(files === undefined ? {} : { files }),
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar("oliver006/redis_exporter:v1.66.0", metricsPort, [
                env("REDIS_ADDR", "redis://127.0.0.1:6379"),
                secretEnv("REDIS_PASSWORD", secret, "password"),
              ]),
            },
          }
        : {}),
      members: sentinels,
      secrets: [
        {
          name: secret,
          keys: replicated ? ["password", "sentinel-password"] : ["password"],
          source: "generated",
        },
      ],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `redis://${v.user}:${v.password}@${v.host}:${v.port}/0`,
        {
          user: "default",
          password: { key: "password" },
          extra: replicated
            ? [
                { name: `${p}_SENTINEL_HOSTS`, value: sentinelHosts },
                { name: `${p}_SENTINEL_MASTER`, value: backing.name },
                { name: `${p}_SENTINEL_PASSWORD`, secret: { name: secret, key: "sentinel-password" } },
              ]
            : [],
        },
      ),
    };
  },
};

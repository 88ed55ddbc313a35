import {
  APP_USER,
  credentialsSecretName,
  databaseName,
  env,
  envPrefix,
  exporterSidecar,
  podHost,
  probeSet,
  secretEnv,
  serviceHost,
  shellProbe,
  standardExports,
} from "./helpers.js";
import type { BackingPreset, BuiltMember, PresetContext } from "./types.js";

/** The superuser the image creates at initdb (`POSTGRES_USER`); apps never get it. */
export const POSTGRES_SUPERUSER = "postgres";
/** The role read replicas copy and stream from the primary with (REPLICATION, nothing else). */
export const REPLICATION_USER = "replicator";
/** The role postgres-exporter reads statistics with (`pg_monitor`, nothing else). */
export const MONITORING_USER = "kubeship_monitor";
/** The suffix of the read replicas' StatefulSet and Service. */
export const READ_SUFFIX = "-read";

const PGDATA = "/var/lib/postgresql/data/pgdata";

/** psql as the superuser over the pod's own socket (trusted locally by the image), for the runbook. */
const LOCAL_PSQL = `psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -U ${POSTGRES_SUPERUSER} -d postgres`;

/**
 * The manual failover, as shell commands run in a replica's container with its environment (the
 * runbook wraps them in `kubectl exec`; the data-plane test runs them as they are): how much WAL a
 * replica has received, its promotion, and pointing another replica at the promoted one. The
 * replication password is read from the container's environment there, never written here.
 */
export const FAILOVER = {
  receivedLsn: `${LOCAL_PSQL} -tAc "select pg_last_wal_receive_lsn()"`,
  promote: `${LOCAL_PSQL} -tAc "select pg_promote()"`,
  follow: (host: string, port: number, applicationName: string): string =>
    `printf '%s\\n' "alter system set primary_conninfo = :'conninfo';" "select pg_reload_conf();" | ${LOCAL_PSQL} -v "conninfo=host=${host} port=${port} user=${REPLICATION_USER} password=$REPLICATION_PASSWORD application_name=${applicationName}"`,
} as const;
const SCRIPTS = "/docker-entrypoint-initdb.d";

/**
 * Run once by the image's entrypoint, at the primary's first start (it runs `*.sh` in
 * /docker-entrypoint-initdb.d against its temporary socket-only server): the app's role owns its
 * database and nothing else; the replication and monitoring roles can do only that. Created whether
 * or not the spec has replicas today, so that adding replicas later needs nothing by hand.
 */
const ROLES_SCRIPT = `#!/usr/bin/env bash
# kubeship: the roles of this database, created once at the primary's first start.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \\
  --set db="$POSTGRES_DB" --set app_user="$APP_USER" --set app_password="$APP_PASSWORD" \\
  --set replication_user="${REPLICATION_USER}" --set replication_password="$REPLICATION_PASSWORD" \\
  --set monitoring_user="${MONITORING_USER}" --set monitoring_password="$MONITORING_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO :"app_user";
ALTER SCHEMA public OWNER TO :"app_user";
CREATE ROLE :"replication_user" LOGIN REPLICATION PASSWORD :'replication_password';
CREATE ROLE :"monitoring_user" LOGIN PASSWORD :'monitoring_password' IN ROLE pg_monitor;
SQL
# Synchronous replication from the first start on: the running (temporary) server goes on without it,
# the server that starts next reads it from postgresql.auto.conf. primary-start sets it on later starts.
if [ -n "\${SYNCHRONOUS_STANDBY_NAMES:-}" ]; then
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set names="$SYNCHRONOUS_STANDBY_NAMES" <<'SQL'
ALTER SYSTEM SET synchronous_standby_names = :'names';
SQL
fi
# Replication connections match no "all" line of pg_hba.conf: allow the replication role, by password.
echo "host replication ${REPLICATION_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
`;

/**
 * A read replica's start: the first time (an empty data directory) it copies the primary with
 * pg_basebackup, which also writes standby.signal and the connection to follow (-R); every start
 * then runs the image's entrypoint, which finds the data and starts postgres as a hot standby that
 * streams from the primary, resuming where it stopped. Named without an extension, so that the
 * entrypoint of the primary, which runs the `*.sh` of the same directory, leaves it alone.
 */
const REPLICA_SCRIPT = `#!/usr/bin/env bash
# kubeship: a streaming read replica of $PRIMARY_HOST.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do
    echo "waiting for the primary $PRIMARY_HOST"
    sleep 2
  done
  mkdir -p "$PGDATA"
  find "$PGDATA" -mindepth 1 -delete
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup --host "$PRIMARY_HOST" --port "$PRIMARY_PORT" \\
    --username "${REPLICATION_USER}" --pgdata "$PGDATA" --wal-method=stream --write-recovery-conf \\
    --checkpoint=fast --no-password
  chmod 0700 "$PGDATA"
fi
exec docker-entrypoint.sh postgres "$@"
`;

/**
 * The primary's start. Synchronous replication cannot be a plain server argument: the image's
 * entrypoint passes its arguments to the temporary server of the first start too, whose commits would
 * then wait for replicas that do not exist yet (the roles script sets it for the server after it). On
 * later starts it is set here, so that turning `sync` on or off takes effect at the next restart.
 */
const PRIMARY_SCRIPT = `#!/usr/bin/env bash
# kubeship: the primary.
set -euo pipefail
if [ -s "$PGDATA/PG_VERSION" ]; then
  set -- "$@" -c "synchronous_standby_names=\${SYNCHRONOUS_STANDBY_NAMES:-}"
fi
exec docker-entrypoint.sh "$@"
`;

/** Server settings of every instance; the primary keeps WAL for replicas that fall behind for a while. */
function serverArgs(ctx: PresetContext): string[] {
  return [
    "postgres",
    "-c",
    "wal_keep_size=512MB",
    "-c",
    `max_wal_senders=${Math.max(10, ctx.backing.replicas + 4)}`,
  ];
}

/**
 * PostgreSQL from the official image. The database, an `app` role that owns it (no superuser), a
 * replication role and a monitoring role are created on first start. With `replicas: N`, one primary
 * (StatefulSet `<name>`) and N-1 streaming read replicas (`<name>-read`), asynchronous unless `sync`.
 */
export const postgresql: BackingPreset = {
  type: "postgresql",
  versions: { "14": "postgres:14.15", "15": "postgres:15.10", "16": "postgres:16.6", "17": "postgres:17.2" },
  defaultVersion: "16",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 16,
  summary:
    "PostgreSQL (official image): an app role that owns its database, no superuser for apps; replicas: a primary and streaming read replicas; postgres-exporter",
  build(ctx) {
    const { backing, model, monitoring } = ctx;
    const secret = credentialsSecretName(backing.name);
    const port = { name: "postgresql", port: 5432 };
    const db = databaseName(backing);
    const metricsPort = { name: "metrics", port: 9187 };
    const replicated = backing.replicas > 1;
    const common = {
      ports: [port],
      dataPath: "/var/lib/postgresql/data",
      writablePaths: ["/tmp", "/var/run/postgresql"],
      readOnlyRootFilesystem: true,
      user: { uid: 999, gid: 999, fsGroup: 999 },
      publishNotReadyAddresses: false,
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar("prometheuscommunity/postgres-exporter:v0.16.0", metricsPort, [
                env("DATA_SOURCE_URI", `127.0.0.1:5432/${db}?sslmode=disable`),
                env("DATA_SOURCE_USER", MONITORING_USER),
                secretEnv("DATA_SOURCE_PASS", secret, "monitoring-password"),
              ]),
            },
          }
        : {}),
      files: {
        mountPath: SCRIPTS,
        files: {
          "10-kubeship-roles.sh": ROLES_SCRIPT,
          "primary-start": PRIMARY_SCRIPT,
          ...(replicated ? { "replica-start": REPLICA_SCRIPT } : {}),
        },
        executable: true,
      },
    };
    const serverEnv = [
      env("POSTGRES_USER", POSTGRES_SUPERUSER),
      secretEnv("POSTGRES_PASSWORD", secret, "superuser-password"),
      env("POSTGRES_DB", db),
      // A subdirectory: the volume's root may hold lost+found, which initdb refuses.
      env("PGDATA", PGDATA),
    ];
    const replicas: BuiltMember[] = replicated
      ? [
          {
            ...common,
            suffix: READ_SUFFIX,
            replicas: backing.replicas - 1,
            command: ["bash", `${SCRIPTS}/replica-start`],
            args: serverArgs(ctx).slice(1),
            env: [
              ...serverEnv,
              env("PRIMARY_HOST", podHost(backing.name, 0, model)),
              env("PRIMARY_PORT", String(port.port)),
              secretEnv("REPLICATION_PASSWORD", secret, "replication-password"),
            ],
            // Ready when it streams from the primary, not merely when it accepts connections.
            ...probeSet(
              shellProbe(
                `psql -h /var/run/postgresql -U "$POSTGRES_USER" -d postgres -tAc "select count(*) from pg_stat_wal_receiver where status = 'streaming'" | grep -qx 1`,
              ),
              shellProbe('pg_isready -q -h /var/run/postgresql -U "$POSTGRES_USER"'),
              // The first start copies the whole database: allow an hour.
              720,
            ),
          },
        ]
      : [];
    const p = envPrefix(backing.name);
    const readHost = replicated
      ? serviceHost(`${backing.name}${READ_SUFFIX}`, model)
      : serviceHost(backing.name, model);
    return {
      ...common,
      replicas: 1,
      command: ["bash", `${SCRIPTS}/primary-start`],
      args: serverArgs(ctx),
      env: [
        ...serverEnv,
        // One replica confirms every commit (ANY 1 of them), or none.
        env("SYNCHRONOUS_STANDBY_NAMES", backing.sync === true && replicated ? "ANY 1 (*)" : ""),
        env("APP_USER", APP_USER),
        secretEnv("APP_PASSWORD", secret, "password"),
        secretEnv("REPLICATION_PASSWORD", secret, "replication-password"),
        secretEnv("MONITORING_PASSWORD", secret, "monitoring-password"),
      ],
      ...probeSet(shellProbe('pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"')),
      members: replicas,
      secrets: [
        {
          name: secret,
          keys: ["password", "superuser-password", "replication-password", "monitoring-password"],
          source: "generated",
        },
      ],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `postgresql://${v.user}:${v.password}@${v.host}:${v.port}/${v.database}`,
        {
          user: APP_USER,
          password: { key: "password" },
          database: db,
          // Reads go to the replicas (load-balanced); with one instance, to the primary.
          extraAfterUrl: [
            { name: `${p}_READ_HOST`, value: readHost },
            {
              name: `${p}_READ_URL`,
              value: `postgresql://$(${p}_USER):$(${p}_PASSWORD)@${readHost}:${port.port}/${db}`,
            },
          ],
        },
      ),
    };
  },
};

import type { IEnvVar } from "kubernetes-models/v1";
import {
  APP_USER,
  credentialsSecretName,
  databaseName,
  env,
  exporterSidecar,
  podHost,
  probeSet,
  secretEnv,
  shellProbe,
  standardExports,
} from "./helpers.js";
import type { BackingPreset } from "./types.js";

/** The superuser the image creates (`MONGO_INITDB_ROOT_USERNAME`); apps never get it. */
export const MONGO_ROOT_USER = "root";
/** The role mongodb_exporter reads with: clusterMonitor and read on `local`, nothing else. */
export const MONGO_MONITORING_USER = "kubeship_monitor";
const FILES = "/opt/kubeship";
const INITDB = "/docker-entrypoint-initdb.d";

/**
 * Run by the image's entrypoint at the first start, against its temporary server (no auth, no
 * replica set yet): the app's user may read and write its own database and nothing else, the
 * monitoring user may only read statistics. mongosh gives scripts `process.env`.
 */
const USERS_SCRIPT = `// kubeship: the users of this database, created once at the first start.
const admin = db.getSiblingDB("admin");
admin.createUser({
  user: process.env.APP_USER,
  pwd: process.env.APP_PASSWORD,
  roles: [{ role: "readWrite", db: process.env.MONGO_INITDB_DATABASE }],
});
admin.createUser({
  user: "${MONGO_MONITORING_USER}",
  pwd: process.env.MONITORING_PASSWORD,
  roles: [
    { role: "clusterMonitor", db: "admin" },
    { role: "read", db: "local" },
  ],
});
`;

/**
 * Run by the init job against member 0 as the root user: initiates the replica set with every member
 * once, adds members a larger \`replicas\` asks for, and changes nothing when the set is as it should
 * be, so the job is safe to run again. Members are the pods' stable DNS names (MEMBERS, space
 * separated), the set's name REPLICA_SET.
 */
export const RS_INIT_SCRIPT = `// kubeship: the replica set, initiated once, completed when members are added.
const set = process.env.REPLICA_SET;
const members = process.env.MEMBERS.split(" ").filter((m) => m !== "");
let status;
try {
  status = rs.status();
} catch (e) {
  if (e.codeName !== "NotYetInitialized") throw e;
}
if (status === undefined) {
  rs.initiate({ _id: set, members: members.map((host, i) => ({ _id: i, host })) });
  print(\`initiated \${set} with \${members.join(", ")}\`);
} else {
  const have = rs.conf().members.map((m) => m.host);
  const missing = members.filter((m) => !have.includes(m));
  for (const host of missing) {
    rs.add(host);
    print(\`added \${host} to \${set}\`);
  }
  if (missing.length === 0) print(\`\${set} has every member: nothing to do\`);
}
`;

/** The init job's shell: waits until every member answers, then runs the script above on member 0. */
const RS_INIT_SHELL = `set -eu
for m in $MEMBERS; do
  until mongosh --quiet --norc --host "$m" --eval 'db.adminCommand({ ping: 1 }).ok' > /dev/null 2>&1; do
    echo "waiting for $m"
    sleep 5
  done
done
exec mongosh --quiet --norc --host "\${MEMBERS%% *}" --username "$MONGO_ROOT_USERNAME" \\
  --password "$MONGO_ROOT_PASSWORD" --authenticationDatabase admin --file ${FILES}/rs-init.js`;

/**
 * MongoDB from the official image, with authentication on: a root user for kubeship's own jobs, an
 * `app` user with readWrite on its database for apps. With `replicas: N`, a replica set of N members
 * that authenticate each other with a shared key file, initiated by a job that is safe to re-run.
 */
export const mongodb: BackingPreset = {
  type: "mongodb",
  versions: { "6.0": "mongo:6.0.19", "7.0": "mongo:7.0.15", "8.0": "mongo:8.0.3" },
  defaultVersion: "7.0",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 7,
  summary:
    "MongoDB (official image) with authentication, an app user with readWrite on its database; replicas: a replica set with key file authentication; mongodb_exporter",
  build({ backing, model, monitoring, image }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "mongodb", port: 27017 };
    const db = databaseName(backing);
    const metricsPort = { name: "metrics", port: 9216 };
    const n = backing.replicas;
    const replicated = n > 1;
    const members = Array.from({ length: n }, (_, i) => `${podHost(backing.name, i, model)}:${port.port}`);
    const rootEnv: IEnvVar[] = [
      env("MONGO_INITDB_ROOT_USERNAME", MONGO_ROOT_USER),
      secretEnv("MONGO_INITDB_ROOT_PASSWORD", secret, "superuser-password"),
    ];
    return {
      ports: [port],
      env: [
        ...rootEnv,
        env("MONGO_INITDB_DATABASE", db),
        env("APP_USER", APP_USER),
        secretEnv("APP_PASSWORD", secret, "password"),
        secretEnv("MONITORING_PASSWORD", secret, "monitoring-password"),
      ],
      ...(replicated
        ? {
            // mongod refuses a key file others may read; a Secret's files are group-readable for
            // fsGroup, so it starts from a copy only its own user can read.
            command: [
              "sh",
              "-c",
              `cp /etc/kubeship/keyfile /tmp/keyfile && chmod 0400 /tmp/keyfile && exec docker-entrypoint.sh mongod --replSet ${backing.name} --keyFile /tmp/keyfile --bind_ip_all`,
            ],
            volumes: [
              {
                volume: {
                  name: "keyfile",
                  secret: {
                    secretName: secret,
                    items: [{ key: "keyfile", path: "keyfile" }],
                    defaultMode: 0o440,
                  },
                },
                mountPath: "/etc/kubeship",
              },
            ],
            parallel: true,
          }
        : {}),
      files: {
        mountPath: INITDB,
        files: { "10-kubeship-users.js": USERS_SCRIPT },
        executable: false,
      },
      // On the pod's own address: the entrypoint's first-start server listens on 127.0.0.1 only and
      // must not count as ready. In a replica set, ready means primary or secondary (or a set not
      // initiated yet, which the init job waits for).
      ...probeSet(
        shellProbe(
          `mongosh --quiet --norc --host "$(hostname -i)" --eval '${replicated ? "const h = db.hello(); h.isWritablePrimary || h.secondary || h.setName === undefined ? 1 : quit(1)" : "db.adminCommand({ ping: 1 }).ok"}'`,
          10,
        ),
        shellProbe(
          `mongosh --quiet --norc --host "$(hostname -i)" --eval 'db.adminCommand({ ping: 1 }).ok'`,
          10,
        ),
      ),
      dataPath: "/data/db",
      writablePaths: ["/tmp", "/data/configdb"],
      readOnlyRootFilesystem: true,
      user: { uid: 999, gid: 999, fsGroup: 999 },
      publishNotReadyAddresses: replicated,
      ...(monitoring
        ? {
            metrics: {
              port: metricsPort,
              path: "/metrics",
              sidecar: exporterSidecar(
                "percona/mongodb_exporter:0.42.0",
                metricsPort,
                [
                  secretEnv("MONGODB_PASSWORD", secret, "monitoring-password"),
                  env(
                    "MONGODB_URI",
                    `mongodb://${MONGO_MONITORING_USER}:$(MONGODB_PASSWORD)@127.0.0.1:27017/admin?directConnection=true`,
                  ),
                ],
                // A set's member states and replication lag come from replSetGetStatus.
                [
                  "--compatible-mode",
                  "--web.listen-address=:9216",
                  ...(replicated ? ["--collector.replicasetstatus"] : []),
                ],
              ),
            },
          }
        : {}),
      ...(replicated
        ? {
            init: {
              image,
              command: ["sh", "-c", RS_INIT_SHELL],
              env: [
                env("HOME", "/tmp"),
                env("REPLICA_SET", backing.name),
                env("MEMBERS", members.join(" ")),
                env("MONGO_ROOT_USERNAME", MONGO_ROOT_USER),
                secretEnv("MONGO_ROOT_PASSWORD", secret, "superuser-password"),
              ],
              files: { mountPath: FILES, files: { "rs-init.js": RS_INIT_SCRIPT }, executable: false },
            },
          }
        : {}),
      secrets: [
        {
          name: secret,
          keys: ["password", "superuser-password", "monitoring-password", ...(replicated ? ["keyfile"] : [])],
          source: "generated",
        },
      ],
      exports: standardExports(
        backing,
        model,
        port,
        (v) =>
          replicated
            ? `mongodb://${v.user}:${v.password}@${members.join(",")}/${v.database}?replicaSet=${backing.name}&authSource=admin`
            : `mongodb://${v.user}:${v.password}@${v.host}:${v.port}/${v.database}?authSource=admin`,
        {
          user: APP_USER,
          password: { key: "password" },
          database: db,
        },
      ),
    };
  },
};

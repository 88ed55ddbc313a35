import {
  env,
  envPrefix,
  podHost,
  probeSet,
  shellProbe,
  shellQuote,
  standardExports,
  waitThen,
} from "./helpers.js";
import type { BackingPreset } from "./types.js";

/** Cassandra from the official image: one node or a ring seeded by its first pod; keyspace created by a job. */
export const cassandra: BackingPreset = {
  type: "cassandra",
  versions: { "4.1": "cassandra:4.1.7", "5.0": "cassandra:5.0.2" },
  defaultVersion: "4.1",
  defaultStorage: "10Gi",
  defaultResources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  maxReplicas: 9,
  summary: "Cassandra (official image), one node or a ring; keyspace created by a job",
  build({ backing, model, image }) {
    const port = { name: "cql", port: 9042 };
    const n = backing.replicas;
    const rf = Math.min(3, n);
    const host = `${backing.name}.${model.namespace}.svc`;
    const keyspace = backing.keyspace;
    const cql = (stmt: string): string => `cqlsh ${host} 9042 -e ${shellQuote([stmt])}`;
    return {
      ports: [port, { name: "intra-node", port: 7000 }],
      env: [
        env("CASSANDRA_CLUSTER_NAME", model.app),
        env("CASSANDRA_SEEDS", podHost(backing.name, 0, model)),
        env("CASSANDRA_ENDPOINT_SNITCH", "GossipingPropertyFileSnitch"),
        env("MAX_HEAP_SIZE", "1024M"),
        env("HEAP_NEWSIZE", "256M"),
      ],
      // Ready when this node is Up and Normal in the ring, not merely answering CQL (a joining node
      // answers too). nodetool is a JVM: a small heap, and a slower period than the default.
      ...probeSet(
        shellProbe(
          'MAX_HEAP_SIZE=64m HEAP_NEWSIZE=16m nodetool status 2>/dev/null | grep -q "^UN  *$(hostname -i) "',
          30,
        ),
        { tcpSocket: { port: "cql" }, timeoutSeconds: 3 },
        120,
      ),
      dataPath: "/var/lib/cassandra",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: false,
      writableRootReason: "the Cassandra entrypoint edits /etc/cassandra/cassandra.yaml at start",
      user: { uid: 999, gid: 999, fsGroup: 999 },
      // Seeds resolve before they are ready; nodes join one at a time (OrderedReady): Cassandra refuses
      // to bootstrap a node while another bootstraps (cassandra.consistent.rangemovement).
      publishNotReadyAddresses: true,
      parallel: false,
      ...(keyspace === undefined
        ? {}
        : {
            init: {
              image,
              command: [
                "sh",
                "-c",
                waitThen(
                  `${cql("DESCRIBE KEYSPACES")} >/dev/null 2>&1`,
                  cql(
                    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
                  ),
                ),
              ],
              env: [env("HOME", "/tmp")],
            },
          }),
      secrets: [],
      exports: standardExports(
        backing,
        model,
        port,
        (v) => `cassandra://${v.host}:${v.port}${keyspace === undefined ? "" : `/${keyspace}`}`,
        {
          ...(keyspace === undefined
            ? {}
            : {
                database: keyspace,
                extra: [{ name: `${envPrefix(backing.name)}_KEYSPACE`, value: keyspace }],
              }),
        },
      ),
    };
  },
};

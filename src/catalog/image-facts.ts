import type { BackingType } from "../spec/schema.js";

/**
 * What each preset relies on in its image, and where that was read: the images' public
 * Dockerfiles and entrypoints at the release commits (the catalog audit of 2026-12,
 * shared/audits/catalog-images.md, and the upstream sources it names). Nothing here runs; it is
 * printed in docs/catalog.md so that whoever bumps an image knows what to check again.
 */
export interface ImageFact {
  readonly fact: string;
  readonly source: string;
}

/** How a preset replicates and what it does when a member fails, for docs/catalog.md. */
export interface ReplicationNote {
  /** The replica count the docs show the replicated form with. */
  readonly example: number;
  readonly text: string;
}

type PresetType = Exclude<BackingType, "external">;

const PG = "docker-library/postgres 16/bookworm (`960ebdf14e`)";
const MONGO = "docker-library/mongo 7.0 (`fb053f7c7`)";
const REDIS = "redis/docker-library-redis 7.4/debian/Dockerfile";
const MYSQL = "docker-library/mysql 8.4/Dockerfile.oracle (`8a0100a`)";
const CASSANDRA = "docker-library/cassandra 4.1 and 5.0 (`ad1d8a9`, `1e3d573`)";
const RABBIT = "docker-library/rabbitmq 4.0/ubuntu (`46b1718`)";
const ZK = "31z4/zookeeper-docker 3.9.3 (`268d33c`)";
const ES = "elastic/dockerfiles 8.15 (`5a2646d`)";
const KAFKA = "apache/kafka docker/ (branch 3.9)";
const CP = "confluentinc/kafka-images v7.9.0-74";
const TT = "tarantool/docker dockerfiles/alpine_3.15, files/tarantool-entrypoint.lua";
const MINIO = "minio/minio, minio/mc RELEASE.2024-11-07T00-52-20Z, RELEASE.2024-11-21T17-21-54Z";
const NATS = "nats-io/nats-docker v2.10.22 (`23198a1`)";

export const IMAGE_FACTS: Readonly<Record<PresetType, readonly ImageFact[]>> = {
  postgresql: [
    { fact: "runs as uid/gid 999 (`postgres`)", source: `${PG}: groupadd --gid=999, useradd --uid=999` },
    {
      fact: "PGDATA is a subdirectory of the volume, so `lost+found` at its root does not upset initdb; the entrypoint creates it with mode 0700",
      source: `${PG}: docker-entrypoint.sh docker_create_db_directories`,
    },
    {
      fact: "scripts in /docker-entrypoint-initdb.d run once, against a temporary server on the socket only; kubeship's roles script is one",
      source: `${PG}: docker-entrypoint.sh docker_process_init_files`,
    },
    {
      fact: "with a read-only root it writes only PGDATA and /var/run/postgresql (an emptyDir); uid 999 has a passwd entry, so nss_wrapper writes nothing",
      source: `${PG}: docker-entrypoint.sh, Dockerfile`,
    },
    {
      fact: "`pg_isready`, `pg_basebackup` and `psql` are in the image; `pg_isready` needs no password",
      source: `${PG}: Dockerfile (postgresql-16 package)`,
    },
    {
      fact: "postgres_exporter builds its connection from DATA_SOURCE_URI, DATA_SOURCE_USER and DATA_SOURCE_PASS",
      source: "prometheus-community/postgres_exporter v0.16.0: cmd/postgres_exporter/datasource.go",
    },
  ],
  mysql: [
    { fact: "runs as uid/gid 999 (`mysql`)", source: MYSQL },
    {
      fact: "the entrypoint writes the data directory, /var/run/mysqld and /var/lib/mysql-files, all mounted; its temporary server uses --skip-networking",
      source: `${MYSQL}: docker-entrypoint.sh`,
    },
    {
      fact: "MYSQL_DATABASE, MYSQL_USER and MYSQL_PASSWORD create the app's database and user, which gets all privileges on that database only",
      source: `${MYSQL}: docker-entrypoint.sh docker_setup_db`,
    },
    {
      fact: "scripts in /docker-entrypoint-initdb.d run once; kubeship's creates the exporter's `kubeship_monitor` user (PROCESS, REPLICATION CLIENT, SELECT)",
      source: `${MYSQL}: docker-entrypoint.sh docker_process_init_files`,
    },
    {
      fact: "`mysqladmin ping` exits 0 while the server answers, even without credentials",
      source: "MySQL 8.4 reference manual, mysqladmin",
    },
    {
      fact: "mysqld_exporter reads --mysqld.address, --mysqld.username and MYSQLD_EXPORTER_PASSWORD; a missing .my.cnf is fine",
      source: "prometheus/mysqld_exporter v0.16.0: config/config.go",
    },
  ],
  mongodb: [
    {
      fact: "runs as uid 999; HOME=/data/db (mongosh's logs land on the volume)",
      source: `${MONGO}: Dockerfile`,
    },
    {
      fact: "MONGO_INITDB_ROOT_USERNAME/PASSWORD create the root user in `admin`, so URLs need authSource=admin; scripts in /docker-entrypoint-initdb.d run once against a temporary mongod on 127.0.0.1",
      source: `${MONGO}: docker-entrypoint.sh`,
    },
    {
      fact: "mongosh is in 6.0, 7.0 and 8.0; readiness pings the pod's own address, which the temporary server does not listen on",
      source: `${MONGO}: Dockerfile, docker-entrypoint.sh`,
    },
    {
      fact: "mongod refuses a key file readable by others: it is copied from the Secret to a file only mongod can read",
      source: "MongoDB manual, Internal/Membership Authentication (keyFile)",
    },
    {
      fact: "mongodb_exporter reads MONGODB_URI and MONGODB_PASSWORD and serves --web.listen-address",
      source: "percona/mongodb_exporter v0.42.0",
    },
  ],
  redis: [
    { fact: "runs as uid 999 with data in /data", source: REDIS },
    {
      fact: "protected mode is off at build; irrelevant here, every Redis and Sentinel has a password",
      source: REDIS,
    },
    {
      fact: "redis-server runs as a Sentinel with --sentinel and rewrites its configuration file as it learns, so the file is written anew at each start into a writable directory",
      source: "Redis 7.4 documentation, High availability with Sentinel",
    },
    {
      fact: "redis_exporter reads REDIS_ADDR and REDIS_PASSWORD",
      source: "oliver006/redis_exporter v1.66.0: main.go",
    },
  ],
  cassandra: [
    { fact: "runs as uid 999", source: CASSANDRA },
    {
      fact: "the entrypoint edits /etc/cassandra/cassandra.yaml at start (through /tmp), so the root stays writable",
      source: `${CASSANDRA}: docker-entrypoint.sh`,
    },
    {
      fact: "CASSANDRA_SEEDS, CASSANDRA_CLUSTER_NAME, CASSANDRA_ENDPOINT_SNITCH are read by name; MAX_HEAP_SIZE and HEAP_NEWSIZE go as a pair",
      source: `${CASSANDRA}: docker-entrypoint.sh, cassandra-env.sh`,
    },
    {
      fact: "nodes bootstrap one at a time (Cassandra refuses concurrent bootstraps), hence OrderedReady",
      source: "Apache Cassandra documentation, Adding nodes",
    },
    { fact: "cqlsh and nodetool are in the image", source: `${CASSANDRA}: Dockerfile` },
  ],
  elasticsearch: [
    {
      fact: "`USER 1000:0`; config/, data/ and logs/ belong to uid 1000, so runAsGroup 1000 still writes them",
      source: ES,
    },
    {
      fact: "the entrypoint creates the keystore in config/ when ELASTIC_PASSWORD is set, so the root stays writable",
      source: `${ES}: bin/docker-entrypoint.sh`,
    },
    {
      fact: "dotted environment variables are settings; discovery.type=single-node skips the bootstrap checks and allows transport without TLS",
      source: `${ES}: bin/docker-entrypoint.sh; Elasticsearch reference, bootstrap checks`,
    },
    { fact: "curl is in the image (readiness asks /_cluster/health)", source: ES },
    {
      fact: "elasticsearch_exporter has --es.uri and serves 9114",
      source: "prometheus-community/elasticsearch_exporter v1.8.0",
    },
  ],
  kafka: [
    {
      fact: "apache/kafka runs as uid 1000 (`appuser`) and writes /opt/kafka/config at start, so the root stays writable",
      source: `${KAFKA}: Dockerfile, resources/common-scripts/configure`,
    },
    {
      fact: "KRaft needs CLUSTER_ID; variables KAFKA_X_Y become the property x.y, KAFKA_HEAP_OPTS excepted",
      source: `${KAFKA}: resources/common-scripts/configure`,
    },
    {
      fact: "confluentinc/cp-kafka (ZooKeeper mode) exits when KAFKA_PORT is set, which service-link variables of a Service named `kafka` would do: every pod has enableServiceLinks: false",
      source: `${CP}: kafka/include/etc/confluent/docker/configure`,
    },
    {
      fact: "the readiness probe's JVM inherits KAFKA_HEAP_OPTS, so the probe sets its own small heap",
      source: `${KAFKA}: bin/kafka-run-class.sh`,
    },
    {
      fact: "kafka-exporter exits while no broker answers: it runs as a Deployment of its own, not beside a broker",
      source: "danielqsj/kafka_exporter v1.8.0: kafka_exporter.go",
    },
  ],
  zookeeper: [
    { fact: "runs as uid/gid 1000", source: `${ZK}: Dockerfile` },
    {
      fact: "the image moves its configuration (logback.xml and more) to /conf at build: an init container copies it into the writable /conf",
      source: `${ZK}: Dockerfile`,
    },
    {
      fact: "ZOO_SERVERS, ZOO_MY_ID, ZOO_STANDALONE_ENABLED, ZOO_CFG_EXTRA and ZOO_4LW_COMMANDS_WHITELIST are read by docker-entrypoint.sh; nc is installed for `ruok`",
      source: `${ZK}: docker-entrypoint.sh, Dockerfile`,
    },
  ],
  tarantool: [
    {
      fact: "the entrypoint writes /etc/tarantool/config.yml and a pid and socket under /var/run/tarantool: both are emptyDirs the pod's user owns",
      source: TT,
    },
    {
      fact: "the image's own `tarantool` user is a busybox system account (uid 100); kubeship runs it as 1000 with fsGroup 1000, which owns every path it writes",
      source: `${TT}: Dockerfile (adduser -S)`,
    },
    {
      fact: "TARANTOOL_USER_NAME and TARANTOOL_USER_PASSWORD create the app's user at first start",
      source: TT,
    },
  ],
  rabbitmq: [
    {
      fact: "runs as uid 999; HOME=/var/lib/rabbitmq, so the Erlang cookie is on the volume and the CLI probes authenticate",
      source: `${RABBIT}: Dockerfile`,
    },
    {
      fact: "RABBITMQ_DEFAULT_USER/PASS are read by RabbitMQ itself; the entrypoint refuses only the deprecated variables (RABBITMQ_ERLANG_COOKIE among them)",
      source: `${RABBIT}: docker-entrypoint.sh`,
    },
    {
      fact: "the prometheus and management plugins are enabled at build (/etc/rabbitmq/enabled_plugins); a cluster's plugin file adds rabbitmq_peer_discovery_k8s",
      source: `${RABBIT}: Dockerfile`,
    },
    {
      fact: "from 4.1 the Kubernetes peer discovery plugin takes pod 0 of the StatefulSet as the seed and queries no API",
      source:
        "rabbitmq-server deps/rabbitmq_peer_discovery_k8s/README.md (4.1); rabbitmq.com blog 2025-04-04",
    },
  ],
  minio: [
    { fact: "no USER in the image: uid 1000 is free to choose", source: `${MINIO}: Dockerfile` },
    {
      fact: "on a read-only root the default certs directory fails with EROFS, which MinIO ignores",
      source: `${MINIO}: cmd/common-main.go (mkdirAllIgnorePerm)`,
    },
    {
      fact: "distributed mode expands {0...N-1} in the server list itself and needs at least 4 drives; every endpoint must resolve before the server starts, hence publishNotReadyAddresses",
      source: `${MINIO}: cmd/endpoint-ellipses.go, cmd/endpoint.go`,
    },
    {
      fact: "mc has --config-dir, `mb --ignore-existing`, `admin policy create/attach` and `admin user add`; its image has /bin/sh",
      source: MINIO,
    },
  ],
  nats: [
    {
      fact: "the default tag is the scratch image (ENTRYPOINT /nats-server): the preset's args replace the CMD",
      source: `${NATS}: 2.10.x/scratch/Dockerfile`,
    },
    {
      fact: "--jetstream, --store_dir, --http_port, --name, --cluster_name, --cluster and --routes are server flags",
      source: "nats-io/nats-server v2.10.22: server/opts.go",
    },
    {
      fact: "prometheus-nats-exporter accepts -varz -connz -jsz=all and serves 7777",
      source: "nats-io/prometheus-nats-exporter v0.15.0: exporter/exporter.go",
    },
  ],
};

export const REPLICATION_NOTES: Readonly<Partial<Record<PresetType, ReplicationNote>>> = {
  postgresql: {
    example: 3,
    text: "One primary (`<name>`) and N-1 streaming replicas (`<name>-read`), bootstrapped with pg_basebackup over a replication role and resuming after a restart; `sync: true` makes one replica synchronous. **No automatic failover**: when the primary's node is lost, promote a replica by hand (`kubeship runbook` prints the commands), or run PostgreSQL with an operator for automatic failover.",
  },
  redis: {
    example: 3,
    text: "One master and N-1 replicas, watched by three Sentinels (`<name>-sentinel`, quorum 2) that promote a replica when the master fails. Clients must ask the Sentinels for the master (`<P>_SENTINEL_HOSTS`, `<P>_SENTINEL_MASTER`, `<P>_SENTINEL_PASSWORD`): redis-py (`Sentinel`), ioredis (`sentinels`), go-redis (`NewFailoverClient`), Jedis (`JedisSentinelPool`), Lettuce (`RedisURI.Builder.sentinel`), StackExchange.Redis (`serviceName`). `<P>_URL` reaches any member, not only the master: use it for reads only.",
  },
  mongodb: {
    example: 3,
    text: "A replica set named after the backing whose members authenticate with a key file; an init job initiates it (and adds members when `replicas` grows), safe to re-run. The set elects a new primary by itself; drivers follow it through `replicaSet=` in `<P>_URL`.",
  },
  rabbitmq: {
    example: 3,
    text: "A cluster formed by the Kubernetes peer discovery plugin (4.1 and later: pod 0 is the seed, no API access), with a shared Erlang cookie; queues are quorum queues by default and a node cut off from the majority pauses. Use 3 or 5 nodes.",
  },
  minio: {
    example: 4,
    text: "Distributed mode over 4 to 16 pods, one drive each, erasure-coded: reads and writes go on with a pod down. The pod count is fixed once data is written (MinIO grows by adding a server pool, which kubeship does not do).",
  },
  kafka: {
    example: 3,
    text: "A KRaft quorum of N brokers (each also a controller), or brokers over ZooKeeper; topics and internal topics get replication factor min(3, N), min.insync.replicas min(2, N-1).",
  },
  zookeeper: { example: 3, text: "An ensemble; use an odd count so that a majority survives a failure." },
  cassandra: {
    example: 3,
    text: "A ring; nodes join one at a time; the keyspace gets replication factor min(3, N).",
  },
  nats: {
    example: 3,
    text: "A cluster with JetStream; a stream is replicated as its client asks (`replicas` of the stream, up to 5).",
  },
};

import { z } from "zod";

/**
 * The app spec schema (contract: shared/design/spec.md). It is the single source of truth for the
 * validator and for the JSON Schema that `kubeship schema` prints. Cross-field rules (references,
 * name lengths, type-specific options) live in `check-spec.ts`, because JSON Schema cannot say them.
 */

const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Kubernetes resource quantity such as `250m`, `1`, `512Mi`. */
export const quantity = z
  .union([z.string().regex(QUANTITY, "a Kubernetes quantity such as 250m, 1, 512Mi"), z.number().positive()])
  .describe("A Kubernetes quantity: 250m, 0.5, 512Mi, 10Gi");

const resourceList = z
  .object({ cpu: quantity.optional(), memory: quantity.optional() })
  .strict()
  .describe("CPU and memory");

/** Requests and limits of a container. */
export const resources = z
  .object({ requests: resourceList.optional(), limits: resourceList.optional() })
  .strict()
  .describe(
    "Resource requests and limits: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
  );

const percent = z.number().int().min(1).max(1000);

/** The largest value of an int32 field of the Kubernetes API (replicas, backoffLimit, ...). */
export const INT32_MAX = 2147483647;
/** A count that lands in an int32 field. */
const int32 = (min: number) => z.number().int().min(min).max(INT32_MAX);

/** VPA update modes: https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler */
export const VPA_MODES = ["Off", "Initial", "Recreate", "InPlaceOrRecreate", "Auto"] as const;

/** VerticalPodAutoscaler settings of a workload's main container. */
export const vertical = z
  .object({
    mode: z
      .enum(VPA_MODES)
      .optional()
      .describe(
        "Off: recommend only; Initial: set requests at pod creation; Recreate: evict to resize; InPlaceOrRecreate: resize running pods where the cluster can; Auto: deprecated, means Recreate @default Recreate",
      ),
    min: resourceList.optional().describe("minAllowed"),
    max: resourceList.optional().describe("maxAllowed"),
    resources: z
      .array(z.enum(["cpu", "memory"]))
      .min(1)
      .optional()
      .describe(
        "controlledResources: what the VPA sets (memory only beside a CPU HPA) @default [cpu, memory]",
      ),
  })
  .strict()
  .describe("VerticalPodAutoscaler (autoscaling.k8s.io/v1; its CRDs must be installed)");

/** HorizontalPodAutoscaler settings, or `false` to turn autoscaling off. */
export const autoscale = z
  .union([
    z.literal(false),
    z
      .object({
        min: int32(1).optional().describe("minReplicas (required with max)"),
        max: int32(1).optional().describe("maxReplicas (required with min)"),
        cpu: percent.optional().describe("target average CPU utilization, % of requests"),
        memory: percent.optional().describe("target average memory utilization, % of requests"),
        vertical: vertical.optional(),
      })
      .strict(),
  ])
  .describe(
    "HorizontalPodAutoscaler (autoscaling/v2) with min and max, a VerticalPodAutoscaler with vertical, both, or false",
  );

const envValue = z.union([z.string(), z.number(), z.boolean()]);
const envMap = z.record(z.string().regex(ENV_NAME, "an environment variable name"), envValue);
const secretNames = z.array(z.string().regex(ENV_NAME, "an environment variable name"));
const names = z.array(z.string());
const path = z.string().startsWith("/", "an HTTP path starting with /");

/** How a workload's health is checked. */
export const health = z
  .union([
    path,
    z
      .object({
        readiness: path.optional(),
        liveness: path.optional(),
        startup: path.optional(),
        grpc: z.boolean().optional().describe("use the gRPC health checking protocol"),
        tcp: z.boolean().optional().describe("only check that the port accepts connections"),
        exec: z.array(z.string()).min(1).optional().describe("a command that exits 0 when healthy"),
      })
      .strict(),
  ])
  .describe(
    "An HTTP path, or { readiness, liveness, startup } paths, or { grpc: true } | { tcp: true } | { exec: [...] }",
  );

const metrics = z
  .object({
    port: z.number().int().min(1).max(65535),
    path: path.optional().describe("@default /metrics"),
  })
  .strict()
  .describe("Prometheus metrics endpoint, scraped by a ServiceMonitor");

/** A toleration of a node taint. https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/ */
const toleration = z
  .object({
    key: z.string().optional(),
    operator: z.enum(["Exists", "Equal"]).optional().describe("@default Equal"),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
    tolerationSeconds: z.number().int().min(0).optional().describe("NoExecute only: how long the pod stays"),
  })
  .strict();

/** Where and how pods run: registry credentials, node placement, pod annotations. */
const placement = {
  imagePullSecrets: names
    .optional()
    .describe("Secrets (type kubernetes.io/dockerconfigjson) with the credentials of private registries"),
  nodeSelector: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "Node labels the pods must run on: https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/",
    ),
  tolerations: z.array(toleration).optional().describe("Taints the pods tolerate"),
  annotations: z
    .record(z.string(), z.string())
    .optional()
    .describe("Annotations of the pods (service meshes, autoscalers, log agents read them)"),
};

/** A mount of an app volume: a path, or a path and read-only. */
const mount = z.union([
  z.string().startsWith("/", "an absolute path"),
  z
    .object({
      path: z.string().startsWith("/", "an absolute path"),
      readOnly: z.boolean().optional().describe("@default false"),
    })
    .strict(),
]);

/** A configuration file a workload reads: its content, a file next to the spec, or a secret one. */
const fileSpec = z
  .union([
    z.object({ content: z.string().describe("The file's text") }).strict(),
    z.object({ from: z.string().min(1).describe("A file, relative to the spec's directory") }).strict(),
    z
      .object({
        secret: z.literal(true),
        from: z
          .string()
          .min(1)
          .describe(
            "A file on the deploying machine, relative to the spec's directory: read at deploy time into a Secret, never rendered",
          ),
      })
      .strict(),
  ])
  .describe("{ content } | { from: ./path } | { secret: true, from: ./path }");

const POLICY_VERB = /^([a-z]+|\*)$/;

/** One rule of a Role: what the workload may do through the Kubernetes API. */
export const permission = z
  .object({
    apiGroups: z.array(z.string()).optional().describe('API groups ("" is the core group) @default [""]'),
    resources: z.array(z.string().min(1)).min(1).describe("e.g. configmaps, pods, pods/log"),
    verbs: z.array(z.string().regex(POLICY_VERB, "a verb such as get, list, watch")).min(1),
    names: z.array(z.string().min(1)).optional().describe("resourceNames: only these objects"),
  })
  .strict();

const workloadBase = {
  ...placement,
  image: z.string().min(1).describe("Container image, pinned by tag or digest"),
  uses: names.optional().describe("Backing services and services this workload talks to"),
  env: envMap.optional(),
  secrets: secretNames
    .optional()
    .describe("Generated secret values (random, stable across deploys), injected as env"),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  replicas: int32(0).optional(),
  autoscale: autoscale.optional(),
  resources: resources.optional(),
  health: health.optional(),
  mounts: z
    .record(z.string(), mount)
    .optional()
    .describe("App volumes (top-level `volumes`) by name: where to mount them"),
  files: z
    .record(z.string().startsWith("/", "an absolute path"), fileSpec)
    .optional()
    .describe("Configuration files by absolute path, mounted read-only"),
  permissions: z
    .array(permission)
    .optional()
    .describe("Kubernetes API access in the app's namespace: a Role bound to the workload's ServiceAccount"),
  clusterPermissions: z
    .array(permission)
    .optional()
    .describe("Cluster-wide API access (nodes, namespaces): a ClusterRole; rarely needed"),
};

/** A long-running workload that listens on a port. */
export const service = z
  .object({
    ...workloadBase,
    port: z.number().int().min(1).max(65535).describe("Container port and Service port"),
    protocol: z.enum(["http", "grpc", "tcp"]).optional().describe("@default http"),
    route: path.optional().describe("Ingress path prefix on `domain`"),
    metrics: metrics.optional(),
  })
  .strict();

/** A long-running workload with no port (queue consumers, Celery). */
export const worker = z.object({ ...workloadBase, metrics: metrics.optional() }).strict();

/** Run-to-completion work: migrations, one-off tasks, cron. */
export const job = z
  .object({
    ...placement,
    image: z.string().min(1),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    uses: names.optional(),
    env: envMap.optional(),
    secrets: secretNames.optional(),
    resources: resources.optional(),
    before: names.optional().describe("Workloads that roll out only after this job completed"),
    mounts: workloadBase.mounts,
    files: workloadBase.files,
    permissions: workloadBase.permissions,
    clusterPermissions: workloadBase.clusterPermissions,
    schedule: z.string().min(1).optional().describe("Cron schedule: makes it a CronJob"),
    backoffLimit: int32(0).optional().describe("@default 2"),
    timeout: int32(1).optional().describe("activeDeadlineSeconds @default 600"),
  })
  .strict();

/** Backing service types in the catalog. */
export const BACKING_TYPES = [
  "postgresql",
  "mysql",
  "mongodb",
  "redis",
  "kafka",
  "zookeeper",
  "cassandra",
  "elasticsearch",
  "minio",
  "tarantool",
  "rabbitmq",
  "nats",
  "external",
] as const;

/** How a backing service runs: kubeship's StatefulSet, an operator's custom resource, or outside. */
export const BACKING_MODES = ["builtin", "operator", "external"] as const;

/** The types `mode: operator` supports, and the operator each runs on. */
export const OPERATOR_OF = {
  postgresql: "CloudNativePG",
  kafka: "Strimzi",
  elasticsearch: "ECK (Elastic Cloud on Kubernetes)",
  rabbitmq: "the RabbitMQ Cluster Operator",
} as const;
export type OperatorType = keyof typeof OPERATOR_OF;

/** The types whose operator runs scheduled backups (`backup` in mode operator). */
export const OPERATOR_BACKUP_TYPES: readonly OperatorType[] = ["postgresql"];

/** The types whose builtin presets kubeship backs up with a CronJob (`backup` in mode builtin). */
export const BUILTIN_BACKUP_TYPES = ["postgresql", "mysql", "mongodb", "redis"] as const;

/** Scheduled backups of a backing service. */
export const backupSpec = z
  .object({
    schedule: z.string().min(1).describe("Cron schedule (5 fields or @daily...) of the backups"),
    keep: int32(1).optional().describe("How many scheduled backups to keep @default 7"),
    to: z
      .string()
      .min(1)
      .describe("The backing the backups go to: a minio backing, or an external S3-compatible one"),
  })
  .strict()
  .describe("Scheduled backups (mode operator: the operator's own mechanism)");

/** A stateful dependency provisioned from the catalog, or an external one. */
export const backing = z
  .object({
    type: z.enum(BACKING_TYPES),
    version: z.union([z.string(), z.number()]).optional().describe("Catalog default otherwise"),
    storage: quantity.optional().describe("PersistentVolumeClaim size; catalog default otherwise"),
    storageClass: z.string().optional().describe("StorageClass of the volume; the cluster default otherwise"),
    replicas: int32(1).optional(),
    sync: z
      .boolean()
      .optional()
      .describe(
        "postgresql with replicas: one replica confirms every commit (synchronous replication) @default false",
      ),
    database: z.string().optional().describe("postgresql, mysql, mongodb: the database to create"),
    buckets: names.optional().describe("minio: buckets to create"),
    topics: names.optional().describe("kafka: topics to create"),
    keyspace: z.string().optional().describe("cassandra: keyspace to create"),
    resources: resources.optional(),
    ...placement,
    uses: names.optional().describe("Another backing (Kafka on ZooKeeper)"),
    url: z
      .string()
      .optional()
      .describe("external (type or mode): the service URL, with the user where the type has one"),
    readUrl: z
      .string()
      .optional()
      .describe("mode external: the URL of read replicas (postgresql, mysql); the url otherwise"),
    secrets: secretNames.optional().describe("external: values supplied by the operator at deploy time"),
    mode: z
      .enum(BACKING_MODES)
      .optional()
      .describe(
        "builtin: a StatefulSet from the catalog; operator: the type's operator's custom resource; external: a service outside the cluster (url, secrets supplied at deploy) @default builtin",
      ),
    operator: z
      .object({
        namespace: z
          .string()
          .optional()
          .describe("Where the operator runs (its NetworkPolicy peer); the operator's usual one otherwise"),
      })
      .strict()
      .optional()
      .describe("mode operator: where the operator runs"),
    backup: backupSpec.optional(),
  })
  .strict();

/** A PersistentVolumeClaim workloads share or keep: uploads, caches, models. */
export const volume = z
  .object({
    size: quantity.describe(
      "Requested size; it may grow later (if the StorageClass allows expansion), never shrink",
    ),
    access: z
      .enum(["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"])
      .optional()
      .describe(
        "ReadWriteOnce: pods of one node; ReadWriteMany: any pods (an RWX StorageClass: NFS, EFS, CephFS) @default ReadWriteOnce",
      ),
    storageClass: z.string().optional().describe("@default the cluster's default StorageClass"),
  })
  .strict();

const gateway = z
  .object({
    name: z
      .string()
      .optional()
      .describe("The Gateway the routes attach to @default the app's name, when `create` is given"),
    namespace: z.string().optional().describe("Its namespace @default the app's namespace"),
    sectionName: z
      .string()
      .optional()
      .describe("One listener of the Gateway to attach to @default every listener that allows the routes"),
    create: z
      .object({
        className: z
          .string()
          .describe("The GatewayClass of the Gateway kubeship writes (eg, istio, nginx, cilium ...)"),
      })
      .strict()
      .optional()
      .describe(
        "Write the Gateway too: an HTTPS listener with cert-manager's certificate when `tls` names an issuer, and an HTTP listener that redirects to it",
      ),
  })
  .strict();

const ingress = z
  .object({
    api: z
      .enum(["ingress", "gateway"])
      .optional()
      .describe(
        "ingress: Ingress objects for `className`; gateway: Gateway API routes (HTTPRoute, GRPCRoute) attached to `gateway` @default ingress",
      ),
    gateway: gateway.optional().describe("With api: gateway, the Gateway the routes attach to"),
    className: z.string().optional().describe("@default nginx"),
    tls: z.string().optional().describe("cert-manager ClusterIssuer: enables TLS on `domain`"),
    annotations: z.record(z.string(), z.string()).optional(),
    controllerNamespace: z
      .string()
      .optional()
      .describe(
        "Namespace of the ingress controller, allowed in by the NetworkPolicies @default by className: nginx -> ingress-nginx, traefik -> traefik",
      ),
  })
  .strict();

const defaults = z
  .object({
    imagePullSecrets: placement.imagePullSecrets,
    nodeSelector: placement.nodeSelector,
    tolerations: placement.tolerations,
    replicas: int32(0).optional(),
    resources: resources.optional(),
    autoscale: autoscale.optional(),
  })
  .strict();

const monitoring = z
  .object({
    serviceMonitor: z.boolean().optional(),
    alerts: z.boolean().optional(),
    dashboard: z.boolean().optional(),
    prometheusNamespace: z
      .string()
      .optional()
      .describe(
        "Namespace Prometheus scrapes from; the NetworkPolicies let only it reach metrics ports @default any namespace",
      ),
  })
  .strict();

const security = z
  .object({
    networkPolicies: z.boolean().optional(),
    podSecurity: z.enum(["restricted", "baseline"]).optional().describe("@default restricted"),
  })
  .strict();

/** App-wide secrets: values shared by several workloads, and values supplied at deploy time. */
const secretsSection = z
  .object({
    shared: secretNames
      .optional()
      .describe(
        "Generated values with one value for every workload that lists the name in its `secrets` (a Django SECRET_KEY shared by web and Celery)",
      ),
    supplied: secretNames
      .optional()
      .describe(
        "Values given at deploy time (the environment, or --secrets-file), never generated: third-party API keys; workloads list the name in their `secrets`",
      ),
    backend: z
      .enum(["generate", "external-secrets", "sealed-secrets", "sops"])
      .optional()
      .describe(
        "Where the Secrets come from. generate: kubeship deploy creates them (generated values kept, supplied ones from the environment); external-secrets: an ExternalSecret each, from `store`; sealed-secrets: `kubeship seal --cert` writes SealedSecrets to commit; sops: `kubeship seal --age` writes SOPS-encrypted Secrets to commit (Flux decrypts them). With any but generate, deploy waits for the Secrets instead of creating them @default generate",
      ),
    store: z
      .object({
        name: z.string().describe("The SecretStore or ClusterSecretStore"),
        kind: z
          .enum(["SecretStore", "ClusterSecretStore"])
          .optional()
          .describe("@default ClusterSecretStore"),
      })
      .strict()
      .optional()
      .describe("With backend external-secrets: the store every ExternalSecret reads from"),
    remoteKey: z
      .string()
      .optional()
      .describe(
        "With backend external-secrets: the remote key of each Secret, from {app}, {namespace}, {env} and {secret}; each key of the Secret is a property of it @default {app}/{secret}",
      ),
    remoteKeys: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        "With backend external-secrets: the remote key of one Secret by its name, instead of the pattern",
      ),
    generated: z
      .enum(["store", "generator"])
      .optional()
      .describe(
        "With backend external-secrets, where generated credentials come from: store (read like the others; put them there first) or generator (ESO's Password generator makes them once: refreshPolicy CreatedOnce, never rotated under a database) @default store",
      ),
    refreshInterval: z
      .string()
      .regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, "a Go duration, e.g. 1h or 15m")
      .optional()
      .describe("With backend external-secrets: how often ESO reads the store again @default 1h"),
  })
  .strict()
  .describe("App-wide secrets; a workload lists their names in its own `secrets`");

/** Backups of the whole namespace with Velero. */
const appBackup = z
  .object({
    velero: z
      .object({
        schedule: z.string().min(1).describe("Cron schedule of the namespace backups"),
        ttl: z
          .string()
          .regex(/^(\d+(\.\d+)?(h|m|s))+$/, "a duration such as 720h")
          .optional()
          .describe("How long Velero keeps each backup @default 720h"),
        namespace: z
          .string()
          .optional()
          .describe("Where Velero runs (its Schedules live there) @default velero"),
        storageLocation: z
          .string()
          .optional()
          .describe("The BackupStorageLocation; Velero's default otherwise"),
        volumes: z
          .enum(["filesystem", "snapshot"])
          .optional()
          .describe(
            "filesystem: Velero's file-system backup of every volume (any storage); snapshot: volume snapshots (the storage must support them) @default filesystem",
          ),
      })
      .strict()
      .describe("A Velero Schedule of the app's namespace, volumes included"),
  })
  .strict()
  .describe("Backups of the whole app");

const sections = {
  namespace: z.string().optional().describe("@default the app name"),
  domain: z.string().optional().describe("Ingress host for every route"),
  ingress: ingress.optional(),
  config: envMap.optional().describe("Entries of the shared ConfigMap, injected into every workload"),
  defaults: defaults.optional(),
  services: z.record(z.string(), service).optional(),
  workers: z.record(z.string(), worker).optional(),
  jobs: z.record(z.string(), job).optional(),
  backing: z.record(z.string(), backing).optional(),
  volumes: z
    .record(z.string(), volume)
    .optional()
    .describe("PersistentVolumeClaims that workloads mount (`mounts`); kept by destroy"),
  monitoring: monitoring.optional(),
  security: security.optional(),
  secrets: secretsSection.optional(),
  backup: appBackup.optional(),
};

/**
 * An environment overlay: a partial spec merged over the base (objects merge by key, lists replace,
 * `null` removes a key). Its top-level keys are checked here; the merged result is checked in full.
 */
export const environment = z
  .object(Object.fromEntries(Object.keys(sections).map((k) => [k, z.unknown().optional()])))
  .strict();

/** The whole app spec. */
export const appSpec = z
  .object({
    $schema: z.string().optional(),
    app: z.string().describe("Name of the app and default namespace (DNS-1123 label)"),
    ...sections,
    environments: z.record(z.string(), environment).optional(),
  })
  .strict();

export type AppSpec = z.output<typeof appSpec>;
export type ServiceSpec = z.output<typeof service>;
export type WorkerSpec = z.output<typeof worker>;
export type JobSpec = z.output<typeof job>;
export type BackingSpec = z.output<typeof backing>;
export type BackingType = (typeof BACKING_TYPES)[number];
export type BackingMode = (typeof BACKING_MODES)[number];
export type HealthSpec = z.output<typeof health>;
export type AutoscaleSpec = z.output<typeof autoscale>;
export type VerticalSpec = z.output<typeof vertical>;
export type PermissionSpec = z.output<typeof permission>;
export type VolumeSpec = z.output<typeof volume>;
export type ResourcesSpec = z.output<typeof resources>;
export type EnvironmentSpec = z.output<typeof environment>;

/** The input type accepted by `defineApp`: the spec as a TypeScript user writes it. */
export type AppSpecInput = z.input<typeof appSpec>;

/** The JSON Schema of the spec, for editors (`# yaml-language-server: $schema=...`). */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(appSpec, { target: "draft-7", io: "input", unrepresentable: "any" }) as {
    properties: Record<string, Record<string, unknown>>;
  };
  // Names as editors should check them (the spec check says more, with its own wording): the app and
  // every entry are DNS-1035 labels.
  const label = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
  const app = schema.properties["app"];
  if (app !== undefined) Object.assign(app, { pattern: label, maxLength: 50 });
  for (const section of ["services", "workers", "jobs", "backing"]) {
    const entry = schema.properties[section];
    if (entry !== undefined) entry["propertyNames"] = { pattern: label, maxLength: 54 };
  }
  return { ...schema, $id: "https://kubeship.dev/schema/v1/kubeship.json", title: "kubeship app spec v1" };
}

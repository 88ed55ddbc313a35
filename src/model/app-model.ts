import type { BackingMode, BackingType } from "../spec/schema.js";
import type { DependencyGraph } from "./graph.js";

/** How a workload talks on its port. */
export type Protocol = "http" | "grpc" | "tcp";

/** One probe: an HTTP GET, a gRPC health check, a TCP connect or a command. */
export type ProbeCheck =
  | { readonly kind: "http"; readonly path: string }
  | { readonly kind: "grpc" }
  | { readonly kind: "tcp" }
  | { readonly kind: "exec"; readonly command: readonly string[] };

/** The probes of a workload's main container. */
export interface Health {
  readonly readiness?: ProbeCheck;
  readonly liveness?: ProbeCheck;
  readonly startup?: ProbeCheck;
}

/** CPU and memory quantities. */
export interface ResourceAmounts {
  readonly cpu: string;
  readonly memory: string;
}

/** Resource requests and limits, complete after defaults. */
export interface Resources {
  readonly requests: ResourceAmounts;
  readonly limits: ResourceAmounts;
}

/** HorizontalPodAutoscaler settings. */
export interface Autoscale {
  readonly min: number;
  readonly max: number;
  /** Target average CPU utilization in % of requests. */
  readonly cpu?: number;
  /** Target average memory utilization in % of requests. */
  readonly memory?: number;
}

/** VerticalPodAutoscaler settings of a workload's main container. */
export interface Vertical {
  readonly mode: "Off" | "Initial" | "Recreate" | "InPlaceOrRecreate" | "Auto";
  readonly min?: Partial<ResourceAmounts>;
  readonly max?: Partial<ResourceAmounts>;
  /** What the VPA sets. */
  readonly resources: readonly ("cpu" | "memory")[];
}

/** An app volume mounted into a workload. */
export interface Mount {
  readonly volume: string;
  readonly path: string;
  readonly readOnly: boolean;
}

/**
 * A configuration file of a workload: its text (written in the spec or read from a file next to it
 * at render time), or a secret one whose value only the deploy reads (from a file next to the spec).
 */
export type ConfigFile =
  | { readonly path: string; readonly kind: "config"; readonly content: string }
  | { readonly path: string; readonly kind: "secret"; readonly from: string };

/** One rule of a Role or ClusterRole. */
export interface PermissionRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly names: readonly string[];
}

/** A PersistentVolumeClaim of the app that workloads mount. */
export interface AppVolume {
  readonly name: string;
  readonly size: string;
  readonly access: "ReadWriteOnce" | "ReadWriteMany" | "ReadOnlyMany";
  readonly storageClass?: string;
}

/** A toleration of a node taint, as the pod spec has it. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: "Exists" | "Equal";
  readonly value?: string;
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  readonly tolerationSeconds?: number;
}

/** Where and how a workload's or backing's pods run: registry credentials, nodes, pod annotations. */
export interface Placement {
  readonly imagePullSecrets: readonly string[];
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly annotations: Readonly<Record<string, string>>;
}

/** What kind of workload a node is. */
export type WorkloadKind = "service" | "worker" | "job" | "cronjob";

/** A workload built from the user's image, with every default applied. */
export interface Workload {
  readonly name: string;
  readonly kind: WorkloadKind;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** Plain env entries, values as strings. */
  readonly env: Readonly<Record<string, string>>;
  /** Names of generated secret values injected as env. */
  readonly secrets: readonly string[];
  readonly uses: readonly string[];
  readonly port?: number;
  readonly protocol: Protocol;
  readonly route?: string;
  readonly health: Health;
  readonly metrics?: { readonly port: number; readonly path: string };
  /** Desired replicas (services and workers). */
  readonly replicas: number;
  readonly autoscale?: Autoscale;
  readonly vertical?: Vertical;
  readonly resources: Resources;
  readonly mounts: readonly Mount[];
  /** Sorted by path. */
  readonly files: readonly ConfigFile[];
  readonly permissions: readonly PermissionRule[];
  readonly clusterPermissions: readonly PermissionRule[];
  readonly schedule?: string;
  readonly before: readonly string[];
  readonly backoffLimit: number;
  /** activeDeadlineSeconds of a job. */
  readonly timeout: number;
  readonly placement: Placement;
}

/** A backing service as the user asked for it; the catalog fills in its own defaults. */
export interface Backing {
  readonly name: string;
  readonly type: BackingType;
  readonly version?: string;
  readonly storage?: string;
  readonly storageClass?: string;
  readonly replicas: number;
  /** PostgreSQL with replicas: synchronous replication to one replica. */
  readonly sync?: boolean;
  readonly database?: string;
  readonly buckets: readonly string[];
  readonly topics: readonly string[];
  readonly keyspace?: string;
  readonly resources?: {
    readonly requests?: Partial<ResourceAmounts>;
    readonly limits?: Partial<ResourceAmounts>;
  };
  readonly uses: readonly string[];
  /**
   * builtin: kubeship's StatefulSets; operator: the type's operator's custom resource; external:
   * nothing runs (always so for type external).
   */
  readonly mode: BackingMode;
  readonly url?: string;
  /** Mode external: the read replicas' URL. */
  readonly readUrl?: string;
  readonly secrets: readonly string[];
  readonly placement: Placement;
  /** Mode operator: the namespace the operator runs in, where the spec names it. */
  readonly operatorNamespace?: string;
  readonly backup?: BackingBackup;
}

/** Scheduled backups of a backing service to another (a minio backing or an external S3 endpoint). */
export interface BackingBackup {
  readonly schedule: string;
  readonly keep: number;
  readonly to: string;
}

/** The Gateway routes attach to, and whether kubeship writes it. */
export interface GatewayRef {
  readonly name: string;
  readonly namespace: string;
  readonly sectionName?: string;
  /** Set when kubeship writes the Gateway: its GatewayClass. */
  readonly create?: { readonly className: string };
}

/** The normalized application: every default applied, one dependency graph. */
export interface AppModel {
  readonly app: string;
  readonly namespace: string;
  readonly environment?: string;
  readonly domain?: string;
  readonly ingress: {
    /** Ingress objects, or Gateway API routes. */
    readonly api: "ingress" | "gateway";
    /** With `api: gateway`: the Gateway the routes attach to. */
    readonly gateway?: GatewayRef;
    readonly className: string;
    readonly tls?: string;
    /** Where the ingress controller runs; undefined: allow any namespace in. */
    readonly controllerNamespace?: string;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly config: Readonly<Record<string, string>>;
  /** Services, workers and jobs, sorted by name. */
  readonly workloads: readonly Workload[];
  /** Backing services, sorted by name. */
  readonly backings: readonly Backing[];
  /** App volumes, sorted by name. */
  readonly volumes: readonly AppVolume[];
  /** A Velero Schedule of the namespace. */
  readonly velero?: {
    readonly schedule: string;
    readonly ttl: string;
    readonly namespace: string;
    readonly storageLocation?: string;
    readonly volumes: "filesystem" | "snapshot";
  };
  readonly monitoring: {
    readonly serviceMonitor: boolean;
    readonly alerts: boolean;
    readonly dashboard: boolean;
    /** Where Prometheus runs; undefined: any namespace may scrape metrics ports. */
    readonly prometheusNamespace?: string;
  };
  readonly security: { readonly networkPolicies: boolean; readonly podSecurity: "restricted" | "baseline" };
  /** App-wide secret names: generated once and shared, or supplied at deploy time. Sorted. */
  readonly secrets: {
    readonly shared: readonly string[];
    readonly supplied: readonly string[];
    /** Who creates the Secrets: kubeship's deploy, or a controller (the deploy then waits). */
    readonly backend: "generate" | "external-secrets" | "sealed-secrets" | "sops";
    /** With external-secrets: where and under which key each Secret is read. */
    readonly external?: {
      readonly store: { readonly name: string; readonly kind: "SecretStore" | "ClusterSecretStore" };
      readonly remoteKey: string;
      readonly remoteKeys: Readonly<Record<string, string>>;
      readonly refreshInterval: string;
      /** Generated credentials: read from the store, or made once by ESO's Password generator. */
      readonly generated: "store" | "generator";
    };
  };
  readonly graph: DependencyGraph;
}

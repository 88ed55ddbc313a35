import type { AppModel, Backing, Resources } from "../../model/app-model.js";
import type { OperatorType } from "../../spec/schema.js";
import type { ExportedVar, SecretRequirement } from "../types.js";

/**
 * Where a custom resource goes in the deploy: `main` is the backing's own resource (its graph node
 * waits for the operator's readiness of it), `part` is applied with it (a node pool), `config` before
 * the graph (an object store the main one names), `init` after the node is ready (topics), `after`
 * with monitoring (schedules, pod monitors).
 */
export type OperatedRole = "main" | "part" | "config" | "init" | "after";

/** One object of an operator-run backing, without the metadata render adds (namespace, labels). */
export interface OperatedResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly role: OperatedRole;
  /** Labels the operator reads (which cluster a node pool or topic belongs to). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** What kubeship knows about one operator: its API, its install, where it usually runs. */
export interface OperatorFacts {
  /** A name people know it by. */
  readonly name: string;
  /** The API group of its custom resources (the CRDs `doctor` looks for). */
  readonly group: string;
  /** The CRDs of that group kubeship writes objects of (plural.group). */
  readonly crds: readonly string[];
  /** Their kinds. */
  readonly kinds: readonly string[];
  /** The version kubeship's objects are written for. */
  readonly version: string;
  /** How to install it (one line, for errors and doctor). */
  readonly install: string;
  /** The namespace its install creates; undefined when installs differ (any namespace may reach the pods). */
  readonly namespace?: string;
  /** Labels of the operator's own controller pods (doctor finds its Deployment by them). */
  readonly controllerLabels: Readonly<Record<string, string>>;
}

/** The pods an operator runs for a backing, as NetworkPolicies need them. */
export interface OperatedPods {
  /** Labels that select every pod of the backing (the operator sets them). */
  readonly labels: Readonly<Record<string, string>>;
  /** The ports clients connect to. */
  readonly clientPorts: readonly number[];
  /** The port Prometheus scrapes, where the pods serve metrics. */
  readonly metricsPort?: number;
}

/** Where backups go: pods of a minio backing in the app, or an address outside. */
export type BackupEgress =
  { readonly backing: string; readonly port: number } | { readonly external: true; readonly port: number };

/** A backing service run by its operator: the custom resources, and what workloads get from them. */
export interface OperatedBacking {
  readonly name: string;
  readonly type: OperatorType;
  readonly mode: "operator";
  readonly version: string;
  readonly replicas: number;
  readonly operator: OperatorFacts;
  /** The operator's namespace the NetworkPolicy admits: the spec's, else the operator's usual one. */
  readonly operatorNamespace?: string;
  readonly objects: readonly OperatedResource[];
  /** Secrets kubeship creates for it (none: the operator makes its credentials). */
  readonly secrets: readonly SecretRequirement[];
  readonly exports: readonly ExportedVar[];
  /** What the operator creates that workloads and lint refer to. */
  readonly provides: { readonly services: readonly string[]; readonly secrets: readonly string[] };
  readonly pods: OperatedPods;
  readonly backupEgress?: BackupEgress;
}

/** What an operator preset is given. */
export interface OperatorContext {
  readonly backing: Backing;
  readonly model: AppModel;
  readonly version: string;
  readonly storage: string;
  readonly resources: Resources;
  readonly monitoring: boolean;
}

/** What kubeship knows about running one type on its operator. */
export interface OperatorPreset {
  readonly type: OperatorType;
  readonly facts: OperatorFacts;
  /** Version (as users write it) -> the version or image the operator runs. */
  readonly versions: Readonly<Record<string, string>>;
  readonly defaultVersion: string;
  readonly maxReplicas: number;
  /** One line for the docs. */
  readonly summary: string;
  build(
    ctx: OperatorContext,
  ): Omit<
    OperatedBacking,
    "name" | "type" | "mode" | "version" | "replicas" | "operator" | "operatorNamespace"
  >;
}

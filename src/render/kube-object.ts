import { compare } from "../model/build-model.js";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";

/** Kubernetes ObjectMeta, as kubernetes-models types it. */
export type IObjectMeta = NonNullable<IConfigMap["metadata"]>;

/** Any Kubernetes object kubeship renders: typed builders return specific kinds, all of this shape. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: IObjectMeta & { readonly name: string };
  readonly [field: string]: unknown;
}

/** Widens a typed kubernetes-models object (its kind's own interface) to a `KubeObject`. */
export function toObject(o: {
  apiVersion: string;
  kind: string;
  metadata: IObjectMeta & { name: string };
}): KubeObject {
  return o;
}

/** The apply order of kinds: what others need comes first (the namespace, then config, then workloads). */
export const KIND_ORDER: readonly string[] = [
  "Namespace",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "NetworkPolicy",
  "Service",
  "StatefulSet",
  "Job",
  "Deployment",
  "CronJob",
  "HorizontalPodAutoscaler",
  "VerticalPodAutoscaler",
  "PodDisruptionBudget",
  "Ingress",
  "ServiceMonitor",
  "PrometheusRule",
  // Gateway API routing (after the kinds before it, so that their file numbers stay as they were).
  "Gateway",
  "HTTPRoute",
  "GRPCRoute",
  // Applied with the config (render/deploy-order.ts); last here so that no other file number moves.
  "ExternalSecret",
  "Password",
  // Operator-run backing services (catalog/operators): the store before the cluster that archives to
  // it, node pools before their Kafka, topics after it, then schedules and pod monitors.
  "ObjectStore",
  "KafkaNodePool",
  "Cluster",
  "Kafka",
  "Elasticsearch",
  "RabbitmqCluster",
  "KafkaTopic",
  "ScheduledBackup",
  "PodMonitor",
  // backup.velero: a Schedule in Velero's namespace.
  "Schedule",
];

/** Sorts objects by apply order, then by name: the stable order of every output. */
export function sortObjects(objects: readonly KubeObject[]): KubeObject[] {
  const rank = (k: string): number => {
    const i = KIND_ORDER.indexOf(k);
    return i === -1 ? KIND_ORDER.length : i;
  };
  return [...objects].sort(
    (a, b) =>
      rank(a.kind) - rank(b.kind) || compare(a.kind, b.kind) || compare(a.metadata.name, b.metadata.name),
  );
}

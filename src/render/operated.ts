import type { OperatedBacking, OperatedResource } from "../catalog/operators/types.js";
import type { RenderContext } from "./context.js";
import { INIT_JOB_SUFFIX } from "./job.js";
import type { KubeObject } from "./kube-object.js";
import { BACKING_LABEL, COMPONENT_LABEL, NAME_LABEL, objectLabels } from "./labels.js";
import { BACKING_COMPONENT } from "./stateful-set.js";

/** The kinds of the operators' main resources: a graph node's workload, waited for by the deploy. */
export const OPERATED_MAIN_KINDS: ReadonlySet<string> = new Set([
  "Cluster",
  "Kafka",
  "Elasticsearch",
  "RabbitmqCluster",
]);
/** Applied with the main resource (Strimzi's node pools). */
export const OPERATED_PART_KINDS: ReadonlySet<string> = new Set(["KafkaNodePool"]);
/** Made once the main resource is ready, in the node's init step (Strimzi's topics). */
export const OPERATED_INIT_KINDS: ReadonlySet<string> = new Set(["KafkaTopic"]);

/** Every operator kind kubeship writes, at the version it writes (what deploy and status list live). */
export const OPERATED_API: readonly { readonly apiVersion: string; readonly kind: string }[] = [
  { apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster" },
  { apiVersion: "postgresql.cnpg.io/v1", kind: "ScheduledBackup" },
  { apiVersion: "barmancloud.cnpg.io/v1", kind: "ObjectStore" },
  { apiVersion: "kafka.strimzi.io/v1", kind: "Kafka" },
  { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaNodePool" },
  { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaTopic" },
  { apiVersion: "elasticsearch.k8s.elastic.co/v1", kind: "Elasticsearch" },
  { apiVersion: "rabbitmq.com/v1beta1", kind: "RabbitmqCluster" },
  { apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor" },
];

/**
 * The objects of a backing its operator runs: the preset's custom resources with kubeship's labels
 * (the backing label ties them to their graph node; a topic, made once the node is ready, belongs to
 * the node's init step as an init job would).
 */
export function renderOperated(ctx: RenderContext, b: OperatedBacking): KubeObject[] {
  return b.objects.map((r) => renderResource(ctx, b, r));
}

function renderResource(ctx: RenderContext, b: OperatedBacking, r: OperatedResource): KubeObject {
  const { model } = ctx;
  const init = r.role === "init";
  const labels: Record<string, string> = {
    ...objectLabels(model, init ? `${b.name}${INIT_JOB_SUFFIX}` : r.name, init ? "init" : BACKING_COMPONENT),
    ...(init ? {} : { [BACKING_LABEL]: b.name }),
    ...(r.labels ?? {}),
  };
  if (init) {
    labels[NAME_LABEL] = `${b.name}${INIT_JOB_SUFFIX}`;
    labels[COMPONENT_LABEL] = "init";
  }
  return {
    apiVersion: r.apiVersion,
    kind: r.kind,
    metadata: { name: r.name, namespace: model.namespace, labels },
    spec: r.spec,
  };
}

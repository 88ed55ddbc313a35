import type { LiveObject } from "./kube/cluster.js";
import type { Readiness } from "./readiness-state.js";

type Status = Record<string, unknown>;
type Condition = {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
};

const conditionsOf = (o: LiveObject): Condition[] =>
  (((o["status"] ?? {}) as Status)["conditions"] as Condition[] | undefined) ?? [];
const statusOf = (o: LiveObject): Status => (o["status"] ?? {}) as Status;
const specOf = (o: LiveObject): Status => (o["spec"] ?? {}) as Status;
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const why = (c: Condition | undefined): string =>
  c === undefined ? "" : `${c.reason ?? "?"}${c.message ? `: ${c.message}` : ""}`;

/** CloudNativePG's phases from which the operator does not go on by itself (api/v1/cluster_types.go). */
const CNPG_FAILED_PHASES = new Set([
  "Cluster cannot proceed to reconciliation due to an unknown plugin being required",
  "Cluster cannot proceed to reconciliation due to an error while interacting with plugins",
  "Cluster has incomplete or invalid image catalog",
  "Cluster is unrecoverable and needs manual intervention",
  "Cluster cannot execute instance online upgrade due to missing architecture binary",
  "Unable to create required cluster objects",
  "Invalid cluster definition",
  "Waiting for user action",
]);
const CNPG_HEALTHY = "Cluster in healthy state";

/**
 * The readiness of an operator's resource, from the status its operator documents; undefined for
 * other kinds. Ready only for the generation the deploy applied where the operator reports one.
 * A failure the operator does not recover from by itself fails the deploy at once, naming the
 * operator's reason; anything else stays progressing with that reason, which the timeout reports.
 */
export function operatedReadiness(o: LiveObject): Readiness | undefined {
  const group = o.apiVersion.split("/")[0] ?? "";
  switch (`${group}/${o.kind}`) {
    case "postgresql.cnpg.io/Cluster":
      return cnpgCluster(o);
    case "kafka.strimzi.io/Kafka":
    case "kafka.strimzi.io/KafkaTopic":
      return strimzi(o);
    case "elasticsearch.k8s.elastic.co/Elasticsearch":
      return elasticsearch(o);
    case "rabbitmq.com/RabbitmqCluster":
      return rabbitmq(o);
    default:
      return undefined;
  }
}

/** `status.phase`, `readyInstances` of `spec.instances`, condition Ready (CloudNativePG). */
function cnpgCluster(o: LiveObject): Readiness {
  const status = statusOf(o);
  const phase = str(status["phase"]);
  const reason = str(status["phaseReason"]);
  if (CNPG_FAILED_PHASES.has(phase))
    return { state: "failed", message: `${phase}${reason === "" ? "" : `: ${reason}`}` };
  const want = typeof specOf(o)["instances"] === "number" ? (specOf(o)["instances"] as number) : 1;
  const ready = num(status["readyInstances"]);
  const condition = conditionsOf(o).find((c) => c.type === "Ready");
  if (phase === CNPG_HEALTHY && ready >= want && condition?.status === "True")
    return {
      state: "ready",
      message: `${ready}/${want} instances ready, primary ${str(status["currentPrimary"]) || "?"}`,
    };
  return {
    state: "progressing",
    message: `${phase === "" ? "waiting for CloudNativePG" : phase}${reason === "" ? "" : ` (${reason})`}, ${ready} of ${want} instances ready`,
  };
}

/** Reasons of Strimzi's NotReady that a retry does not fix: the resource itself is refused. */
const STRIMZI_FATAL = /Invalid|Unsupported|NotSupported|KafkaUpgradeException/;

/** Condition Ready for `status.observedGeneration` (Strimzi's Kafka and KafkaTopic). */
function strimzi(o: LiveObject): Readiness {
  const generation = o.metadata.generation ?? 0;
  const observed = num(statusOf(o)["observedGeneration"]);
  const conditions = conditionsOf(o);
  const ready = conditions.find((c) => c.type === "Ready");
  const notReady = conditions.find((c) => c.type === "NotReady" && c.status === "True");
  const refused = notReady ?? (ready?.status === "False" ? ready : undefined);
  if (refused !== undefined && STRIMZI_FATAL.test(refused.reason ?? ""))
    return { state: "failed", message: `Strimzi refused it: ${why(refused)}` };
  if (observed < generation)
    return { state: "progressing", message: "waiting for Strimzi to see this version" };
  if (ready?.status === "True") return { state: "ready", message: "Ready" };
  return {
    state: "progressing",
    message:
      refused === undefined ? "waiting for Strimzi (no Ready condition yet)" : `not ready: ${why(refused)}`,
  };
}

/** `status.phase` Ready and `status.health` green (yellow for a single node) for this generation (ECK). */
function elasticsearch(o: LiveObject): Readiness {
  const status = statusOf(o);
  const phase = str(status["phase"]);
  const health = str(status["health"]);
  if (phase === "Invalid")
    return { state: "failed", message: `ECK found the resource invalid${conditionText(o)}` };
  if (num(status["observedGeneration"]) < (o.metadata.generation ?? 0))
    return { state: "progressing", message: "waiting for ECK to see this version" };
  const nodes = ((specOf(o)["nodeSets"] as Status[] | undefined) ?? []).reduce(
    (n, s) => n + num(s["count"]),
    0,
  );
  const healthy = health === "green" || (health === "yellow" && nodes === 1);
  if (phase === "Ready" && healthy)
    return { state: "ready", message: `${num(status["availableNodes"])} nodes available, health ${health}` };
  return {
    state: "progressing",
    message: `phase ${phase || "?"}, health ${health || "unknown"}, ${num(status["availableNodes"])} of ${nodes} nodes available`,
  };
}

function conditionText(o: LiveObject): string {
  const bad = conditionsOf(o).find((c) => c.status === "False" && c.message);
  return bad === undefined ? "" : `: ${bad.message ?? ""}`;
}

/** Conditions AllReplicasReady and ClusterAvailable for this generation (RabbitMQ Cluster Operator). */
function rabbitmq(o: LiveObject): Readiness {
  const conditions = conditionsOf(o);
  const get = (type: string) => conditions.find((c) => c.type === type);
  const reconcile = get("ReconcileSuccess");
  if (num(statusOf(o)["observedGeneration"]) < (o.metadata.generation ?? 0))
    return { state: "progressing", message: "waiting for the RabbitMQ operator to see this version" };
  const replicas = get("AllReplicasReady");
  const available = get("ClusterAvailable");
  if (replicas?.status === "True" && available?.status === "True")
    return { state: "ready", message: "all replicas ready, cluster available" };
  if (reconcile?.status === "False")
    return { state: "progressing", message: `the operator cannot reconcile it: ${why(reconcile)}` };
  return {
    state: "progressing",
    message: `${replicas?.status === "True" ? "replicas ready" : why(replicas) || "replicas not ready"}; ${available?.status === "True" ? "available" : why(available) || "not available yet"}`,
  };
}

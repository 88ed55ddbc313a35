import type { LiveObject } from "./kube/cluster.js";
import { operatedReadiness } from "./operator-readiness.js";
import type { Readiness } from "./readiness-state.js";

export type { Readiness } from "./readiness-state.js";

type Status = Record<string, unknown>;
type Condition = { type?: string; status?: string; reason?: string; message?: string };

/** Whether an object's status has a condition of this type with status True (Ready, Complete...). */
export function conditionTrue(o: Record<string, unknown>, type: string): boolean {
  const status = (o["status"] ?? {}) as Status;
  return ((status["conditions"] as Condition[] | undefined) ?? []).some(
    (c) => c.type === type && c.status === "True",
  );
}

/** A numeric status field, or 0 when it is absent. */
export const num = (v: unknown): number => (typeof v === "number" ? v : 0);

/**
 * Whether a live object is ready, from its status alone (the same rules as `kubectl rollout status`):
 * Deployments are observed, updated and available with no old pods left; StatefulSets are on their
 * update revision with every replica ready; Jobs complete; claims bound. Other kinds are ready once
 * applied.
 */
export function readinessOf(o: LiveObject): Readiness {
  const spec = (o["spec"] ?? {}) as Status;
  const status = (o["status"] ?? {}) as Status;
  const conditions = (status["conditions"] as Condition[] | undefined) ?? [];
  const generation = o.metadata.generation ?? 0;
  const observed = num(status["observedGeneration"]);
  switch (o.kind) {
    case "Deployment": {
      const want = typeof spec["replicas"] === "number" ? spec["replicas"] : 1;
      const progressing = conditions.find((c) => c.type === "Progressing");
      if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded")
        return {
          state: "failed",
          message: `rollout exceeded its progress deadline: ${progressing.message ?? ""}`,
        };
      if (observed < generation)
        return { state: "progressing", message: "waiting for the controller to see the change" };
      const updated = num(status["updatedReplicas"]);
      const available = num(status["availableReplicas"]);
      const total = num(status["replicas"]);
      if (updated < want) return { state: "progressing", message: `${updated} of ${want} pods updated` };
      if (total > updated)
        return { state: "progressing", message: `${total - updated} old pods still running` };
      if (available < want)
        return { state: "progressing", message: `${available} of ${want} pods available` };
      return { state: "ready", message: `${available}/${want} available` };
    }
    case "StatefulSet": {
      const want = typeof spec["replicas"] === "number" ? spec["replicas"] : 1;
      if (observed < generation)
        return { state: "progressing", message: "waiting for the controller to see the change" };
      const ready = num(status["readyReplicas"]);
      const updated = num(status["updatedReplicas"]);
      const strategy = (spec["updateStrategy"] as Status | undefined)?.["type"];
      if (
        strategy !== "OnDelete" &&
        status["updateRevision"] !== undefined &&
        status["currentRevision"] !== status["updateRevision"] &&
        updated < want
      )
        return { state: "progressing", message: `${updated} of ${want} pods on the new revision` };
      if (ready < want) return { state: "progressing", message: `${ready} of ${want} pods ready` };
      return { state: "ready", message: `${ready}/${want} ready` };
    }
    case "Job": {
      const failed = conditions.find((c) => c.type === "Failed" && c.status === "True");
      if (failed)
        return {
          state: "failed",
          message: `job failed: ${failed.reason ?? ""} ${failed.message ?? ""}`.trim(),
        };
      if (conditionTrue(o, "Complete")) return { state: "ready", message: "complete" };
      return {
        state: "progressing",
        message: `${num(status["active"])} running, ${num(status["succeeded"])} succeeded, ${num(status["failed"])} failed`,
      };
    }
    case "CustomResourceDefinition":
      return conditionTrue(o, "Established")
        ? { state: "ready", message: "established" }
        : { state: "progressing", message: "waiting for the API server to serve it" };
    case "PersistentVolumeClaim":
      return status["phase"] === "Bound"
        ? { state: "ready", message: "bound" }
        : {
            state: "progressing",
            message: `claim ${typeof status["phase"] === "string" ? status["phase"] : "Pending"}`,
          };
    case "HTTPRoute":
    case "GRPCRoute":
      return routeReadiness(o);
    case "Gateway":
      return gatewayReadiness(o);
    default:
      return operatedReadiness(o) ?? { state: "ready", message: "applied" };
  }
}

type RouteCondition = Condition & { observedGeneration?: number };

/**
 * A Gateway API route: accepted by every parent it names and its references resolved (the
 * conditions its gateway controller writes under `status.parents`, for this generation). A route
 * that is not accepted stays "progressing" with the controller's reason: a parent may accept it
 * later (its Gateway being programmed), and the deploy's timeout reports it by name and reason.
 */
export function routeReadiness(o: LiveObject): Readiness {
  const generation = o.metadata.generation ?? 0;
  const status = (o["status"] ?? {}) as Status;
  const parents = (status["parents"] as Status[] | undefined) ?? [];
  const wanted = ((o["spec"] as Status | undefined)?.["parentRefs"] as Status[] | undefined) ?? [];
  if (parents.length === 0)
    return { state: "progressing", message: "no gateway controller has taken it up yet" };
  for (const p of parents) {
    const ref = (p["parentRef"] ?? {}) as Status;
    const parent = `Gateway ${typeof ref["name"] === "string" ? ref["name"] : "?"}${typeof ref["sectionName"] === "string" ? `/${ref["sectionName"]}` : ""}`;
    const conditions = (p["conditions"] as RouteCondition[] | undefined) ?? [];
    for (const type of ["Accepted", "ResolvedRefs"]) {
      const c = conditions.find((x) => x.type === type);
      if (c === undefined || (c.observedGeneration ?? generation) < generation)
        return { state: "progressing", message: `waiting for ${parent} to judge this version (${type})` };
      if (c.status !== "True")
        return {
          state: "progressing",
          message: `${type === "Accepted" ? "not accepted by" : "references not resolved for"} ${parent}: ${c.reason ?? "?"}${c.message ? ` (${c.message})` : ""}`,
        };
    }
  }
  if (parents.length < wanted.length)
    return {
      state: "progressing",
      message: `${parents.length} of ${wanted.length} parents have taken it up`,
    };
  return {
    state: "ready",
    message: `accepted by ${parents.length === 1 ? "its Gateway" : `${parents.length} parents`}`,
  };
}

/** A Gateway: accepted by its class's controller and programmed into the data plane. */
export function gatewayReadiness(o: LiveObject): Readiness {
  const generation = o.metadata.generation ?? 0;
  const status = (o["status"] ?? {}) as Status;
  const conditions = (status["conditions"] as RouteCondition[] | undefined) ?? [];
  for (const type of ["Accepted", "Programmed"]) {
    const c = conditions.find((x) => x.type === type);
    if (c === undefined || (c.observedGeneration ?? generation) < generation)
      return { state: "progressing", message: `waiting for its controller (${type})` };
    if (c.status !== "True")
      return {
        state: "progressing",
        message: `${type} is ${c.status ?? "?"}: ${c.reason ?? "?"}${c.message ? ` (${c.message})` : ""}`,
      };
  }
  return { state: "ready", message: "accepted and programmed" };
}

/**
 * Whether a StatefulSet or Job is ready by the evidence of its own pods, which the API reports before
 * the workload's controller has counted them: a Job's controller batches pod updates for a second
 * (SyncJobBatchPeriod) before it records success, and a StatefulSet's status waits for a busy
 * controller. A succeeded pod is final and a ready pod on the update revision is what the status
 * would count, so dependents may start on this evidence. Undefined when the pods do not settle it:
 * another kind, the controller has not yet seen the change (the update revision is unknown), a
 * StatefulSet with minReadySeconds, or a Job whose success is not a plain count of succeeded pods.
 */
export function readinessFromPods(o: LiveObject, pods: readonly LiveObject[]): Readiness | undefined {
  const spec = (o["spec"] ?? {}) as Status;
  const status = (o["status"] ?? {}) as Status;
  const uid = o.metadata.uid;
  if (uid === undefined) return undefined;
  const own = pods.filter(
    (p) =>
      p.metadata.deletionTimestamp === undefined &&
      (p.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.controller === true),
  );
  const phase = (p: LiveObject): unknown => ((p["status"] ?? {}) as Status)["phase"];
  switch (o.kind) {
    case "StatefulSet": {
      const revision = status["updateRevision"];
      if (
        num(status["observedGeneration"]) < (o.metadata.generation ?? 0) ||
        typeof revision !== "string" ||
        num(spec["minReadySeconds"]) > 0
      )
        return undefined;
      const want = typeof spec["replicas"] === "number" ? spec["replicas"] : 1;
      const ready = own.filter(
        (p) =>
          p.metadata.labels?.["controller-revision-hash"] === revision &&
          phase(p) === "Running" &&
          conditionTrue(p, "Ready"),
      ).length;
      return ready >= want ? { state: "ready", message: `${ready}/${want} pods ready` } : undefined;
    }
    case "Job": {
      if (
        spec["completionMode"] === "Indexed" ||
        spec["successPolicy"] !== undefined ||
        typeof spec["completions"] !== "number"
      )
        return undefined;
      const want = spec["completions"];
      const succeeded = own.filter((p) => phase(p) === "Succeeded").length;
      return succeeded >= want
        ? { state: "ready", message: `complete (${succeeded} of ${want} pods succeeded)` }
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Whether a Service can be connected to: one of its EndpointSlices (those labelled with its name)
 * has a ready endpoint. Pods that are Ready are not enough for a client yet: the EndpointSlice
 * controller still has to publish them.
 */
export function serviceReadiness(slices: readonly LiveObject[]): Readiness {
  let ready = 0;
  for (const slice of slices)
    for (const e of ((slice as Status)["endpoints"] as Status[] | undefined) ?? []) {
      const c = e["conditions"] as Status | undefined;
      if (c?.["ready"] !== false) ready += ((e["addresses"] as unknown[] | undefined) ?? []).length;
    }
  return ready > 0
    ? { state: "ready", message: `${ready} endpoint${ready === 1 ? "" : "s"} ready` }
    : { state: "progressing", message: "no ready endpoints yet" };
}

/**
 * Kinds whose readiness is worth waiting for. Not claims: one of a WaitForFirstConsumer
 * StorageClass (most clouds' default) binds only once a pod that mounts it is scheduled, so waiting
 * for it before its workload would never end; the workload's readiness covers its claims, and a
 * claim that does not bind is named when the pod is diagnosed.
 */
export const WAITED_KINDS: ReadonlySet<string> = new Set([
  "Deployment",
  "StatefulSet",
  "Job",
  "CustomResourceDefinition",
  // Only when a gateway controller is there to judge them (see deploy/gateway.ts).
  "Gateway",
  "HTTPRoute",
  "GRPCRoute",
  // Operators' resources: their own status (deploy/operator-readiness.ts).
  "Cluster",
  "Kafka",
  "KafkaTopic",
  "Elasticsearch",
  "RabbitmqCluster",
]);

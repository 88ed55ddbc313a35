import type { LiveObject } from "./kube/cluster.js";

/** Where an object stands on its way to ready. */
export interface Readiness {
  readonly state: "ready" | "progressing" | "failed";
  readonly message: string;
}

type Status = Record<string, unknown>;
type Condition = { type?: string; status?: string; reason?: string; message?: string };

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
      if (conditions.some((c) => c.type === "Complete" && c.status === "True"))
        return { state: "ready", message: "complete" };
      return {
        state: "progressing",
        message: `${num(status["active"])} running, ${num(status["succeeded"])} succeeded, ${num(status["failed"])} failed`,
      };
    }
    case "PersistentVolumeClaim":
      return status["phase"] === "Bound"
        ? { state: "ready", message: "bound" }
        : {
            state: "progressing",
            message: `claim ${typeof status["phase"] === "string" ? status["phase"] : "Pending"}`,
          };
    default:
      return { state: "ready", message: "applied" };
  }
}

/** Kinds whose readiness is worth waiting for. */
export const WAITED_KINDS: ReadonlySet<string> = new Set([
  "Deployment",
  "StatefulSet",
  "Job",
  "PersistentVolumeClaim",
]);

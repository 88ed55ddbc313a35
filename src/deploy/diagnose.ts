import type { Cluster, LiveObject } from "./kube/cluster.js";

type Obj = Record<string, unknown>;
type Cond = { type?: string; status?: string; reason?: string; message?: string };
/** A container's status, as the API reports it. */
export type ContainerStatus = {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string; finishedAt?: string };
    running?: { startedAt?: string };
  };
  lastState?: { terminated?: { reason?: string; exitCode?: number; message?: string; finishedAt?: string } };
};

/**
 * Why a workload is not ready, from its pods and their events, in one sentence a person can act on:
 * unschedulable (and why), an image that cannot be pulled, a crash loop with its last log lines, a
 * failing probe, a claim that stays pending, a missing Secret.
 */
export async function explainNotReady(cluster: Cluster, o: LiveObject): Promise<string> {
  const ns = o.metadata.namespace;
  const selector = (((o["spec"] as Obj | undefined)?.["selector"] as Obj | undefined)?.["matchLabels"] ??
    undefined) as Record<string, string> | undefined;
  const labels = o.kind === "Job" ? { "job-name": o.metadata.name } : selector;
  if (ns === undefined || labels === undefined) return "";
  const pods = await cluster.list(
    "v1",
    "Pod",
    ns,
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
  );
  if (pods.length === 0) {
    const events = await eventsFor(cluster, ns, o.metadata.name);
    return events[0] ?? "no pods were created";
  }
  const reasons = new Set<string>();
  for (const pod of pods) {
    const status = (pod["status"] ?? {}) as Obj;
    const conditions = (status["conditions"] as Cond[] | undefined) ?? [];
    const scheduled = conditions.find((c) => c.type === "PodScheduled");
    if (scheduled?.status === "False") {
      reasons.add(`unschedulable: ${scheduled.message ?? scheduled.reason ?? ""}`.trim());
      const claims = await pendingClaims(cluster, ns, pod);
      claims.forEach((c) => reasons.add(c));
      continue;
    }
    for (const cs of (status["containerStatuses"] as ContainerStatus[] | undefined) ?? []) {
      const problem = containerProblem(cs);
      if (problem !== undefined && cs.state?.waiting?.reason === "CrashLoopBackOff") {
        const logs = await cluster.logs(ns, pod.metadata.name, cs.name, 5, true);
        reasons.add(`${problem}${logs.trim() ? `; last log lines:\n${indent(logs)}` : ""}`);
      } else if (problem !== undefined) reasons.add(problem);
      else if (cs.ready === false && cs.state?.terminated === undefined) {
        const events = (await eventsFor(cluster, ns, pod.metadata.name)).filter((e) =>
          /probe failed/i.test(e),
        );
        reasons.add(events[0] ?? `container ${cs.name} is running but not ready (its readiness probe fails)`);
      }
    }
    const ready = conditions.find((c) => c.type === "Ready");
    if (reasons.size === 0 && ready?.status === "False" && ready.message !== undefined)
      reasons.add(ready.message);
  }
  return [...reasons].join("; ") || "pods exist but are not ready yet";
}

/**
 * What keeps a container from running, from its status alone (no API calls): an image that cannot
 * be pulled, a crash loop, a configuration that cannot be applied (a missing Secret key).
 */
export function containerProblem(cs: ContainerStatus): string | undefined {
  const waiting = cs.state?.waiting;
  switch (waiting?.reason) {
    case "ImagePullBackOff":
    case "ErrImagePull":
    case "InvalidImageName":
      return `cannot pull the image of container ${cs.name}: ${waiting.message ?? waiting.reason}`;
    case "CrashLoopBackOff":
      return `container ${cs.name} is crash-looping (exit code ${cs.lastState?.terminated?.exitCode ?? "?"}, ${cs.restartCount ?? 0} restarts)`;
    case "CreateContainerConfigError":
    case "CreateContainerError":
      return `container ${cs.name} cannot start: ${waiting.message ?? waiting.reason}`;
    case undefined:
    default:
      return undefined;
  }
}

/**
 * What keeps a pod from running, from its status alone: not schedulable (and why), or the first
 * container problem. Undefined for a pod that is merely starting.
 */
export function podProblem(pod: LiveObject): string | undefined {
  const status = (pod["status"] ?? {}) as Obj;
  const scheduled = ((status["conditions"] as Cond[] | undefined) ?? []).find(
    (c) => c.type === "PodScheduled",
  );
  // A claim the volume controller has not bound yet is a moment of a normal start, not a failure.
  if (
    scheduled?.status === "False" &&
    !(scheduled.message ?? "").includes("unbound immediate PersistentVolumeClaims")
  )
    return `unschedulable: ${scheduled.message ?? scheduled.reason ?? ""}`.trim();
  for (const cs of [
    ...((status["initContainerStatuses"] as ContainerStatus[] | undefined) ?? []),
    ...((status["containerStatuses"] as ContainerStatus[] | undefined) ?? []),
  ]) {
    const problem = containerProblem(cs);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

async function pendingClaims(cluster: Cluster, ns: string, pod: LiveObject): Promise<string[]> {
  const volumes = (((pod["spec"] as Obj | undefined)?.["volumes"] as Obj[] | undefined) ?? [])
    .map((v) => (v["persistentVolumeClaim"] as { claimName?: string } | undefined)?.claimName)
    .filter((c): c is string => c !== undefined);
  const out: string[] = [];
  for (const claim of volumes) {
    const pvc = await cluster.get({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      name: claim,
      namespace: ns,
    });
    const phase = ((pvc?.["status"] ?? {}) as Obj)["phase"];
    if (phase !== "Bound") {
      const events = await eventsFor(cluster, ns, claim);
      out.push(
        `PersistentVolumeClaim ${claim} is ${typeof phase === "string" ? phase : "missing"}${events[0] ? `: ${events[0]}` : ""}`,
      );
    }
  }
  return out;
}

/** The messages of recent events about an object, newest first. */
export async function eventsFor(cluster: Cluster, ns: string, name: string): Promise<string[]> {
  const events = await cluster.list("v1", "Event", ns, undefined, `involvedObject.name=${name}`);
  return events
    .sort((a, b) =>
      str(b["lastTimestamp"] ?? b["eventTime"]).localeCompare(str(a["lastTimestamp"] ?? a["eventTime"])),
    )
    .map((e) => str(e["message"]))
    .filter((m) => m !== "");
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n");
}

/** A string field of an API object, or "" when it is absent or not a string. */
export function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

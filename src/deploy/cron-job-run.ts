import type { KubeObject } from "../render/kube-object.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";
import { readinessOf } from "./readiness.js";

/** A CronJob's job template, as the API returns it. */
export type JobTemplate = {
  metadata?: { labels?: Record<string, string> };
  spec?: Record<string, unknown>;
};

/** The UTC time of a run as a name part: `20261203t231500`. */
export function runStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase();
}

/**
 * Creates a Job from a CronJob's job template, as `kubectl create job --from=cronjob/NAME` does:
 * its labels, owned by the CronJob, annotated as a manual run (with `annotations` besides).
 */
export async function createJobFrom(
  cluster: Cluster,
  cron: LiveObject,
  name: string,
  template: JobTemplate,
  annotations: Readonly<Record<string, string>> = {},
): Promise<void> {
  const job: KubeObject = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      ...(cron.metadata.namespace === undefined ? {} : { namespace: cron.metadata.namespace }),
      labels: template.metadata?.labels ?? {},
      annotations: { "cronjob.kubernetes.io/instantiate": "manual", ...annotations },
      ownerReferences: [
        {
          apiVersion: "batch/v1",
          kind: "CronJob",
          name: cron.metadata.name,
          uid: cron.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: template.spec ?? {},
  };
  await cluster.create(job);
}

/** How a Job ended: complete, failed (with its reason), or still running at the deadline. */
export type JobOutcome =
  { readonly state: "ready" } | { readonly state: "failed" | "timeout"; readonly message: string };

/** Polls a Job each second until it completes, fails, or the deadline (ms since the epoch) passes. */
export async function awaitJob(
  cluster: Cluster,
  namespace: string,
  name: string,
  deadline: number,
): Promise<JobOutcome> {
  let last: LiveObject | undefined;
  while (Date.now() < deadline) {
    last = await cluster.get({ apiVersion: "batch/v1", kind: "Job", name, namespace });
    const r = last === undefined ? undefined : readinessOf(last);
    if (r?.state === "ready") return { state: "ready" };
    if (r?.state === "failed") return { state: "failed", message: r.message };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { state: "timeout", message: last === undefined ? "" : readinessOf(last).message };
}

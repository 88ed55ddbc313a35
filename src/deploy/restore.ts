import type { AppModel } from "../model/app-model.js";
import { BACKUP_EXTENSION_ANNOTATION, RESTORE_SUFFIX } from "../render/backup-job.js";
import { awaitJob, createJobFrom, type JobTemplate, runStamp } from "./cron-job-run.js";
import { DeployError } from "./errors.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";
import { num, readinessOf } from "./readiness.js";

/** What `kubeship restore` reports as it goes. */
export type RestoreStep =
  | { readonly type: "scaled"; readonly object: string; readonly replicas: number }
  | { readonly type: "ready"; readonly object: string }
  | { readonly type: "restored"; readonly job: string };

/** The backings kubeship stops while it restores them: an RDB file is read only at start. */
const OFFLINE_TYPES = new Set(["redis"]);

/**
 * Restores a builtin backing from its store: stops the workloads that use it (recording their
 * replicas), stops the server itself where the engine loads its data only at start, runs a Job
 * from the backing's restore CronJob (the backup named by `from`, a timestamp or a file name, else
 * the newest), then starts everything again in the deploy's order: the server, then the users. The
 * users are started again even when the restore fails (with the data as it was: the restores are
 * all-or-nothing), and the failure is reported.
 */
export async function runRestore(
  cluster: Cluster,
  model: AppModel,
  backing: string,
  options: { from?: string; timeoutSeconds: number; report: (step: RestoreStep) => void; now?: () => Date },
): Promise<{ job: string }> {
  const b = model.backings.find((x) => x.name === backing);
  if (b === undefined)
    throw new DeployError(
      `the spec has no backing '${backing}'`,
      `backings: ${model.backings.map((x) => x.name).join(", ") || "none"}`,
    );
  const ns = model.namespace;
  const cronName = `${backing}${RESTORE_SUFFIX}`;
  const cron = await cluster.get({ apiVersion: "batch/v1", kind: "CronJob", name: cronName, namespace: ns });
  if (b.backup === undefined || b.mode !== "builtin" || cron === undefined)
    throw new DeployError(
      `no restore of kubeship's for '${backing}' in namespace ${ns}`,
      b.mode === "operator"
        ? "restore with the operator (a new Cluster bootstrapped from the backup: CloudNativePG's bootstrap.recovery)"
        : `give backing.${backing} a backup: { schedule, keep, to } and deploy`,
    );
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  // Users in reverse deploy order (dependents of dependents first), started again in deploy order.
  const order = model.graph.waves().flat();
  const users = model.graph
    .dependentsOf(backing, "uses")
    .map((n) => model.workloads.find((w) => w.name === n))
    .filter((w) => w !== undefined && (w.kind === "service" || w.kind === "worker"))
    .map((w) => w?.name ?? "")
    .sort((x, y) => order.indexOf(y) - order.indexOf(x));
  const stopped: { kind: "Deployment" | "StatefulSet"; name: string; replicas: number }[] = [];
  const scale = async (kind: "Deployment" | "StatefulSet", name: string, replicas: number): Promise<void> => {
    await cluster.mergePatch({ apiVersion: "apps/v1", kind, name, namespace: ns }, { spec: { replicas } });
    options.report({ type: "scaled", object: `${kind}/${name}`, replicas });
  };
  const stop = async (kind: "Deployment" | "StatefulSet", name: string): Promise<void> => {
    const live = await cluster.get({ apiVersion: "apps/v1", kind, name, namespace: ns });
    if (live === undefined) return;
    const replicas = num((live["spec"] as Record<string, unknown> | undefined)?.["replicas"]);
    stopped.push({ kind, name, replicas });
    if (replicas > 0) await scale(kind, name, 0);
    await until(`${kind}/${name} to stop`, deadline, async () => {
      const now = await cluster.get({ apiVersion: "apps/v1", kind, name, namespace: ns });
      return num((now?.["status"] as Record<string, unknown> | undefined)?.["replicas"]) === 0;
    });
  };
  for (const u of users) await stop("Deployment", u);
  if (OFFLINE_TYPES.has(b.type)) await stop("StatefulSet", backing);
  let failure: Error | undefined;
  let job = "";
  try {
    job = await runJob(cluster, cron, ns, options.from, deadline, options.now ?? (() => new Date()));
    options.report({ type: "restored", job });
  } catch (e) {
    failure = e instanceof Error ? e : new DeployError(String(e));
  }
  // Start again in deploy order: the server first, then its users.
  for (const s of [...stopped].reverse()) {
    if (s.replicas > 0) await scale(s.kind, s.name, s.replicas);
    await until(`${s.kind}/${s.name} to be ready`, Math.max(deadline, Date.now() + 300_000), async () => {
      const live = await cluster.get({ apiVersion: "apps/v1", kind: s.kind, name: s.name, namespace: ns });
      return live !== undefined && readinessOf(live).state === "ready";
    });
    options.report({ type: "ready", object: `${s.kind}/${s.name}` });
  }
  if (failure !== undefined) throw failure;
  return { job };
}

async function runJob(
  cluster: Cluster,
  cron: LiveObject,
  ns: string,
  from: string | undefined,
  deadline: number,
  now: () => Date,
): Promise<string> {
  const stamp = runStamp(now());
  const name = `${cron.metadata.name.slice(0, 63 - stamp.length - 1)}-${stamp}`;
  type Container = { name: string; env?: { name: string; value?: string }[] };
  const template = structuredClone(((cron["spec"] ?? {}) as { jobTemplate?: JobTemplate }).jobTemplate ?? {});
  // The backup to restore: a file name, or the timestamp in one (20261203T030000Z).
  const pod = (template.spec?.["template"] as { spec?: { initContainers?: Container[] } } | undefined)?.spec;
  const download = pod?.initContainers?.find((c) => c.name === "download");
  for (const e of download?.env ?? [])
    if (e.name === "BACKUP_NAME") e.value = from === undefined ? "" : backupFile(cron, from);
  await createJobFrom(
    cluster,
    cron,
    name,
    template,
    from === undefined ? {} : { "kubeship.io/restore-from": from },
  );
  const outcome = await awaitJob(cluster, ns, name, deadline);
  if (outcome.state === "failed")
    throw new DeployError(
      `restore Job ${name} failed: ${outcome.message}; the data is as it was`,
      `read its logs: kubectl logs -n ${ns} job/${name} --all-containers`,
    );
  if (outcome.state === "timeout")
    throw new DeployError(
      `timed out waiting for restore Job ${name}`,
      "raise --timeout, or look at kubectl get events",
    );
  return name;
}

/** The file name a `--from` means: itself when it names a file, else `<backing>-<timestamp>` with the method's extension. */
function backupFile(cron: LiveObject, from: string): string {
  if (from.includes(".")) return from;
  const backing = cron.metadata.name.slice(0, -RESTORE_SUFFIX.length);
  return `${backing}-${from}${cron.metadata.annotations?.[BACKUP_EXTENSION_ANNOTATION] ?? ""}`;
}

async function until(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new DeployError(`timed out waiting for ${what}`, "raise --timeout, or look at kubectl get events");
}

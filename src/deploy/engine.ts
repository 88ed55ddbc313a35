import type { SecretRequirement } from "../catalog/types.js";
import type { AppModel } from "../model/app-model.js";
import type { KubeObject } from "../render/kube-object.js";
import { judgeGatewayControllers } from "./gateway.js";
import { INSTANCE_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from "../render/labels.js";
import { NAMESPACE_LABEL } from "../render/rbac.js";
import { OPERATED_API } from "../render/operated.js";
import { scaleTargetOf } from "../render/horizontal-pod-autoscaler.js";
import { keepWritersStopped, refuseModeChanges } from "./backing-modes.js";
import { OPERATORS } from "../catalog/operators/index.js";
import { BARMAN_PLUGIN_FACTS } from "../catalog/operators/cloudnative-pg.js";
import type { OperatorFacts } from "../catalog/operators/types.js";
import { DeployError } from "./errors.js";
import type { Reporter } from "./events.js";
import { type Revision, listRevisions, loadRevision, markRevision, saveRevision } from "./history.js";
import { type Cluster, type LiveObject, refOf } from "./kube/cluster.js";
import { ClusterError } from "./kube/errors.js";
import { acquireLock, type HeldLock } from "./lock.js";
import { criticalFirst, deploySteps, type Wave } from "../render/deploy-order.js";
import { classify, type PlanEntry, pruneEntries, refKey, refName } from "./plan.js";
import {
  type ExternalValues,
  planSecrets,
  waitForSecrets,
  type SecretPlan,
  withSecretFileHashes,
  writeSecrets,
} from "./secrets.js";
import { type AppliedObject, ReadinessTracker } from "./wait.js";

/** Everything a deploy needs; the CLI (or a library user) supplies it. */
export interface DeployRequest {
  readonly cluster: Cluster;
  readonly model: AppModel;
  readonly objects: readonly KubeObject[];
  readonly secrets: readonly SecretRequirement[];
  /** The spec text, stored with the revision. */
  readonly spec: string;
  readonly timeoutSeconds: number;
  readonly atomic?: boolean;
  readonly dryRun?: boolean;
  readonly forceConflicts?: boolean;
  /** Leave out objects whose CRD is not installed, instead of failing. */
  readonly skipMissingCrds?: boolean;
  /** Backings whose change of mode (a data migration) the user has started: their old objects may go. */
  readonly migrateBackings?: readonly string[];
  /** Asked once the plan is known; false stops before anything changes. */
  readonly confirm?: (plan: readonly PlanEntry[]) => Promise<boolean>;
  readonly external: ExternalValues;
  readonly reporter: Reporter;
  /** Who deploys: user@host/pid, shown to a concurrent deploy. */
  readonly holder: string;
  readonly now?: () => Date;
}

/** What a deploy did. */
export interface DeployOutcome {
  readonly revision?: number;
  readonly plan: readonly PlanEntry[];
  readonly applied: boolean;
}

/** The CRDs whose kinds kubeship renders, and the operator that installs them. */
const CRD_OWNERS: Readonly<Record<string, string>> = {
  ServiceMonitor: "prometheus-operator (monitoring.coreos.com)",
  PrometheusRule: "prometheus-operator (monitoring.coreos.com)",
  Certificate: "cert-manager",
  VerticalPodAutoscaler: "the Vertical Pod Autoscaler (autoscaling.k8s.io)",
  ExternalSecret: "the External Secrets Operator (external-secrets.io)",
  Password: "the External Secrets Operator (generators.external-secrets.io)",
  Gateway: "Gateway API's CRDs (gateway.networking.k8s.io)",
  HTTPRoute: "Gateway API's CRDs (gateway.networking.k8s.io)",
  GRPCRoute: "Gateway API's CRDs (gateway.networking.k8s.io)",
  PodMonitor: "prometheus-operator (monitoring.coreos.com)",
  Schedule: "Velero (velero.io)",
};

/** The operators of backing services: without their CRDs the app cannot run, whatever the flags. */
const OPERATOR_OWNERS: ReadonlyMap<string, OperatorFacts> = new Map(
  [...Object.values(OPERATORS).map((op) => op.facts), BARMAN_PLUGIN_FACTS].flatMap((facts) =>
    facts.kinds.map((kind) => [kind, facts] as const),
  ),
);

/**
 * Deploys rendered objects: plan (server-side dry run, with replacements for immutable changes and
 * prunes), confirm, store a revision, create missing secrets, then apply wave by wave in the order
 * of the dependency graph, waiting with watches after each wave, prune, and record the result.
 * With `atomic`, a failed deploy rolls back to the last good revision by itself.
 */
export async function deploy(req: DeployRequest): Promise<DeployOutcome> {
  const { cluster, model, reporter } = req;
  const now = req.now ?? (() => new Date());
  const started = Date.now();
  reporter({ type: "connected", server: cluster.server, version: await cluster.version() });
  const objects = keepWritersStopped(
    model,
    withSecretFileHashes(await checkCrds(req), req.secrets, req.external),
    req.migrateBackings ?? [],
  );
  const namespace = objects.find((o) => o.kind === "Namespace");
  const nsExists =
    (await cluster.get({ apiVersion: "v1", kind: "Namespace", name: model.namespace })) !== undefined;

  const plan = await makePlan(cluster, model, objects, nsExists);
  refuseModeChanges(model, objects, plan, req.migrateBackings ?? []);
  reporter({ type: "plan", entries: plan });
  if (req.dryRun === true) return { plan, applied: false };
  if (plan.every((e) => e.action === "unchanged") && req.secrets.length === 0)
    reporter({ type: "note", message: "nothing to change" });
  if (req.confirm !== undefined && !(await req.confirm(plan))) return { plan, applied: false };

  if (namespace) await cluster.apply(namespace, { force: req.forceConflicts === true });
  const lock = await acquireLock(cluster, model.namespace, model.app, req.holder, now);
  let revision = 0;
  try {
    // A deploy that cannot start (a supplied secret nobody gave) fails here, before it records a revision.
    // With a secrets backend, a controller writes the Secrets: the deploy waits for them instead.
    const secrets =
      model.secrets.backend === "generate"
        ? await planSecrets(cluster, model, req.secrets, req.external)
        : [];
    const history = await listRevisions(cluster, model.app, model.namespace);
    const last = history.at(-1);
    if (last?.status === "pending") {
      reporter({
        type: "note",
        message: `revision ${last.revision} was interrupted; this deploy repairs it`,
      });
      await markRevision(cluster, model.app, model.namespace, last.revision, "interrupted");
    }
    revision = (last?.revision ?? 0) + 1;
    const summary = summarize(plan);
    await saveRevision(cluster, {
      revision,
      app: model.app,
      namespace: model.namespace,
      ...(model.environment ? { env: model.environment } : {}),
      time: now().toISOString(),
      status: "pending",
      summary,
      spec: req.spec,
      objects,
    });
    reporter({ type: "revision", revision, status: "pending" });
    const announced = { ...req, reporter: announcing(reporter, lock) };
    try {
      await applyPlan(announced, objects, plan, started, secrets);
    } catch (e) {
      // With the API unreachable the revision stays pending: the next deploy sees it was interrupted.
      const marked = await markRevision(cluster, model.app, model.namespace, revision, "failed").then(
        () => true,
        () => false,
      );
      if (marked) reporter({ type: "revision", revision, status: "failed" });
      const good = [...history].reverse().find((h) => h.status === "deployed");
      if (req.atomic === true && good !== undefined) {
        reporter({ type: "rollback", from: revision, to: good.revision });
        const previous = await loadRevision(cluster, model.app, model.namespace, good.revision);
        if (previous)
          await reapply(
            announced,
            previous,
            revision + 1,
            `rollback to ${good.revision} after ${revision} failed`,
          );
      }
      throw e;
    }
    await markRevision(cluster, model.app, model.namespace, revision, "deployed");
    await supersede(cluster, model, revision);
    reporter({ type: "revision", revision, status: "deployed" });
  } finally {
    await lock.release().catch(() => undefined);
  }
  reporter({ type: "done", revision, seconds: (Date.now() - started) / 1000, requests: cluster.requests });
  return { revision, plan, applied: true };
}

/** Re-applies a stored revision as a new revision (rollback). */
async function reapply(
  req: DeployRequest,
  previous: Revision,
  revision: number,
  summary: string,
): Promise<void> {
  const { cluster, model, reporter } = req;
  const plan = await makePlan(cluster, model, previous.objects, true);
  await saveRevision(cluster, {
    ...previous,
    revision,
    time: (req.now ?? (() => new Date()))().toISOString(),
    status: "pending",
    summary,
  });
  try {
    await applyPlan({ ...req, objects: previous.objects }, previous.objects, plan, Date.now());
    await markRevision(cluster, model.app, model.namespace, revision, "deployed");
    await supersede(cluster, model, revision);
    reporter({ type: "revision", revision, status: "deployed" });
  } catch (e) {
    await markRevision(cluster, model.app, model.namespace, revision, "failed");
    throw e;
  }
}

/** Rolls back to a stored revision (default: the last deployed one before the newest). */
/**
 * Drift (`kubeship status --drift`): the objects whose live state differs from the last deployed
 * revision in the fields kubeship applies. The revision's objects go through the same server-side
 * dry run as a deploy's plan: fields the HPA or controllers own are not kubeship's, so they do not
 * count; a field changed by hand (kubectl edit, scale, set image) does, as does an object deleted
 * (it would be created) or one only an immutable field separates (it would be replaced).
 */
export async function drift(
  cluster: Cluster,
  model: AppModel,
): Promise<{ revision: number; entries: PlanEntry[] } | undefined> {
  const history = await listRevisions(cluster, model.app, model.namespace);
  const last = [...history].reverse().find((h) => h.status === "deployed");
  if (last === undefined) return undefined;
  const stored = await loadRevision(cluster, model.app, model.namespace, last.revision);
  if (stored === undefined) return undefined;
  const objects = stored.objects.filter((o) => o.kind !== "Namespace");
  // Kinds whose CRDs are gone are drift too, but cannot be dry-run: they show as missing.
  const served: KubeObject[] = [];
  const missing: PlanEntry[] = [];
  for (const o of objects)
    if (await cluster.serves(o.apiVersion, o.kind)) served.push(o);
    else
      missing.push({ ref: refOf(o), action: "create", changes: [], reason: "its kind is no longer served" });
  const plan = await makePlan(cluster, model, served, true);
  return {
    revision: last.revision,
    entries: [...plan.filter((e) => e.action !== "unchanged" && e.action !== "prune"), ...missing],
  };
}

export async function rollback(
  req: Omit<DeployRequest, "objects" | "secrets" | "spec">,
  to?: number,
): Promise<number> {
  const { cluster, model } = req;
  const history = await listRevisions(cluster, model.app, model.namespace);
  const target =
    to ??
    [...history]
      .reverse()
      .slice(1)
      .find((h) => h.status === "deployed" || h.status === "superseded")?.revision;
  if (target === undefined)
    throw new DeployError(`no earlier revision of ${model.app} to roll back to`, "see `kubeship history`");
  const stored = await loadRevision(cluster, model.app, model.namespace, target);
  if (stored === undefined)
    throw new DeployError(`revision ${target} of ${model.app} does not exist`, "see `kubeship history`");
  const lock = await acquireLock(
    cluster,
    model.namespace,
    model.app,
    req.holder,
    req.now ?? (() => new Date()),
  );
  const revision = (history.at(-1)?.revision ?? 0) + 1;
  try {
    req.reporter({ type: "rollback", from: history.at(-1)?.revision ?? 0, to: target });
    await reapply(
      {
        ...req,
        objects: stored.objects,
        secrets: [],
        spec: stored.spec,
        reporter: announcing(req.reporter, lock),
      },
      stored,
      revision,
      `rollback to ${target}`,
    );
  } finally {
    await lock.release().catch(() => undefined);
  }
  return revision;
}

/** The reporter, also writing on the lock which wave the deploy is in (`kubeship ui` shows it). */
function announcing(reporter: Reporter, lock: HeldLock): Reporter {
  return (e) => {
    reporter(e);
    if (e.type === "wave") lock.progress(`${e.index}/${e.total} ${e.name}`);
  };
}

/** Marks every other deployed revision superseded: one revision is live at a time. */
async function supersede(cluster: Cluster, model: AppModel, live: number): Promise<void> {
  for (const h of await listRevisions(cluster, model.app, model.namespace))
    if (h.status === "deployed" && h.revision !== live)
      await markRevision(cluster, model.app, model.namespace, h.revision, "superseded");
}

async function checkCrds(req: DeployRequest): Promise<KubeObject[]> {
  const operators = new Map<string, OperatorFacts>();
  for (const o of req.objects) {
    const op = OPERATOR_OWNERS.get(o.kind);
    if (op !== undefined && !operators.has(op.name) && !(await req.cluster.serves(o.apiVersion, o.kind)))
      operators.set(op.name, op);
  }
  if (operators.size > 0)
    throw new DeployError(
      `the cluster lacks the operators the spec runs backing services on: ${[...operators.values()].map((op) => `${op.name} (${op.group} CRDs not served)`).join("; ")}; nothing was changed`,
      [...operators.values()].map((op) => `install ${op.name} ${op.version}: ${op.install}`).join("; ") +
        " — or use mode builtin for this environment (`kubeship doctor` checks the operators)",
    );
  const missing = new Map<string, string>();
  for (const o of req.objects) {
    const owner = CRD_OWNERS[o.kind];
    if (owner !== undefined && !missing.has(o.kind) && !(await req.cluster.serves(o.apiVersion, o.kind)))
      missing.set(o.kind, owner);
  }
  if (missing.size === 0) return [...req.objects];
  const list = [...missing].map(([kind, owner]) => `${kind} needs ${owner}`).join("; ");
  if (req.skipMissingCrds !== true)
    throw new DeployError(
      `the cluster lacks CRDs the spec needs: ${list}`,
      "install the operator, turn the feature off in the spec's monitoring section, or pass --skip-missing-crds",
    );
  req.reporter({ type: "note", message: `skipping objects whose CRDs are missing: ${list}` });
  return req.objects.filter((o) => !missing.has(o.kind));
}

/** The cluster-scoped kinds kubeship writes (a workload's clusterPermissions). */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(["ClusterRole", "ClusterRoleBinding"]);

async function makePlan(
  cluster: Cluster,
  model: AppModel,
  objects: readonly KubeObject[],
  nsExists: boolean,
): Promise<PlanEntry[]> {
  const selector = `${INSTANCE_LABEL}=${model.app},${MANAGED_BY_LABEL}=${MANAGED_BY}`;
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of objects)
    if (o.kind !== "Namespace")
      kinds.set(`${o.apiVersion}|${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  for (const k of [
    "apps/v1|Deployment",
    "apps/v1|StatefulSet",
    "batch/v1|Job",
    "batch/v1|CronJob",
    "v1|Service",
    "v1|ConfigMap",
    "v1|ServiceAccount",
    "networking.k8s.io/v1|Ingress",
    "gateway.networking.k8s.io/v1|Gateway",
    "gateway.networking.k8s.io/v1|HTTPRoute",
    "gateway.networking.k8s.io/v1|GRPCRoute",
    "networking.k8s.io/v1|NetworkPolicy",
    "autoscaling/v2|HorizontalPodAutoscaler",
    "policy/v1|PodDisruptionBudget",
    "rbac.authorization.k8s.io/v1|Role",
    "rbac.authorization.k8s.io/v1|RoleBinding",
    "rbac.authorization.k8s.io/v1|ClusterRole",
    "rbac.authorization.k8s.io/v1|ClusterRoleBinding",
    "autoscaling.k8s.io/v1|VerticalPodAutoscaler",
    ...OPERATED_API.map((k) => `${k.apiVersion}|${k.kind}`),
  ]) {
    const [apiVersion = "", kind = ""] = k.split("|");
    kinds.set(k, { apiVersion, kind });
  }
  const live = new Map<string, LiveObject>();
  if (nsExists)
    await Promise.all(
      [...kinds.values()].map(async ({ apiVersion, kind }) => {
        if (!(await cluster.serves(apiVersion, kind))) return;
        // Cluster-wide objects of this app in other namespaces are not this deploy's to prune.
        const own = CLUSTER_SCOPED_KINDS.has(kind)
          ? `${selector},${NAMESPACE_LABEL}=${model.namespace}`
          : selector;
        for (const o of await cluster.list(apiVersion, kind, model.namespace, own))
          live.set(refKey(refOf(o)), o);
      }),
    );
  const entries = await Promise.all(
    objects.map(async (o) => {
      if (o.kind === "Namespace")
        return {
          ref: refOf(o),
          action: nsExists ? ("unchanged" as const) : ("create" as const),
          changes: [],
        };
      const current = live.get(refKey(refOf(o)));
      if (current === undefined) return { ref: refOf(o), action: "create" as const, changes: [] };
      const dry = await cluster.apply(o, { dryRun: true, force: true }).catch((e: unknown) => {
        if (e instanceof ClusterError) return e;
        throw e;
      });
      return classify(o, current, dry);
    }),
  );
  return [...entries, ...pruneEntries(objects, [...live.values()])];
}

async function applyPlan(
  req: DeployRequest,
  objects: readonly KubeObject[],
  plan: readonly PlanEntry[],
  started: number,
  secrets: readonly SecretPlan[] = [],
): Promise<void> {
  const { cluster, model, reporter } = req;
  const byKey = new Map(plan.map((e) => [refKey(e.ref), e]));
  await writeSecrets(cluster, model, secrets, (name, action, keys) => {
    reporter({ type: "secret", name, action, keys });
  });
  const deadline = started + req.timeoutSeconds * 1000;
  const gateways = await judgeGatewayControllers(cluster, model, objects);
  if (gateways.note !== undefined) reporter({ type: "note", message: gateways.note });
  const tracker = new ReadinessTracker(cluster, model.app, model.namespace, (object, readiness) => {
    reporter({ type: "progress", object, readiness });
  });
  const steps = deploySteps(
    model,
    objects.filter((o) => o.kind !== "Namespace"),
  );
  let index = 0;
  let aborted = false;
  const settle: AppliedObject[] = [];
  // Workloads someone scaled to 0 (a migration's stopped writers, whose HPA then stays at 0): their
  // Services get no endpoints, so the deploy does not wait for any.
  const scaledToZero = new Set<string>();
  const applyStep = async (step: Wave): Promise<AppliedObject[]> => {
    reporter({
      type: "wave",
      index: ++index,
      total: steps.count,
      name: step.name,
      objects: step.objects.map((o) => refName(refOf(o))),
    });
    return Promise.all(
      step.objects.map(async (o) => {
        const entry = byKey.get(refKey(refOf(o)));
        if (entry?.action === "replace") await replaceObject(cluster, o);
        let live: LiveObject;
        try {
          const isNew = entry?.action === "create" || entry?.action === "replace";
          const initial = isNew ? autoscaledStart(o, objects) : undefined;
          if (initial === undefined)
            live = await applyOverHandEdits(cluster, o, req.forceConflicts === true, (message) => {
              reporter({ type: "note", message });
            });
          else live = await createAtMinimum(cluster, o, initial, req.forceConflicts === true);
        } catch (e) {
          throw explainApplyError(e, o);
        }
        reporter({ type: "applied", object: refName(refOf(o)), action: entry?.action ?? "apply" });
        if (
          (o.kind === "Deployment" || o.kind === "StatefulSet") &&
          (live["spec"] as { replicas?: number } | undefined)?.replicas === 0
        )
          scaledToZero.add(o.metadata.name);
        return {
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.metadata.name,
          ...(live.metadata.uid === undefined ? {} : { uid: live.metadata.uid }),
          ...(live.metadata.generation === undefined ? {} : { generation: live.metadata.generation }),
        };
      }),
    );
  };
  const runStep = async (
    step: Wave,
    alsoWaitFor: () => readonly AppliedObject[] = () => [],
  ): Promise<void> => {
    if (aborted) throw new DeployError("the deploy stopped after an earlier failure");
    const applied = await applyStep(step);
    settle.push(...applied);
    await tracker.waitFor([...applied.filter(gateways.waits), ...alsoWaitFor()], deadline);
  };
  try {
    for (const step of steps.before) await runStep(step);
    if (model.secrets.backend !== "generate")
      await waitForSecrets(cluster, model, req.secrets, deadline, (message) => {
        reporter({ type: "note", message });
      });
    // Each node of the graph starts as soon as everything it depends on is ready (and its init job done).
    const done = new Map<string, Promise<void>>();
    const runNode = (name: string): Promise<void> => {
      let p = done.get(name);
      if (p === undefined) {
        p = Promise.all(model.graph.dependenciesOf(name).map(runNode)).then(async () => {
          // The node's workloads also wait for its Services' endpoints: what users connect to ...
          const endpoints = (): AppliedObject[] =>
            scaledToZero.has(name)
              ? []
              : (steps.services.get(name) ?? []).map((service) => ({
                  apiVersion: "v1",
                  kind: "Service",
                  name: service,
                  endpoints: true,
                }));
          // ... once all its StatefulSets run (a primary's replicas, Redis's sentinels are steps after
          // the main one), before its init job.
          const own = steps.nodes.get(name) ?? [];
          const last = own.findLastIndex((step) => step.name !== `${name}-init`);
          for (const [i, step] of own.entries()) await runStep(step, i === last ? endpoints : () => []);
        });
        done.set(name, p);
      }
      return p;
    };
    await Promise.all(criticalFirst(model, steps).map(runNode)).catch((e: unknown) => {
      aborted = true;
      throw e;
    });
    for (const step of steps.after) await runStep(step);
    // Dependents started on the evidence of the pods; the deploy ends when the StatefulSets' own
    // status agrees, so `kubectl get` right after shows them ready. (A Job's pods' success stands:
    // its controller records it up to a second later, by design.)
    await tracker.waitFor(
      settle.filter((o) => o.kind === "StatefulSet").map((o) => ({ ...o, statusOnly: true })),
      deadline,
    );
  } finally {
    tracker.stop();
  }
  for (const e of plan.filter((x) => x.action === "prune")) {
    await cluster.delete(e.ref);
    reporter({ type: "pruned", object: refName(e.ref) });
  }
}

/**
 * The field manager that holds `spec.replicas` of an autoscaled Deployment after its first deploy.
 * kubeship's own manifest leaves `replicas` out, so that no apply resets what the HPA chose; a new
 * Deployment without it would start one pod. So kubeship creates it at the HPA's minimum and lets this
 * second manager own the value too: kubeship's next apply (without `replicas`) gives up its share,
 * the value stays, and the HPA controller takes it over when it scales. This is the ownership
 * transfer of the Kubernetes documentation.
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership
 */
export const INITIAL_REPLICAS_MANAGER = "kubeship-initial-replicas";

/** The HPA minimum a new Deployment without `replicas` starts at, when an HPA of the same objects scales it. */
export function autoscaledStart(o: KubeObject, objects: readonly KubeObject[]): number | undefined {
  if (o.kind !== "Deployment" || (o["spec"] as { replicas?: number } | undefined)?.replicas !== undefined)
    return undefined;
  for (const h of objects) {
    if (h.kind !== "HorizontalPodAutoscaler" || h.metadata.namespace !== o.metadata.namespace) continue;
    if (scaleTargetOf(h) === `Deployment/${o.metadata.name}`)
      return (h["spec"] as { minReplicas?: number } | undefined)?.minReplicas ?? 1;
  }
  return undefined;
}

async function createAtMinimum(
  cluster: Cluster,
  o: KubeObject,
  replicas: number,
  force: boolean,
): Promise<LiveObject> {
  const spec = o["spec"] as Record<string, unknown>;
  const live = await cluster.apply({ ...o, spec: { ...spec, replicas } }, { force });
  await cluster.apply(
    {
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: {
        name: o.metadata.name,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      },
      spec: { replicas },
    },
    { fieldManager: INITIAL_REPLICAS_MANAGER, force: true },
  );
  return live;
}

/**
 * Applies an object. Fields someone changed by hand (`kubectl set image`, `scale`, `edit`: field
 * managers whose operation is Update) are taken back, as the spec is the source of truth and the
 * runbook says the next deploy restores it; a field another tool applies (an Apply manager) is a
 * conflict that stops the deploy, unless `force`.
 */
async function applyOverHandEdits(
  cluster: Cluster,
  o: KubeObject,
  force: boolean,
  note: (message: string) => void,
): Promise<LiveObject> {
  try {
    return await cluster.apply(o, { force });
  } catch (e) {
    if (force || !(e instanceof ClusterError) || e.status !== 409) throw e;
    const managers = [...new Set([...e.message.matchAll(/conflict with "([^"]+)"/g)].map((m) => m[1] ?? ""))];
    const live = await cluster.get(refOf(o));
    const entries =
      (live?.metadata as { managedFields?: { manager?: string; operation?: string }[] } | undefined)
        ?.managedFields ?? [];
    const byHand = managers.every((m) => entries.some((f) => f.manager === m && f.operation === "Update"));
    if (managers.length === 0 || !byHand) throw e;
    note(`${refName(refOf(o))}: takes back fields changed by hand (${managers.join(", ")})`);
    return cluster.apply(o, { force: true });
  }
}

/** Deletes an object whose immutable fields changed; a StatefulSet's pods and claims stay. */
async function replaceObject(cluster: Cluster, o: KubeObject): Promise<void> {
  const ref = refOf(o);
  await cluster.delete(ref, o.kind === "StatefulSet" ? { orphan: true } : { propagation: "Background" });
  const deadline = Date.now() + 60_000;
  while ((await cluster.get(ref)) !== undefined) {
    if (Date.now() > deadline)
      throw new DeployError(
        `${refName(ref)} was not deleted within 60 s for its replacement`,
        "look for a finalizer on it",
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A conflict with another field manager, or a refused object, as a DeployError that names it. */
export function explainApplyError(e: unknown, o: KubeObject): unknown {
  if (!(e instanceof ClusterError)) return e;
  const name = refName(refOf(o));
  if (e.status === 409 && /conflict/i.test(e.message)) {
    const managers = [...e.message.matchAll(/conflict with "([^"]+)"(?: using [^:]+)?: (\S+)/g)].map(
      (m) => `${m[2] ?? "?"} (owned by ${m[1] ?? "?"})`,
    );
    return new DeployError(
      `${name}: another field manager owns fields kubeship sets: ${managers.join(", ") || e.message}`,
      "pass --force-conflicts to take them over, or stop the other tool from managing them",
      { cause: e },
    );
  }
  return new DeployError(`${name} was refused by the API server: ${e.message}`, undefined, { cause: e });
}

function summarize(plan: readonly PlanEntry[]): string {
  const counts = new Map<string, number>();
  for (const e of plan) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
  const past: Record<string, string> = {
    create: "created",
    update: "updated",
    replace: "replaced",
    prune: "pruned",
    unchanged: "unchanged",
  };
  const parts = Object.keys(past)
    .filter((a) => counts.has(a))
    .map((a) => `${counts.get(a) ?? 0} ${past[a] ?? a}`);
  const images = plan
    .flatMap((e) =>
      e.changes
        .filter((c) => /containers\.\d+\.image:/.test(c))
        .map((c) => `${e.ref.name} ${c.replace(/^.*image: /, "")}`),
    )
    .slice(0, 5);
  return [parts.join(", "), ...images].join("; ");
}

import type { AppModel } from "../model/app-model.js";
import type { KubeObject } from "../render/kube-object.js";
import { INSTANCE_LABEL } from "../render/labels.js";
import { type NodeObjects, nodeOfLabels, objectsByNode } from "../render/node-objects.js";
import { OPERATED_API, OPERATED_MAIN_KINDS } from "../render/operated.js";
import { type RevisionInfo, revisionInfo, revisionSelector } from "./history.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";
import { str } from "./diagnose.js";
import { LOCK_PROGRESS_ANNOTATION, lockHolder, lockName } from "./lock.js";
import { type NodeHealth, nodeHealth } from "./node-health.js";

/** One change a watch saw: an object's readiness message, or a revision's status. */
export interface Activity {
  readonly time: string;
  readonly subject: string;
  readonly message: string;
}

/** A deploy running now (from anywhere: the CLI, CI, the page), as its lock tells. */
export interface RunningDeploy {
  /** Who: user@host/pid. */
  readonly holder: string;
  /** The wave it is in, `3/7 services`; empty before the first. */
  readonly progress: string;
  readonly since?: string;
}

/** What the watch reports after each change. */
export interface AppView {
  readonly health: readonly NodeHealth[];
  readonly revisions: readonly RevisionInfo[];
  readonly activity: readonly Activity[];
  readonly deploying?: RunningDeploy;
}

/** The kinds watched for the graph: the ones that run pods, and the pods. */
const WATCHED: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
  { apiVersion: "batch/v1", kind: "Job" },
  { apiVersion: "batch/v1", kind: "CronJob" },
  { apiVersion: "v1", kind: "Pod" },
  ...OPERATED_API.filter((k) => OPERATED_MAIN_KINDS.has(k.kind)),
];

/** How long changes are gathered before one report (a rollout changes many pods at once). */
const SETTLE_MS = 100;
/** Activity lines kept. */
const ACTIVITY = 200;

/**
 * Follows a deployed app live with one watch per kind (no polling): its workloads, their pods, its
 * operators' resources and its revision Secrets. After each burst of changes it reports every
 * node's health (node-health.ts: the deploy's own readiness rules), the revisions, and what changed,
 * so a deploy started anywhere (the CLI, CI, the page) shows as it happens. Watches the server
 * closes are opened again.
 */
export class AppWatch {
  private readonly objects = new Map<string, LiveObject>();
  private readonly pods = new Map<string, LiveObject>();
  private readonly revisions = new Map<number, RevisionInfo>();
  /** The app's deploy lock, while a deploy holds it. */
  private lock: LiveObject | undefined;
  private readonly messages = new Map<string, string>();
  private readonly activity: Activity[] = [];
  private readonly watches = new Map<string, { stop(): void }>();
  private nodes: readonly NodeObjects[];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Set once the watches have listed what exists: later changes are activity. */
  private started = false;

  constructor(
    private readonly cluster: Cluster,
    private model: AppModel,
    objects: readonly KubeObject[],
    private readonly report: (view: AppView) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.nodes = objectsByNode(model, objects);
  }

  /** Opens the watches; resolves once each has delivered what exists now. */
  async start(): Promise<void> {
    const selector = `${INSTANCE_LABEL}=${this.model.app}`;
    const served = await Promise.all(
      WATCHED.map(async (k) => ((await this.cluster.serves(k.apiVersion, k.kind)) ? k : undefined)),
    );
    await Promise.all([
      ...served
        .filter((k): k is { apiVersion: string; kind: string } => k !== undefined)
        .map((k) => this.open(k.apiVersion, k.kind, selector)),
      this.open("v1", "Secret", revisionSelector(this.model.app)),
      this.open("coordination.k8s.io/v1", "Lease", selector),
    ]);
    this.started = true;
    this.flush();
  }

  /** The spec changed (the page re-rendered it): judge the live objects against the new objects. */
  update(model: AppModel, objects: readonly KubeObject[]): void {
    this.model = model;
    this.nodes = objectsByNode(model, objects);
    this.schedule();
  }

  /** The current view, at once. */
  view(): AppView {
    const live = { objects: this.objects, podsByNode: this.podsByNode() };
    const deploying = this.runningDeploy();
    return {
      health: this.nodes.map((n) => nodeHealth(this.model, n, live)),
      revisions: [...this.revisions.values()].sort((a, b) => a.revision - b.revision),
      activity: [...this.activity],
      ...(deploying === undefined ? {} : { deploying }),
    };
  }

  /** The deploy holding the app's lock, unless its lock has expired (a deploy that crashed). */
  private runningDeploy(): RunningDeploy | undefined {
    const held = this.lock === undefined ? undefined : lockHolder(this.lock, this.now());
    if (this.lock === undefined || held === undefined) return undefined;
    return {
      holder: held.holder,
      progress: this.lock.metadata.annotations?.[LOCK_PROGRESS_ANNOTATION] ?? "",
      ...(held.acquired === undefined ? {} : { since: held.acquired }),
    };
  }

  /** The app's live pods of a node (for its details). */
  podsOf(node: string): readonly LiveObject[] {
    return this.podsByNode().get(node) ?? [];
  }

  /** The app's live pods, by the node they belong to. */
  private podsByNode(): Map<string, LiveObject[]> {
    const byNode = new Map<string, LiveObject[]>();
    const names = new Set(this.nodes.map((n) => n.node));
    for (const pod of this.pods.values()) {
      const node = nodeOfLabels(pod.metadata.labels ?? {}, pod.metadata.name, names)?.node;
      if (node !== undefined) byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    return byNode;
  }

  /** A live object by `Kind/name`. */
  live(key: string): LiveObject | undefined {
    return this.objects.get(key);
  }

  private get halted(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
  }

  private async open(apiVersion: string, kind: string, selector: string): Promise<void> {
    if (this.stopped) return;
    const key = `${apiVersion}|${kind}`;
    const reopen = (): void => {
      this.watches.delete(key);
      if (!this.stopped)
        setTimeout(() => {
          this.open(apiVersion, kind, selector).catch(reopen);
        }, 1000);
    };
    // The first events describe what exists now: wait for the stream to go quiet once.
    let seen: () => void = () => undefined;
    const initial = new Promise<void>((resolve) => {
      let quiet = setTimeout(resolve, 300);
      seen = () => {
        clearTimeout(quiet);
        quiet = setTimeout(resolve, 100);
      };
    });
    const w = await this.cluster.watch(
      apiVersion,
      kind,
      this.model.namespace,
      selector,
      (type, o) => {
        if (type === "ERROR") return;
        seen();
        this.take(kind, type === "DELETED", o);
      },
      reopen,
    );
    // stop() may have been called while the watch was opening.
    if (this.halted) w.stop();
    else this.watches.set(key, w);
    await initial;
  }

  private take(kind: string, deleted: boolean, o: LiveObject): void {
    if (kind === "Secret") {
      const info = revisionInfo(o);
      if (info === undefined) return;
      const before = this.revisions.get(info.revision);
      if (deleted) this.revisions.delete(info.revision);
      else this.revisions.set(info.revision, info);
      if (!deleted && this.started && before?.status !== info.status)
        this.note(
          `revision ${info.revision}`,
          `${info.status}${info.summary === "" ? "" : `: ${info.summary}`}`,
        );
    } else if (kind === "Lease") {
      if (o.metadata.name !== lockName(this.model.app)) return;
      const before = this.lock?.metadata.annotations?.[LOCK_PROGRESS_ANNOTATION] ?? "";
      this.lock = deleted ? undefined : o;
      const holder = str((o["spec"] as Record<string, unknown> | undefined)?.["holderIdentity"]);
      const progress = o.metadata.annotations?.[LOCK_PROGRESS_ANNOTATION] ?? "";
      if (this.started && deleted) this.note("deploy", `${holder} finished`);
      else if (this.started && progress !== before && progress !== "")
        this.note("deploy", `${holder}: wave ${progress}`);
    } else if (kind === "Pod") {
      if (deleted) this.pods.delete(o.metadata.name);
      else this.pods.set(o.metadata.name, o);
    } else if (deleted) {
      this.objects.delete(`${kind}/${o.metadata.name}`);
      this.note(`${kind}/${o.metadata.name}`, "deleted");
    } else this.objects.set(`${kind}/${o.metadata.name}`, o);
    this.schedule();
  }

  private note(subject: string, message: string): void {
    this.activity.push({ time: this.now().toISOString(), subject, message });
    if (this.activity.length > ACTIVITY) this.activity.splice(0, this.activity.length - ACTIVITY);
  }

  private schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, SETTLE_MS);
  }

  private flush(): void {
    const view = this.view();
    // A node's message that changed is one line of activity.
    for (const h of view.health) {
      const line = `${h.state}: ${h.message}`;
      if (this.messages.get(h.node) !== line) {
        if (this.messages.has(h.node)) this.note(h.node, line);
        this.messages.set(h.node, line);
      }
    }
    this.report({ ...view, activity: [...this.activity] });
  }
}

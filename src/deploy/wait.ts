import { INSTANCE_LABEL } from "../render/labels.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";
import { explainNotReady } from "./diagnose.js";
import { RolloutError } from "./errors.js";
import {
  type Readiness,
  readinessFromPods,
  readinessOf,
  serviceReadiness,
  WAITED_KINDS,
} from "./readiness.js";

/** Progress while waiting. */
export type WaitReport = (object: string, readiness: Readiness) => void;

/** An object as applied: readiness counts only for this incarnation (uid) and generation or later. */
export interface AppliedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid?: string;
  readonly generation?: number;
  /** For a Service: wait until its EndpointSlices have a ready endpoint. */
  readonly endpoints?: boolean;
  /** Only the object's own status counts, not its pods' evidence (the deploy's last check). */
  readonly statusOnly?: boolean;
}

interface Waiter {
  readonly objects: readonly AppliedObject[];
  readonly check: () => void;
  readonly abort: (e: Error) => void;
}

/**
 * Follows the readiness of a deploy's objects with one watch per kind for the whole deploy (no
 * polling). Waiters are told when everything they wait for is ready; a failure or their deadline
 * ends the wait with a RolloutError naming each object that is not ready and why, from its pods
 * and events. A watch that breaks (an API server restart, a lost connection) is opened again.
 */
export class ReadinessTracker {
  private readonly latest = new Map<string, LiveObject>();
  private readonly pods = new Map<string, LiveObject>();
  private readonly slices = new Map<string, LiveObject>();
  private readonly reported = new Map<string, string>();
  private readonly watches = new Map<string, { stop(): void } | "opening">();
  private readonly waiters = new Set<Waiter>();
  private stopped = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly app: string,
    private readonly namespace: string,
    private readonly report: WaitReport,
  ) {}

  /** Waits until every applied object with a readiness is ready, or fails by `deadline`. */
  async waitFor(objects: readonly AppliedObject[], deadline: number): Promise<void> {
    const pending = objects.filter((o) => WAITED_KINDS.has(o.kind) || o.endpoints === true);
    if (pending.length === 0) return;
    for (const o of pending)
      if (o.endpoints === true) this.ensureWatch("discovery.k8s.io/v1", "EndpointSlice");
      else this.ensureWatch(o.apiVersion, o.kind);
    // StatefulSets and Jobs are also followed through their pods, which show readiness sooner.
    if (pending.some((o) => POD_EVIDENCE_KINDS.has(o.kind))) this.ensureWatch("v1", "Pod");
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const waiter: Waiter = {
        objects: pending,
        check: () => {
          if (done) return;
          const states = pending.map((o) => this.readinessFor(o).state);
          if (states.every((s) => s === "ready")) finish();
          else if (states.some((s) => s === "failed")) void fail("failed");
        },
        abort: (e) => {
          finish(e);
        },
      };
      const finish = (e?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        if (e) reject(e);
        else resolve();
      };
      const fail = async (why: "failed" | "timeout"): Promise<void> => {
        const failures: { object: string; reason: string }[] = [];
        for (const o of pending) {
          const r = this.readinessFor(o);
          if (r.state === "ready") continue;
          let reason = r.message;
          const live = this.latest.get(key(o.kind, o.name));
          if (live !== undefined) {
            const detail = await explainNotReady(this.cluster, live).catch(() => "");
            if (detail !== "") reason = `${reason}: ${detail}`;
          }
          failures.push({ object: key(o.kind, o.name), reason });
        }
        const first = failures[0];
        finish(
          new RolloutError(
            why === "timeout"
              ? `timed out waiting for ${failures.map((f) => f.object).join(", ")}${first ? `: ${first.reason}` : ""}`
              : `${first?.object ?? "an object"} failed: ${first?.reason ?? ""}`,
            failures,
            why === "timeout" ? "fix the cause above, or raise --timeout if it only needs longer" : undefined,
          ),
        );
      };
      const timer = setTimeout(() => void fail("timeout"), Math.max(0, deadline - Date.now()));
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  /** Stops every watch and ends every wait still running. */
  stop(): void {
    this.stopped = true;
    for (const w of this.watches.values()) if (w !== "opening") w.stop();
    for (const w of [...this.waiters]) w.abort(new Error("the deploy stopped"));
  }

  private readinessFor(o: AppliedObject): Readiness {
    if (o.endpoints === true)
      return serviceReadiness(
        [...this.slices.values()].filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === o.name),
      );
    const live = this.latest.get(key(o.kind, o.name));
    if (live === undefined) return { state: "progressing", message: "waiting for the API to report it" };
    if (o.uid !== undefined && live.metadata.uid !== o.uid)
      return { state: "progressing", message: "waiting for the new object" };
    if (o.generation !== undefined && (live.metadata.generation ?? 0) < o.generation)
      return { state: "progressing", message: "waiting for the change to show" };
    const status = readinessOf(live);
    if (status.state !== "progressing" || !POD_EVIDENCE_KINDS.has(o.kind) || o.statusOnly === true)
      return status;
    return readinessFromPods(live, [...this.pods.values()]) ?? status;
  }

  private ensureWatch(apiVersion: string, kind: string): void {
    const k = `${apiVersion}|${kind}`;
    if (this.watches.has(k) || this.stopped) return;
    this.watches.set(k, "opening");
    const reopen = (): void => {
      this.watches.delete(k);
      if (!this.stopped && this.waiters.size > 0)
        setTimeout(() => {
          this.ensureWatch(apiVersion, kind);
        }, 1000);
    };
    this.cluster
      .watch(
        apiVersion,
        kind,
        this.namespace,
        `${INSTANCE_LABEL}=${this.app}`,
        (type, live) => {
          if (type === "ERROR") return;
          const { store, id, notifies } = this.route(kind, live);
          if (type === "DELETED") store.delete(id);
          else store.set(id, live);
          if (notifies !== undefined) this.notify(notifies);
        },
        // The server closed the watch (a timeout, a restart): open it again while someone waits.
        reopen,
      )
      .then((w) => {
        if (this.stopped) w.stop();
        else this.watches.set(k, w);
      }, reopen);
  }

  /**
   * Where a watched object is kept, and whose readiness it bears on: a workload its own; a pod its
   * controller's (pod evidence); an EndpointSlice its Service's (endpoints).
   */
  private route(
    kind: string,
    live: LiveObject,
  ): { store: Map<string, LiveObject>; id: string; notifies: string | undefined } {
    const name = live.metadata.name;
    if (kind === "Pod") {
      const owner = live.metadata.ownerReferences?.find((r) => r.controller === true);
      return {
        store: this.pods,
        id: name,
        notifies: owner === undefined ? undefined : key(owner.kind, owner.name),
      };
    }
    if (kind === "EndpointSlice") {
      const service = live.metadata.labels?.[SERVICE_NAME_LABEL];
      return {
        store: this.slices,
        id: name,
        notifies: service === undefined ? undefined : key("Service", service),
      };
    }
    return { store: this.latest, id: key(kind, name), notifies: key(kind, name) };
  }

  private notify(name: string): void {
    for (const w of [...this.waiters]) {
      const o = w.objects.find((x) => key(x.kind, x.name) === name);
      if (o === undefined) continue;
      const r = this.readinessFor(o);
      // The last check only waits for the status to catch up with what was already reported ready.
      if (o.statusOnly === true && r.state !== "ready") {
        w.check();
        continue;
      }
      const text = `${r.state}|${r.message}`;
      if (this.reported.get(name) !== text) {
        this.reported.set(name, text);
        this.report(name, r);
      }
      w.check();
    }
  }
}

/** The label that ties an EndpointSlice to its Service. */
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** Kinds whose pods can show readiness before their own status does. */
const POD_EVIDENCE_KINDS: ReadonlySet<string> = new Set(["StatefulSet", "Job"]);

function key(kind: string, name: string): string {
  return `${kind}/${name}`;
}

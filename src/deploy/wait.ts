import type { KubeObject } from "../render/kube-object.js";
import { INSTANCE_LABEL } from "../render/labels.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";
import { explainNotReady } from "./diagnose.js";
import { RolloutError } from "./errors.js";
import { type Readiness, readinessOf, WAITED_KINDS } from "./readiness.js";

/** Progress while waiting. */
export type WaitReport = (object: string, readiness: Readiness) => void;

/**
 * Waits until every object that has a readiness (Deployments, StatefulSets, Jobs, claims) is ready,
 * with one watch per kind (no polling). A failure or the timeout ends the wait with a RolloutError
 * that names each object that is not ready and why, from its pods and events. A watch that breaks
 * (an API server restart, a lost connection) is opened again until the deadline.
 */
export async function waitForReady(
  cluster: Cluster,
  app: string,
  objects: readonly KubeObject[],
  deadline: number,
  report: WaitReport,
): Promise<void> {
  const pending = objects.filter((o) => WAITED_KINDS.has(o.kind));
  if (pending.length === 0) return;
  const byKind = new Map<string, KubeObject[]>();
  for (const o of pending)
    byKind.set(`${o.apiVersion}|${o.kind}`, [...(byKind.get(`${o.apiVersion}|${o.kind}`) ?? []), o]);
  const state = new Map<string, { readiness: Readiness; live?: LiveObject }>();
  const key = (kind: string, name: string): string => `${kind}/${name}`;
  for (const o of pending)
    state.set(key(o.kind, o.metadata.name), { readiness: { state: "progressing", message: "waiting" } });

  await new Promise<void>((resolve, reject) => {
    const watches: { stop(): void }[] = [];
    let finished = false;
    const finish = (err?: Error): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      watches.forEach((w) => {
        w.stop();
      });
      if (err) reject(err);
      else resolve();
    };
    const check = (): void => {
      const states = [...state.values()].map((s) => s.readiness.state);
      if (states.every((s) => s === "ready")) finish();
      else if (states.some((s) => s === "failed")) void fail("failed");
    };
    const fail = async (why: "failed" | "timeout"): Promise<void> => {
      if (finished) return;
      const failures: { object: string; reason: string }[] = [];
      for (const [name, s] of state) {
        if (s.readiness.state === "ready") continue;
        let reason = s.readiness.message;
        if (s.live !== undefined) {
          const detail = await explainNotReady(cluster, s.live).catch(() => "");
          if (detail !== "") reason = `${reason}: ${detail}`;
        }
        failures.push({ object: name, reason });
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
    const open = (apiVersion: string, kind: string, items: KubeObject[]): void => {
      const ns = items[0]?.metadata.namespace;
      const names = new Set(items.map((o) => o.metadata.name));
      cluster
        .watch(
          apiVersion,
          kind,
          ns,
          `${INSTANCE_LABEL}=${app}`,
          (type, live) => {
            if (!names.has(live.metadata.name) || type === "DELETED" || type === "ERROR") return;
            const readiness = readinessOf(live);
            const k = key(kind, live.metadata.name);
            const before = state.get(k)?.readiness;
            state.set(k, { readiness, live });
            if (before?.message !== readiness.message || before.state !== readiness.state)
              report(k, readiness);
            check();
          },
          () => {
            // The server closed the watch (a timeout, a restart): open it again while there is time.
            if (!finished)
              setTimeout(() => {
                open(apiVersion, kind, items);
              }, 1000);
          },
        )
        .then(
          (w) => {
            if (finished) w.stop();
            else watches.push(w);
          },
          () => {
            if (!finished)
              setTimeout(() => {
                open(apiVersion, kind, items);
              }, 1000);
          },
        );
    };
    for (const [k, items] of byKind) {
      const [apiVersion = "", kind = ""] = k.split("|");
      open(apiVersion, kind, items);
    }
  });
}

import { afterAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import type { DeployEvent } from "../../src/deploy/events.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { destroy } from "../../src/deploy/status.js";
import { readRepoFile } from "../helpers/render.js";
import { deploySpec } from "./deploy-spec.js";

/**
 * The replicated data tier of examples/codeplatform on the local control plane (kwok plays the
 * kubelets: pods run no containers, so what is proven here is Kubernetes' side: order, readiness,
 * disruption budgets, rolling updates, claims).
 */
const cluster = await Cluster.connect({ kubeconfig: inject("kubeconfig") });
const APP = "ha-platform";
const NS = APP;
type Obj = Record<string, unknown>;

function spec(edit?: [string, string]): string {
  let text = readRepoFile("examples/codeplatform.kubeship.yaml").replace("app: codeplatform", `app: ${APP}`);
  if (edit !== undefined) {
    if (!text.includes(edit[0])) throw new Error(`edit not applicable: ${edit[0]}`);
    text = text.replace(edit[0], edit[1]);
  }
  return text;
}

async function run(text: string): Promise<DeployEvent[]> {
  // The spec's supplied secret, as `kubeship deploy` reads it from the environment.
  const { events } = await deploySpec(cluster, text, (key) =>
    key === "LLM_API_KEY" ? "test-llm-key" : undefined,
  );
  return events;
}

/** Ready pods of a backing (every StatefulSet of it), from the pods' own conditions. */
async function readyPods(backing: string): Promise<number> {
  const pods = await cluster.list("v1", "Pod", NS, `kubeship.io/backing=${backing}`);
  return pods.filter((p) =>
    (
      (p["status"] as Obj | undefined)?.["conditions"] as { type: string; status: string }[] | undefined
    )?.some((c) => c.type === "Ready" && c.status === "True"),
  ).length;
}

const GROUPS: Record<string, Record<string, number>> = {
  postgres: { postgres: 1, "postgres-read": 2 },
  redis: { redis: 3, "redis-sentinel": 3 },
  mongodb: { mongodb: 3 },
  rabbitmq: { rabbitmq: 3 },
  workspaces: { workspaces: 4 },
};

afterAll(async () => {
  const rendered = renderSpec(spec());
  if (rendered.ok) await destroy(cluster, rendered.value.model, true, () => undefined).catch(() => undefined);
});

describe("a replicated data tier on a real control plane", () => {
  it("deploys every replicated set to all-Ready, a primary before its replicas, Redis before its Sentinels", async () => {
    const events = await run(spec());
    for (const sets of Object.values(GROUPS))
      for (const [name, replicas] of Object.entries(sets)) {
        const s = await cluster.get({ apiVersion: "apps/v1", kind: "StatefulSet", name, namespace: NS });
        expect((s?.["status"] as Obj)["readyReplicas"], name).toBe(replicas);
      }
    const at = (pred: (e: DeployEvent) => boolean): number => events.findIndex(pred);
    const ready = (o: string): number =>
      at((e) => e.type === "progress" && e.object === o && e.readiness.state === "ready");
    const applied = (o: string): number => at((e) => e.type === "applied" && e.object === o);
    expect(ready("StatefulSet/postgres")).toBeGreaterThanOrEqual(0);
    expect(ready("StatefulSet/postgres")).toBeLessThan(applied("StatefulSet/postgres-read"));
    expect(ready("StatefulSet/redis")).toBeLessThan(applied("StatefulSet/redis-sentinel"));
    // The replica set is initiated once every member is up; apps start after their data tier.
    expect(ready("StatefulSet/mongodb")).toBeLessThan(applied("Job/mongodb-init"));
    expect(ready("StatefulSet/postgres-read")).toBeLessThan(applied("Deployment/agent-runtime"));
    // One budget per backing, over all its pods: one may go at a time.
    for (const [backing, sets] of Object.entries(GROUPS)) {
      const pods = Object.values(sets).reduce((a, b) => a + b, 0);
      let status: Obj = {};
      for (let i = 0; i < 60; i++) {
        const pdb = await cluster.get({
          apiVersion: "policy/v1",
          kind: "PodDisruptionBudget",
          name: backing,
          namespace: NS,
        });
        status = (pdb?.["status"] as Obj | undefined) ?? {};
        if (status["currentHealthy"] === pods) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(status, backing).toMatchObject({
        expectedPods: pods,
        currentHealthy: pods,
        disruptionsAllowed: 1,
      });
    }
  });

  it("rolls an upgrade through one pod at a time, never below the budget", async () => {
    // A new Redis version for the whole group: both StatefulSets roll.
    const upgrade = spec([
      "redis: { type: redis, replicas: 3 }",
      'redis: { type: redis, version: "7.2", replicas: 3 }',
    ]);
    let lowest = Number.POSITIVE_INFINITY;
    const state = { done: false };
    const watch = (async () => {
      while (!state.done) {
        lowest = Math.min(lowest, await readyPods("redis"));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const events = await run(upgrade);
    state.done = true;
    await watch;
    expect(events.some((e) => e.type === "applied" && e.object === "StatefulSet/redis")).toBe(true);
    for (const name of ["redis", "redis-sentinel"]) {
      const s = await cluster.get({ apiVersion: "apps/v1", kind: "StatefulSet", name, namespace: NS });
      const st = s?.["status"] as Obj;
      expect(st["updatedReplicas"], name).toBe(3);
      expect(st["currentRevision"], name).toBe(st["updateRevision"]);
    }
    // Six pods, a budget of one unavailable: five or more were ready all along.
    expect(lowest).toBeGreaterThanOrEqual(5);
  });

  it("destroys the app and keeps every claim of every replica", async () => {
    const rendered = renderSpec(spec());
    if (!rendered.ok) throw new Error("no render");
    await destroy(cluster, rendered.value.model, false, () => undefined);
    const claims = (await cluster.list("v1", "PersistentVolumeClaim", NS)).map((c) => c.metadata.name).sort();
    const expected = Object.values(GROUPS)
      .flatMap((sets) =>
        Object.entries(sets).flatMap(([name, n]) => Array.from({ length: n }, (_, i) => `data-${name}-${i}`)),
      )
      .sort();
    expect(claims).toEqual(expected);
    expect(await cluster.list("apps/v1", "StatefulSet", NS)).toEqual([]);
  });
});

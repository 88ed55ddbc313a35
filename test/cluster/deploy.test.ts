import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { deploy, INITIAL_REPLICAS_MANAGER, rollback } from "../../src/deploy/engine.js";
import { DeployError, LockedError, RolloutError } from "../../src/deploy/errors.js";
import type { DeployEvent } from "../../src/deploy/events.js";
import { listRevisions } from "../../src/deploy/history.js";
import { serviceReadiness } from "../../src/deploy/readiness.js";
import { Cluster, type LiveObject } from "../../src/deploy/kube/cluster.js";
import { destroy } from "../../src/deploy/status.js";
import { readRepoFile } from "../helpers/render.js";
import { restart } from "./cluster.mjs";

const cluster = await Cluster.connect({ kubeconfig: inject("kubeconfig") });
const used: { app: string; namespace: string }[] = [];
type Obj = Record<string, unknown>;

/** The shop spec as another app (its own namespace), with edits applied. */
function shop(app: string, ...edits: [string, string][]): string {
  let text = readRepoFile("examples/shop.kubeship.yaml").replace("app: demo-app", `app: ${app}`);
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`edit not applicable: ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

async function run(
  text: string,
  options: { atomic?: boolean; timeout?: number; forceConflicts?: boolean; holder?: string } = {},
): Promise<{ events: DeployEvent[]; revision?: number }> {
  const rendered = renderSpec(text);
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.diagnostics));
  const { model, objects, secrets } = rendered.value;
  if (!used.some((u) => u.app === model.app)) used.push({ app: model.app, namespace: model.namespace });
  const events: DeployEvent[] = [];
  const outcome = await deploy({
    cluster,
    model,
    objects,
    secrets,
    spec: text,
    timeoutSeconds: options.timeout ?? 120,
    atomic: options.atomic === true,
    forceConflicts: options.forceConflicts === true,
    skipMissingCrds: true,
    external: () => undefined,
    reporter: (e) => events.push(e),
    holder: options.holder ?? `test@${process.pid}`,
  });
  return { events, ...(outcome.revision === undefined ? {} : { revision: outcome.revision }) };
}

const get = (kind: string, name: string, namespace: string): Promise<LiveObject | undefined> => {
  const apiVersion =
    kind === "Deployment" || kind === "StatefulSet" ? "apps/v1" : kind === "Job" ? "batch/v1" : "v1";
  return cluster.get({ apiVersion, kind, name, namespace });
};
const image = (d: LiveObject | undefined): string =>
  (((d?.["spec"] as Obj)["template"] as Obj)["spec"] as { containers: { image: string }[] }).containers[0]
    ?.image ?? "";

afterAll(async () => {
  for (const u of used) {
    const rendered = renderSpec(shop(u.app));
    if (rendered.ok)
      await destroy(
        cluster,
        { ...rendered.value.model, namespace: u.namespace },
        true,
        () => undefined,
      ).catch(() => undefined);
  }
});

describe("kubeship deploy against a real control plane", () => {
  it("deploys the shop to all-Ready, creating its secrets once", async () => {
    const { events, revision } = await run(shop("dep-shop"));
    expect(revision).toBe(1);
    const ready = events
      .filter((e) => e.type === "progress" && e.readiness.state === "ready")
      .map((e) => (e.type === "progress" ? e.object : ""));
    expect(ready).toEqual(
      expect.arrayContaining([
        "StatefulSet/postgres",
        "StatefulSet/kafka",
        "Job/kafka-init",
        "Deployment/order-service",
      ]),
    );
    // Backing services are ready before the services that use them start.
    const waves = events.flatMap((e) => (e.type === "wave" ? [e.name] : []));
    expect(waves.findIndex((w) => w.includes("postgres"))).toBeLessThan(
      waves.findIndex((w) => w.includes("order-service")),
    );
    // ... and reachable: their Services had ready endpoints before order-service was applied.
    const at = (pred: (e: DeployEvent) => boolean): number => events.findIndex(pred);
    const endpoints = at(
      (e) => e.type === "progress" && e.object === "Service/postgres" && e.readiness.state === "ready",
    );
    expect(endpoints).toBeGreaterThanOrEqual(0);
    expect(endpoints).toBeLessThan(
      at((e) => e.type === "applied" && e.object === "Deployment/order-service"),
    );
    // Every Service over pods has a ready endpoint when the deploy returns.
    for (const svc of await cluster.list("v1", "Service", "dep-shop")) {
      const slices = await cluster.list(
        "discovery.k8s.io/v1",
        "EndpointSlice",
        "dep-shop",
        `kubernetes.io/service-name=${svc.metadata.name}`,
      );
      expect(serviceReadiness(slices).state, svc.metadata.name).toBe("ready");
    }
    const secret = await get("Secret", "postgres-credentials", "dep-shop");
    const password = ((secret?.["data"] ?? {}) as Record<string, string>)["password"] ?? "";
    expect(Buffer.from(password, "base64").toString()).toMatch(/^[A-Za-z0-9]{32}$/);
    // A second deploy changes nothing and never regenerates a secret.
    const again = await run(shop("dep-shop"));
    expect(again.events.find((e) => e.type === "plan")).toMatchObject({
      entries: expect.not.arrayContaining([expect.objectContaining({ action: "update" })]) as unknown,
    });
    const after = await get("Secret", "postgres-credentials", "dep-shop");
    expect(((after?.["data"] ?? {}) as Record<string, string>)["password"]).toBe(password);
  });

  it("starts an autoscaled Deployment at its HPA minimum, and no later deploy takes replicas back from the HPA", async () => {
    const spec = (tag: string): string =>
      `app: dep-hpa\nservices:\n  api:\n    image: ghcr.io/acme/api:${tag}\n    port: 8080\n    autoscale: { min: 3, max: 6 }\n`;
    await run(spec("1.0.0"));
    const first = await get("Deployment", "api", "dep-hpa");
    expect((first?.["spec"] as Obj)["replicas"]).toBe(3);
    const managers = (first?.metadata as { managedFields?: { manager: string }[] }).managedFields ?? [];
    expect(managers.map((m) => m.manager)).toContain(INITIAL_REPLICAS_MANAGER);
    // The HPA scales through the scale subresource, as its controller does.
    execFileSync("kubectl", [
      "--kubeconfig",
      inject("kubeconfig"),
      "-n",
      "dep-hpa",
      "scale",
      "deployment/api",
      "--replicas=5",
    ]);
    await run(spec("1.1.0"));
    const after = await get("Deployment", "api", "dep-hpa");
    expect(image(after)).toBe("ghcr.io/acme/api:1.1.0");
    expect((after?.["spec"] as Obj)["replicas"]).toBe(5);
  });

  it("deploys the streaming example to all-Ready", async () => {
    const text = readRepoFile("examples/minitoolstream.kubeship.yaml");
    const { revision } = await run(text);
    expect(revision).toBeGreaterThanOrEqual(1);
    const s = await get("StatefulSet", "tarantool", "minitoolstream");
    expect((s?.["status"] as Obj)["readyReplicas"]).toBe(1);
    used.push({ app: "minitoolstream", namespace: "minitoolstream" });
  });

  it("upgrades an image as a second revision that says what changed", async () => {
    await run(shop("dep-up"));
    const { revision } = await run(shop("dep-up", ["order-service:1.0.0", "order-service:1.1.0"]));
    expect(revision).toBe(2);
    expect(image(await get("Deployment", "order-service", "dep-up"))).toBe("order-service:1.1.0");
    const history = await listRevisions(cluster, "dep-up", "dep-up");
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, "superseded"],
      [2, "deployed"],
    ]);
    expect(history[1]?.summary).toContain("order-service order-service:1.0.0 -> order-service:1.1.0");
  });

  it("fails a change that cannot schedule, naming the workload and why, and --atomic restores the previous revision", async () => {
    await run(shop("dep-atomic"));
    const bad = shop("dep-atomic", [
      "    image: order-service:1.0.0\n",
      "    image: order-service:2.0.0\n    resources: { requests: { cpu: '100' }, limits: { cpu: '100' } }\n",
    ]);
    const err = await run(bad, { atomic: true, timeout: 15 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RolloutError);
    const failure = err as RolloutError;
    expect(failure.message).toContain("Deployment/order-service");
    expect(failure.message).toMatch(/Insufficient cpu/);
    expect(image(await get("Deployment", "order-service", "dep-atomic"))).toBe("order-service:1.0.0");
    const history = await listRevisions(cluster, "dep-atomic", "dep-atomic");
    expect(history.map((h) => h.status)).toEqual(["superseded", "failed", "deployed"]);
    expect(history[2]?.summary).toBe("rollback to 1 after 2 failed");
  });

  it("replaces a StatefulSet whose volumeClaimTemplate changed, keeping its claim and data", async () => {
    await run(shop("dep-immut"));
    const before = await get("PersistentVolumeClaim", "data-postgres-0", "dep-immut");
    const { events } = await run(
      shop("dep-immut", [
        'postgres: { type: postgresql, version: "15", storage: 10Gi',
        'postgres: { type: postgresql, version: "15", storage: 20Gi',
      ]),
    );
    const plan = events.find((e) => e.type === "plan");
    const entry =
      plan?.type === "plan"
        ? plan.entries.find((e) => e.ref.kind === "StatefulSet" && e.ref.name === "postgres")
        : undefined;
    expect(entry?.action).toBe("replace");
    expect(entry?.reason).toContain("PersistentVolumeClaims are kept");
    const after = await get("PersistentVolumeClaim", "data-postgres-0", "dep-immut");
    expect(after?.metadata.uid).toBe(before?.metadata.uid);
    const sts = await get("StatefulSet", "postgres", "dep-immut");
    expect(
      (
        (sts?.["spec"] as Obj)["volumeClaimTemplates"] as {
          spec: { resources: { requests: { storage: string } } };
        }[]
      )[0]?.spec.resources.requests.storage,
    ).toBe("20Gi");
    expect((sts?.["status"] as Obj)["readyReplicas"]).toBe(1);
  });

  it("prunes a removed service, and never a claim", async () => {
    await run(shop("dep-prune"));
    const text = shop("dep-prune").replace(/ {2}notification-service:\n(?: {4}.*\n)+/, "");
    const { events } = await run(text);
    expect(events.flatMap((e) => (e.type === "pruned" ? [e.object] : []))).toEqual(
      expect.arrayContaining([
        "Deployment/notification-service",
        "Service/notification-service",
        "HorizontalPodAutoscaler/notification-service",
      ]),
    );
    expect(await get("Deployment", "notification-service", "dep-prune")).toBeUndefined();
    expect(await get("PersistentVolumeClaim", "data-redis-0", "dep-prune")).toBeDefined();
  });

  it("refuses a concurrent deploy at once, naming the holder", async () => {
    await run(shop("dep-lock"));
    // Two deploys from two places at once: exactly one gets the lock.
    const results = await Promise.allSettled([
      run(shop("dep-lock", ["order-service:1.0.0", "order-service:1.2.0"]), { holder: "alice@laptop/1" }),
      run(shop("dep-lock", ["order-service:1.0.0", "order-service:1.3.0"]), { holder: "bob@ci/2" }),
    ]);
    const refused = results.filter((r) => r.status === "rejected").map((r) => r.reason as unknown);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(LockedError);
    expect((refused[0] as LockedError).message).toMatch(/the lock is held by (alice@laptop\/1|bob@ci\/2)/);
  });

  it("reports a conflict with another field manager, and takes over with --force-conflicts", async () => {
    await run(shop("dep-conflict"));
    await cluster.http.request("PATCH", "/apis/apps/v1/namespaces/dep-conflict/deployments/order-service", {
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "order-service" },
        spec: {
          template: { spec: { containers: [{ name: "order-service", image: "order-service:9.9.9" }] } },
        },
      },
      contentType: "application/apply-patch+yaml",
      query: { fieldManager: "other-tool", force: "true" },
    });
    const err = await run(shop("dep-conflict")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeployError);
    expect((err as DeployError).message).toContain("owned by other-tool");
    expect((err as DeployError).message).toContain("image");
    expect((err as DeployError).hint).toContain("--force-conflicts");
    await run(shop("dep-conflict"), { forceConflicts: true });
    expect(image(await get("Deployment", "order-service", "dep-conflict"))).toBe("order-service:1.0.0");
  });

  it("takes back what was changed by hand with kubectl (an Update), saying so", async () => {
    await run(shop("dep-by-hand"));
    execFileSync("kubectl", [
      "--kubeconfig",
      inject("kubeconfig"),
      "-n",
      "dep-by-hand",
      "set",
      "image",
      "deployment/order-service",
      "order-service=order-service:6.6.6",
    ]);
    expect(image(await get("Deployment", "order-service", "dep-by-hand"))).toBe("order-service:6.6.6");
    const { events } = await run(shop("dep-by-hand"));
    expect(image(await get("Deployment", "order-service", "dep-by-hand"))).toBe("order-service:1.0.0");
    expect(events).toContainEqual({
      type: "note",
      message: "Deployment/order-service: takes back fields changed by hand (kubectl-set)",
    });
  });

  it("survives an API server restart in the middle of a deploy, or records it and repairs on the next deploy", async () => {
    await run(shop("dep-restart"));
    const upgrade = shop("dep-restart", ["order-service:1.0.0", "order-service:3.0.0"]);
    let restarted = false;
    const rendered = renderSpec(upgrade);
    if (!rendered.ok) throw new Error("no render");
    const first = deploy({
      cluster,
      model: rendered.value.model,
      objects: rendered.value.objects,
      secrets: rendered.value.secrets,
      spec: upgrade,
      timeoutSeconds: 120,
      skipMissingCrds: true,
      external: () => undefined,
      holder: "restart-test",
      reporter: (e) => {
        // Restart the API server (with etcd and the controllers) while the deploy is mid-way.
        if (!restarted && e.type === "wave" && e.index === 3) {
          restarted = true;
          restart();
        }
      },
    }).then(
      () => "completed",
      (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : "error"),
    );
    const started = Date.now();
    const outcome = await first;
    // Recorded in the test output: whether the deploy rode through the restart, and how long it took.
    process.stderr.write(
      `API server restart mid-deploy: ${outcome} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    expect(restarted).toBe(true);
    const second = await run(upgrade, { holder: "restart-test" });
    expect(image(await get("Deployment", "order-service", "dep-restart"))).toBe("order-service:3.0.0");
    const history = await listRevisions(cluster, "dep-restart", "dep-restart");
    expect(history.at(-1)?.status).toBe("deployed");
    if (outcome !== "completed") {
      // The interrupted revision is on record, and the next deploy said it repaired it.
      // The interrupted revision is on record (failed, or still pending and then marked interrupted by the next deploy).
      expect(history.slice(0, -1).map((h) => h.status)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(failed|interrupted)$/)]),
      );
      if (history.some((h) => h.status === "interrupted"))
        expect(second.events.some((e) => e.type === "note" && e.message.includes("interrupted"))).toBe(true);
    }
  });

  it("rolls back to an earlier revision on request", async () => {
    await run(shop("dep-rb"));
    await run(shop("dep-rb", ["order-service:1.0.0", "order-service:1.5.0"]));
    const rendered = renderSpec(shop("dep-rb"));
    if (!rendered.ok) throw new Error("no render");
    const revision = await rollback({
      cluster,
      model: rendered.value.model,
      timeoutSeconds: 120,
      external: () => undefined,
      reporter: () => undefined,
      holder: "test",
    });
    expect(revision).toBe(3);
    expect(image(await get("Deployment", "order-service", "dep-rb"))).toBe("order-service:1.0.0");
  });
});

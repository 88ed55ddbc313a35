import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { runDoctor } from "../../src/deploy/doctor.js";
import { deployText } from "./deploy-spec.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { ClusterError } from "../../src/deploy/kube/errors.js";
import { appStatus, destroy } from "../../src/deploy/status.js";
import { migrateIngresses } from "../../src/import/ingress.js";
import { parseManifests } from "../../src/lint/input.js";
import { readRepoFile, ROOT } from "../helpers/render.js";
import { GATEWAY_API_CRDS, installCrds } from "./crds.js";
import { GatewayControllerStandIn } from "./gateway-controller-stand-in.js";

/**
 * Gateway API routing on the local control plane with the standard CRDs of Gateway API v1.6.3
 * installed (their schemas and CEL rules judge what kubeship writes). No gateway controller can run
 * here: a TEST STAND-IN writes the status conditions a controller writes, so that the deploy's waits
 * for Accepted and ResolvedRefs, and its report of a refused route, are tested.
 */
const kubeconfig = inject("kubeconfig");
const cluster = await Cluster.connect({ kubeconfig });
const APP = "gw-storefront";
const CLASS = "kubeship-test-gateways";
let removeCrds: (() => void) | undefined;

const spec = (className: string): string =>
  readRepoFile("test/fixtures/gateway.kubeship.yaml")
    .replace("app: storefront", `app: ${APP}`)
    .replace("create: { className: eg }", `create: { className: ${className} }`);

beforeAll(() => {
  removeCrds = installCrds(kubeconfig, GATEWAY_API_CRDS);
});

afterAll(async () => {
  const r = renderSpec(spec(CLASS));
  if (r.ok) await destroy(cluster, r.value.model, true, () => undefined).catch(() => undefined);
  await cluster.delete({ apiVersion: "v1", kind: "Namespace", name: APP }).catch(() => undefined);
  await cluster
    .delete({ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", name: CLASS })
    .catch(() => undefined);
  removeCrds?.();
});

describe("Gateway API routes on the control plane", () => {
  it("applies without a controller, saying why it does not wait; doctor names the missing GatewayClass", async () => {
    const events = await deployText(cluster, spec("no-such-class"), 240);
    const notes = events.flatMap((e) => (e.type === "note" ? [e.message] : []));
    expect(notes.join("\n")).toContain("GatewayClass no-such-class does not exist");
    const route = await cluster.get({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      name: APP,
      namespace: APP,
    });
    expect(route?.metadata.name).toBe(APP);
    const r = renderSpec(spec("no-such-class"));
    if (!r.ok) throw new Error("renders");
    const doctor = await runDoctor(cluster, r.value);
    expect(doctor.checks.find((c) => c.name === "Gateway API")?.status).toBe("ok");
    const check = doctor.checks.find((c) => c.name === "GatewayClass");
    expect(check?.status).toBe("fail");
    expect(check?.detail).toContain("no GatewayClass no-such-class");
  });

  it("waits for the stand-in controller to accept the Gateway and every route; status shows them", async () => {
    const controller = new GatewayControllerStandIn(kubeconfig, APP);
    await controller.acceptClass(CLASS);
    // Before the stand-in answers, the deploy is waiting for the routes (the first deploy applied them).
    const deploying = deployText(cluster, spec(CLASS), 240);
    await new Promise((r) => setTimeout(r, 1500));
    controller.start();
    try {
      const events = await deploying;
      const progress = events.flatMap((e) =>
        e.type === "progress" ? [`${e.object} ${e.readiness.message}`] : [],
      );
      expect(progress.some((p) => p.startsWith(`HTTPRoute/${APP} `) && p.includes("accepted"))).toBe(true);
    } finally {
      await controller.stop();
    }
    const r = renderSpec(spec(CLASS));
    if (!r.ok) throw new Error("renders");
    const status = await appStatus(cluster, r.value.model);
    expect(status.routes.map((x) => `${x.kind}/${x.name} ${String(x.ready)}`).sort()).toEqual([
      `GRPCRoute/${APP}-grpc true`,
      `Gateway/${APP} true`,
      `HTTPRoute/${APP} true`,
      `HTTPRoute/${APP}-https-redirect true`,
    ]);
    const doctor = await runDoctor(cluster, r.value);
    expect(doctor.checks.find((c) => c.name === "GatewayClass")).toMatchObject({ status: "ok" });
  });

  it("reports a route no controller accepts by name and reason when the deploy times out", async () => {
    const controller = new GatewayControllerStandIn(kubeconfig, APP, new Set([`${APP}-grpc`]));
    // A new generation of every route: the grpc route's path changes.
    const changed = spec(CLASS).replace("route: /acme.cart.v1.Cart", "route: /acme.cart.v2.Cart");
    controller.start();
    try {
      const error = await deployText(cluster, changed, 20).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(`GRPCRoute/${APP}-grpc`);
      expect((error as Error).message).toContain("NotAllowedByListeners");
    } finally {
      await controller.stop();
    }
  });

  it("accepts the routes migrate-ingress writes from hand-written ingress-nginx Ingresses", async () => {
    const file = join(ROOT, "test/fixtures/ingress/shop-ingress.yaml");
    const objects = parseManifests(readFileSync(file, "utf8"), file).objects.map((o) => o.object);
    const migrated = migrateIngresses(objects);
    await cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
    const refused: string[] = [];
    try {
      for (const o of migrated.objects)
        await cluster.apply(o, { dryRun: true }).catch((e: unknown) => {
          if (!(e instanceof ClusterError)) throw e;
          refused.push(`${o.kind}/${o.metadata.name}: ${e.message}`);
        });
    } finally {
      await cluster.delete({ apiVersion: "v1", kind: "Namespace", name: "shop" }).catch(() => undefined);
    }
    expect(refused).toEqual([]);
    expect(migrated.objects.length).toBe(6);
  });
});

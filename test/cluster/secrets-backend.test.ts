import { afterAll, describe, expect, inject, it } from "vitest";
import { deployText } from "./deploy-spec.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";

/**
 * A deploy with a secrets backend does not create the Secrets: it waits for the controller that
 * does. No sealed-secrets controller or External Secrets Operator runs here, so the TEST STANDS IN
 * for them and writes the Secret itself, as they would (the ExternalSecret CRD is not installed here,
 * so the deploy leaves those objects out, with --skip-missing-crds).
 */
const cluster = await Cluster.connect({ kubeconfig: inject("kubeconfig") });

const spec = (app: string, backend: string): string => `app: ${app}
secrets:
  shared: [API_TOKEN]
  backend: ${backend}
${backend === "external-secrets" ? "  store: { name: vault }\n" : ""}services:
  api:
    image: ghcr.io/acme/api:1.0.0
    port: 8080
    replicas: 1
    secrets: [API_TOKEN]
`;

const apps = ["sealed-wait", "eso-wait"];
afterAll(async () => {
  for (const a of apps)
    await cluster.delete({ apiVersion: "v1", kind: "Namespace", name: a }).catch(() => undefined);
});

describe("secrets backends on the control plane", () => {
  it.each([
    ["sealed-wait", "sealed-secrets"],
    ["eso-wait", "external-secrets"],
  ])(
    "%s: waits for the Secret the controller writes (the test stands in for it), then deploys",
    async (app, backend) => {
      const deploying = deployText(cluster, spec(app, backend), 120);
      // The controller's work: the Secret appears a little later.
      await new Promise((r) => setTimeout(r, 2000));
      const before = await cluster.get({
        apiVersion: "v1",
        kind: "Secret",
        name: `${app}-shared`,
        namespace: app,
      });
      expect(before).toBeUndefined();
      await cluster.create({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: `${app}-shared`, namespace: app, labels: { "app.kubernetes.io/instance": app } },
        data: { API_TOKEN: Buffer.from("token-from-the-controller").toString("base64") },
      });
      const events = await deploying;
      expect(events.some((e) => e.type === "note" && e.message.includes(`to write ${app}-shared`))).toBe(
        true,
      );
      expect(events.some((e) => e.type === "secret")).toBe(false);
      expect(events.at(-1)).toMatchObject({ type: "done" });
      const secret = await cluster.get({
        apiVersion: "v1",
        kind: "Secret",
        name: `${app}-shared`,
        namespace: app,
      });
      expect(
        Buffer.from(String((secret?.["data"] as Record<string, string>)["API_TOKEN"]), "base64").toString(),
      ).toBe("token-from-the-controller");
    },
  );

  it("names the Secret that never appears when the deploy times out", async () => {
    await cluster.delete({
      apiVersion: "v1",
      kind: "Secret",
      name: "sealed-wait-shared",
      namespace: "sealed-wait",
    });
    const error = await deployText(cluster, spec("sealed-wait", "sealed-secrets"), 5).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(
      "these Secrets did not appear: sealed-wait-shared (keys API_TOKEN)",
    );
  });
});

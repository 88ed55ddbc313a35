import { describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { deploy } from "../../src/deploy/engine.js";
import { DeployError } from "../../src/deploy/errors.js";
import type { DeployEvent } from "../../src/deploy/events.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { listRevisions } from "../../src/deploy/history.js";
import { destroy } from "../../src/deploy/status.js";

const cluster = await Cluster.connect({ kubeconfig: inject("kubeconfig") });
const SPEC = `app: ext-secrets
services:
  api:
    image: ghcr.io/acme/api:1.0.0
    port: 8080
    uses: [llm]
backing:
  llm: { type: external, url: "https://api.llm.example.com/v1", secrets: [LLM_API_KEY] }
`;

async function run(external: (key: string) => string | undefined): Promise<DeployEvent[]> {
  const r = renderSpec(SPEC);
  if (!r.ok) throw new Error("no render");
  const events: DeployEvent[] = [];
  await deploy({
    cluster,
    model: r.value.model,
    objects: r.value.objects,
    secrets: r.value.secrets,
    spec: SPEC,
    timeoutSeconds: 60,
    external,
    reporter: (e) => events.push(e),
    holder: "secrets-test",
  });
  return events;
}

describe("external secrets at deploy time", () => {
  it("stops before applying anything when an operator-supplied value is missing, naming it", async () => {
    const err = await run(() => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeployError);
    expect((err as DeployError).message).toBe(
      "missing values for supplied secrets: LLM_API_KEY (Secret llm-credentials); nothing was changed",
    );
    expect((err as DeployError).hint).toContain("--secrets-file");
    expect(
      await cluster.get({ apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: "ext-secrets" }),
    ).toBeUndefined();
    // It failed before it recorded a revision: history has nothing to repair.
    expect(await listRevisions(cluster, "ext-secrets", "ext-secrets")).toEqual([]);
  });

  it("stores a supplied value in the Secret the workload reads, and never reports it", async () => {
    const events = await run((key) => (key === "LLM_API_KEY" ? "sk-test-not-printed" : undefined));
    expect(JSON.stringify(events)).not.toContain("sk-test-not-printed");
    const s = await cluster.get({
      apiVersion: "v1",
      kind: "Secret",
      name: "llm-credentials",
      namespace: "ext-secrets",
    });
    expect(
      Buffer.from(((s?.["data"] ?? {}) as Record<string, string>)["LLM_API_KEY"] ?? "", "base64").toString(),
    ).toBe("sk-test-not-printed");
    const r = renderSpec(SPEC);
    if (r.ok) await destroy(cluster, r.value.model, true, () => undefined);
  });
});

describe("app-wide secrets", () => {
  const DJANGO = `app: shared-secrets
services:
  web:
    image: ghcr.io/acme/web:2.1.0
    port: 8000
    secrets: [DJANGO_SECRET_KEY, STRIPE_SECRET_KEY]
workers:
  celery:
    image: ghcr.io/acme/web:2.1.0
    health: { exec: [celery, inspect, ping] }
    secrets: [DJANGO_SECRET_KEY]
secrets:
  shared: [DJANGO_SECRET_KEY]
  supplied: [STRIPE_SECRET_KEY]
`;

  it("gives web and its Celery worker one generated value, and takes a supplied one from the operator", async () => {
    const r = renderSpec(DJANGO);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.secrets.map((s) => [s.name, s.keys, s.source])).toEqual([
      ["shared-secrets-shared", ["DJANGO_SECRET_KEY"], "generated"],
      ["shared-secrets-supplied", ["STRIPE_SECRET_KEY"], "external"],
    ]);
    await deploy({
      cluster,
      model: r.value.model,
      objects: r.value.objects,
      secrets: r.value.secrets,
      spec: DJANGO,
      timeoutSeconds: 60,
      external: (k) => (k === "STRIPE_SECRET_KEY" ? "sk_live_not_printed" : undefined),
      reporter: () => undefined,
      holder: "secrets-test",
    });
    const refs = async (kind: string, name: string): Promise<string[]> => {
      const o = await cluster.get({ apiVersion: "apps/v1", kind, name, namespace: "shared-secrets" });
      const env =
        (
          o?.["spec"] as {
            template: {
              spec: {
                containers: { env?: { name: string; valueFrom?: { secretKeyRef?: { name: string } } }[] }[];
              };
            };
          }
        ).template.spec.containers[0]?.env ?? [];
      return env.map((e) => `${e.name}<-${e.valueFrom?.secretKeyRef?.name ?? "value"}`);
    };
    expect(await refs("Deployment", "web")).toEqual([
      "DJANGO_SECRET_KEY<-shared-secrets-shared",
      "STRIPE_SECRET_KEY<-shared-secrets-supplied",
    ]);
    expect(await refs("Deployment", "celery")).toEqual(["DJANGO_SECRET_KEY<-shared-secrets-shared"]);
    const shared = await cluster.get({
      apiVersion: "v1",
      kind: "Secret",
      name: "shared-secrets-shared",
      namespace: "shared-secrets",
    });
    expect(Object.keys(shared?.["data"] ?? {})).toEqual(["DJANGO_SECRET_KEY"]);
    await destroy(cluster, r.value.model, true, () => undefined);
  });
});

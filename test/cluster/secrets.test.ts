import { describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { deploy } from "../../src/deploy/engine.js";
import { DeployError } from "../../src/deploy/errors.js";
import type { DeployEvent } from "../../src/deploy/events.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
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
      "missing values for external secrets: LLM_API_KEY (Secret llm-credentials)",
    );
    expect((err as DeployError).hint).toContain("--secrets-file");
    expect(
      await cluster.get({ apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: "ext-secrets" }),
    ).toBeUndefined();
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

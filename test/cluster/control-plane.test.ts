import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NODES, STORAGE_CLASS } from "./cluster.mjs";

// These tests prove the control plane the deploy tests stand on: a real API server with real
// controllers, fake nodes, and volumes that bind.
const kc = new k8s.KubeConfig();
kc.loadFromFile(inject("kubeconfig"));
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const ns = `control-plane-${Date.now().toString(36)}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: ns } } });
});

afterAll(async () => {
  await core.deleteNamespace({ name: ns });
});

describe("the local control plane", () => {
  it("reports the real server version it was built as", async () => {
    const v = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(v.gitVersion).toMatch(/^v1\.34\.\d+$/);
    expect(v.major).toBe("1");
  });

  it("has Ready nodes and a default StorageClass", async () => {
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    expect(ready.length).toBeGreaterThanOrEqual(NODES);
    const classes = await kc.makeApiClient(k8s.StorageV1Api).listStorageClass();
    expect(
      classes.items.find((c) => c.metadata?.name === STORAGE_CLASS)?.metadata?.annotations?.[
        "storageclass.kubernetes.io/is-default-class"
      ],
    ).toBe("true");
  });

  it("rolls a Deployment out to Available", async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: "web" },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
          },
        },
      },
    });
    const d = await until("Deployment web Available", async () => {
      const x = await apps.readNamespacedDeployment({ name: "web", namespace: ns });
      return x.status?.conditions?.some((c) => c.type === "Available" && c.status === "True") &&
        x.status.availableReplicas === 2
        ? x
        : undefined;
    });
    expect(d.status?.observedGeneration).toBe(d.metadata?.generation);
  });

  it("makes a StatefulSet with a volumeClaimTemplate Ready, its claim Bound", async () => {
    await apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: "db" },
        spec: {
          serviceName: "db",
          replicas: 1,
          selector: { matchLabels: { app: "db" } },
          template: {
            metadata: { labels: { app: "db" } },
            spec: { containers: [{ name: "db", image: "postgres:16.6" }] },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data" },
              spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
            },
          ],
        },
      },
    });
    await until("StatefulSet db Ready", async () => {
      const s = await apps.readNamespacedStatefulSet({ name: "db", namespace: ns });
      return s.status?.readyReplicas === 1 ? s : undefined;
    });
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: "data-db-0", namespace: ns });
    expect(pvc.status?.phase).toBe("Bound");
  });

  it("refuses a change to an immutable StatefulSet field with the API server's Forbidden error", async () => {
    const patch = [{ op: "replace", path: "/spec/serviceName", value: "other" }];
    const err = await apps
      .patchNamespacedStatefulSet(
        { name: "db", namespace: ns, body: patch },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(k8s.ApiException);
    const api = err as k8s.ApiException<string>;
    expect(api.code).toBe(422);
    expect(String(api.body)).toContain("Forbidden: updates to statefulset spec for fields other than");
  });
});

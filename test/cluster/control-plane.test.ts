import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { ClusterError } from "../../src/deploy/kube/errors.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { NODES, STORAGE_CLASS } from "./cluster.mjs";

// These tests prove the control plane the deploy tests stand on (a real API server with real
// controllers, fake nodes, volumes that bind), through kubeship's own cluster adapter.
const cluster = await Cluster.connect({ kubeconfig: inject("kubeconfig") });
const ns = `control-plane-${Date.now().toString(36)}`;
type Obj = Record<string, unknown>;

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const obj = (o: Obj): KubeObject => o as unknown as KubeObject;
const podTemplate = (app: string, image: string): Obj => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: app, image }] },
});

/**
 * Watches the ConfigMaps labelled `test=<label>` through a connection, applies one per name through
 * the same connection, and returns once the watch has seen every one of them.
 */
async function applyAndWatch(c: Cluster, label: string, names: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  const watch = await c.watch(
    "v1",
    "ConfigMap",
    ns,
    `test=${label}`,
    (_type, o) => seen.add(o.metadata.name),
    () => undefined,
  );
  try {
    await Promise.all(
      names.map((name) =>
        c.apply(
          obj({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name, namespace: ns, labels: { test: label } },
          }),
        ),
      ),
    );
    await until(`the watch to see every ${label} ConfigMap`, () =>
      Promise.resolve(names.every((n) => seen.has(n)) ? true : undefined),
    );
  } finally {
    watch.stop();
  }
}

/** A kubeconfig file in a fresh temporary directory. */
function kubeconfigFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "kubeship-kubeconfig-")), "config");
  writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  await cluster.apply(obj({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }));
});

afterAll(async () => {
  await cluster.delete({ apiVersion: "v1", kind: "Namespace", name: ns });
});

describe("the local control plane", () => {
  it("reports the real server version it was built as", async () => {
    expect(await cluster.version()).toMatch(/^v1\.34\.\d+$/);
  });

  it("has Ready nodes and a default StorageClass", async () => {
    const nodes = await cluster.list("v1", "Node", undefined);
    const ready = nodes.filter((n) =>
      ((n["status"] as Obj)["conditions"] as Obj[]).some(
        (c) => c["type"] === "Ready" && c["status"] === "True",
      ),
    );
    expect(ready.length).toBeGreaterThanOrEqual(NODES);
    const sc = await cluster.get({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      name: STORAGE_CLASS,
    });
    expect(sc?.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"]).toBe("true");
  });

  it("rolls a Deployment out to Available", async () => {
    await cluster.apply(
      obj({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: ns },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: podTemplate("web", "nginx:1.27"),
        },
      }),
    );
    const d = await until("Deployment web Available", async () => {
      const x = await cluster.get({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns });
      const status = (x?.["status"] ?? {}) as Obj;
      const available = ((status["conditions"] as Obj[] | undefined) ?? []).some(
        (c) => c["type"] === "Available" && c["status"] === "True",
      );
      return available && status["availableReplicas"] === 2 ? x : undefined;
    });
    expect((d["status"] as Obj)["observedGeneration"]).toBe(d.metadata.generation);
  });

  it("makes a StatefulSet with a volumeClaimTemplate Ready, its claim Bound", async () => {
    await cluster.apply(
      obj({
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db", namespace: ns },
        spec: {
          serviceName: "db",
          replicas: 1,
          selector: { matchLabels: { app: "db" } },
          template: podTemplate("db", "postgres:16.6"),
          volumeClaimTemplates: [
            {
              metadata: { name: "data" },
              spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
            },
          ],
        },
      }),
    );
    await until("StatefulSet db Ready", async () => {
      const s = await cluster.get({ apiVersion: "apps/v1", kind: "StatefulSet", name: "db", namespace: ns });
      return ((s?.["status"] ?? {}) as Obj)["readyReplicas"] === 1 ? s : undefined;
    });
    const pvc = await cluster.get({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      name: "data-db-0",
      namespace: ns,
    });
    expect((pvc?.["status"] as Obj)["phase"]).toBe("Bound");
  });

  it("refuses a change to an immutable StatefulSet field with the API server's Forbidden error", async () => {
    const err = await cluster
      .mergePatch(
        { apiVersion: "apps/v1", kind: "StatefulSet", name: "db", namespace: ns },
        { spec: { serviceName: "other" } },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ClusterError);
    const api = err as ClusterError;
    expect(api.status).toBe(422);
    expect(api.message).toContain("Forbidden: updates to statefulset spec for fields other than");
  });

  it("sends every request and watch of a connection over one HTTP/2 connection", async () => {
    const c = await Cluster.connect({ kubeconfig: inject("kubeconfig") });
    await applyAndWatch(
      c,
      "h2",
      Array.from({ length: 30 }, (_, i) => `h2-${i}`),
    );
    expect(c.requests).toBeGreaterThanOrEqual(31);
    expect(c.connections).toBe(1);
  });

  it("speaks HTTP/1.1 to a plain-http API server address, as kubectl proxy gives", async () => {
    const proxy = spawn("kubectl", ["proxy", "--port=0", "--kubeconfig", inject("kubeconfig")]);
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        proxy.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /Starting to serve on [\d.]+:(\d+)/.exec(out);
          if (m?.[1] !== undefined) resolve(m[1]);
        });
        proxy.on("exit", () => {
          reject(new Error(`kubectl proxy exited: ${out}`));
        });
      });
      const kubeconfig = kubeconfigFile(
        `apiVersion: v1\nkind: Config\nclusters: [{name: p, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: p, user: {}}]\ncontexts: [{name: p, context: {cluster: p, user: p}}]\ncurrent-context: p\n`,
      );
      const c = await Cluster.connect({ kubeconfig });
      expect(await c.version()).toMatch(/^v1\.34\./);
      await applyAndWatch(c, "proxy", ["via-proxy"]);
      expect(
        (await c.get({ apiVersion: "v1", kind: "ConfigMap", name: "via-proxy", namespace: ns }))?.metadata
          .name,
      ).toBe("via-proxy");
    } finally {
      proxy.kill();
    }
  });

  it("falls back to HTTP/1.1 over TLS when the server in front of the API does not offer HTTP/2", async () => {
    // A TLS proxy that only speaks HTTP/1.1 (Node's https server offers no HTTP/2), with the API
    // server's own certificate, forwarding to the API server with the kubeconfig's credentials.
    const config = readFileSync(inject("kubeconfig"), "utf8");
    const pki = (key: string): Buffer => readFileSync(new RegExp(`${key}: (\\S+)`).exec(config)?.[1] ?? "");
    const upstream = new URL(/server: (\S+)/.exec(config)?.[1] ?? "");
    const versions: string[] = [];
    const proxy = createServer({ cert: pki("client-certificate"), key: pki("client-key") }, (req, res) => {
      versions.push(req.httpVersion);
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          ca: pki("certificate-authority"),
          cert: pki("client-certificate"),
          key: pki("client-key"),
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.flushHeaders(); // a watch's headers come before its first event
          answer.pipe(res);
        },
      );
      req.pipe(out);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const address = proxy.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      const c = await Cluster.connect({
        kubeconfig: kubeconfigFile(config.replace(/server: \S+/, `server: https://127.0.0.1:${port}`)),
      });
      expect(await c.version()).toMatch(/^v1\.34\./);
      await applyAndWatch(c, "h1", ["h1-a", "h1-b"]);
      expect(new Set(versions)).toEqual(new Set(["1.1"]));
      expect(versions.length).toBeGreaterThanOrEqual(4);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });
});

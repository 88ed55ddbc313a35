import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { UnreachableError } from "../../src/deploy/kube/errors.js";
import { DEFAULT_PRICES } from "../../src/report/cost.js";
import { environmentNames } from "../../src/spec/load-spec.js";
import type { AppInfo, CostReport, SimulationAnswer } from "../../src/ui/api-types.js";
import { allowedHosts } from "../../src/ui/security.js";
import { startUi, type UiServer } from "../../src/ui/server.js";
import { ROOT, readRepoFile } from "../helpers/render.js";

/**
 * The dashboard's server without a cluster (the connection fails as a missing kubeconfig does):
 * what it serves, what it refuses. The browser tests against the control plane are in
 * test/cluster/ui.test.ts.
 */
let text = readRepoFile("examples/shop.kubeship.yaml");
let server: UiServer;
let attempts = 0;

beforeAll(async () => {
  server = await startUi({
    readSpec: () => Promise.resolve(text),
    render: (t, env) => {
      const r = renderSpec(t, env === undefined ? {} : { env });
      return r.ok ? { app: r.value } : { problems: r.diagnostics.map((d) => d.message).join("\n") };
    },
    envs: environmentNames,
    connect: () => {
      attempts += 1;
      return Promise.reject(new UnreachableError("no kubeconfig (test)"));
    },
    reconnectMs: 300,
    address: "127.0.0.1",
    port: 0,
    readOnly: false,
    timeoutSeconds: 60,
    skipMissingCrds: true,
    prices: DEFAULT_PRICES,
    external: () => undefined,
    holder: "test",
    assets: join(ROOT, "src/ui/web"),
    specPollMs: 100,
  });
});
afterAll(async () => {
  await server.close();
});

function call(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; auth?: boolean } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const headers: Record<string, string> = {
    ...(options.auth === false ? {} : { Authorization: `Bearer ${server.token}` }),
    ...(options.body === undefined ? {} : { "Content-Type": "application/json", Origin: server.origin }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(`${server.origin}${path}`, { method: options.method ?? "GET", headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on("error", reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

describe("kubeship ui's server, without a cluster", () => {
  it("prints a loopback address with a long random token", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it("swaps the token in the address for a same-site, script-proof cookie", async () => {
    const r = await call(`/?token=${server.token}`, { auth: false });
    expect(r.status).toBe(303);
    expect(r.headers["location"]).toBe("/");
    expect(String(r.headers["set-cookie"])).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    const withCookie = await call("/api/app", {
      auth: false,
      headers: { Cookie: `kubeship-ui=${server.token}` },
    });
    expect(withCookie.status).toBe(200);
    expect((await call("/api/app", { auth: false, headers: { Cookie: "kubeship-ui=nope" } })).status).toBe(
      401,
    );
  });

  it("serves the graph and the rendered deploy, every node unknown, the cluster's problem named", async () => {
    const r = await call("/api/app");
    const info = JSON.parse(r.body) as AppInfo;
    expect(info.app).toBe("demo-app");
    expect(info.clusterError).toContain("no kubeconfig");
    expect(info.server).toBeUndefined();
    expect(info.svg).toContain("<svg");
    expect(info.svg).toContain("<title>order&#45;service</title>");
    expect(info.nodes.find((n) => n.name === "order-service")).toMatchObject({
      nodeKind: "workload",
      autoscaled: true,
    });
    expect(info.waves[0]?.name).toBe("namespace");
    expect(info.envs).toEqual(["dev", "prod"]);
  });

  it("tries the cluster again while there is none", async () => {
    const before = attempts;
    await expect.poll(() => attempts, { timeout: 5000 }).toBeGreaterThan(before + 1);
  });

  it("answers what needs a cluster with 503 and what to check", async () => {
    const plan = await call("/api/plan", { method: "POST", body: {} });
    expect(plan.status).toBe(503);
    expect(JSON.parse(plan.body)).toMatchObject({ error: expect.stringContaining("no cluster") as string });
    expect((await call("/api/history")).status).toBe(503);
  });

  it("details a node from the rendered objects: autoscaler, budget, the Secrets it reads by name", async () => {
    const r = JSON.parse((await call("/api/nodes/order-service")).body) as {
      autoscaler: { min: number; max: number };
      disruptionBudget: { name: string };
      reads: { secrets: string[] };
      pods: unknown[];
    };
    expect(r.autoscaler).toMatchObject({ min: 2, max: 10 });
    expect(r.disruptionBudget.name).toBe("order-service");
    expect(r.reads.secrets).toContain("postgres-credentials");
    expect(r.pods).toEqual([]);
    expect((await call("/api/nodes/nope")).status).toBe(404);
  });

  it("prices any environment of the spec", async () => {
    const prod = JSON.parse((await call("/api/cost?env=prod")).body) as CostReport;
    const dev = JSON.parse((await call("/api/cost?env=dev")).body) as CostReport;
    expect(prod.env).toBe("prod");
    expect(dev.totalMax).toBeLessThan(prod.totalMax);
    expect((await call("/api/cost?env=staging")).status).toBe(404);
  });

  it("simulates a service's autoscaler under a load profile, and says what is wrong with a bad one", async () => {
    const ok = await call("/api/simulate", {
      method: "POST",
      body: { service: "order-service", capacity: 100, startup: 30, profile: "0,50\n60,900\n300,900\n" },
    });
    expect(ok.status).toBe(200);
    const sim = JSON.parse(ok.body) as SimulationAnswer;
    expect(sim.peakReplicas).toBeGreaterThan(2);
    expect(sim.points.length).toBeGreaterThan(10);
    const bad = await call("/api/simulate", {
      method: "POST",
      body: { service: "order-service", capacity: 100, profile: "0,50\nsixty,900\n" },
    });
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.body)).toMatchObject({
      error: expect.stringContaining("load profile:2") as string,
    });
    const unknown = await call("/api/simulate", {
      method: "POST",
      body: { service: "nope", capacity: 1, profile: "0,1\n" },
    });
    expect(unknown.status).toBe(422);
  });

  it("refuses a change without the page's origin or as a form, and a body too large", async () => {
    const headers = { "Content-Type": "application/json" };
    expect((await call("/api/simulate", { method: "POST", headers, body: undefined })).status).toBe(403);
    const form = await call("/api/simulate", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.origin },
    });
    expect(form.status).toBe(403);
    const large = await call("/api/simulate", { method: "POST", body: { profile: "0,1\n".repeat(700_000) } });
    expect(large.status).toBe(413);
    expect((await call("/api/app", { method: "DELETE" })).status).toBe(405);
  });

  it("follows the spec file: an edit is served, a broken spec keeps the last good render and says why", async () => {
    text = text.replace("app: demo-app", "app: edited-app");
    await expect
      .poll(async () => (JSON.parse((await call("/api/app")).body) as AppInfo).app)
      .toBe("edited-app");
    text = text.replace("services:", "servicez:");
    const info = JSON.parse((await call("/api/app")).body) as AppInfo;
    expect(info.app).toBe("edited-app");
    expect(info.problems).toMatch(/servicez/);
  });
});

describe("allowed hosts", () => {
  it("are the address and port, with localhost names for a loopback address only", () => {
    expect([...allowedHosts("127.0.0.1", 7070)].sort()).toEqual([
      "127.0.0.1:7070",
      "[::1]:7070",
      "localhost:7070",
    ]);
    expect([...allowedHosts("10.0.0.5", 7070)]).toEqual(["10.0.0.5:7070"]);
    expect([...allowedHosts("::1", 80)]).toContain("[::1]:80");
  });
});

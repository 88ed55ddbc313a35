import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium as playwright, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { Cluster, type LiveObject } from "../../src/deploy/kube/cluster.js";
import { destroy } from "../../src/deploy/status.js";
import { costOf, formatCost } from "../../src/report/cost.js";
import { ROOT, readRepoFile } from "../helpers/render.js";
import { chromium } from "../tools/debian.mjs";

/**
 * `kubeship ui` in headless Chromium (Debian's) driven by Playwright, against the local control
 * plane: the real CLI serves the page; deploys come from the CLI and from the page. Screenshots of
 * the main views go to docs/screenshots (linked from the README).
 */
const kubeconfig = inject("kubeconfig");
const cluster = await Cluster.connect({ kubeconfig });
const BIN = join(ROOT, "bin/kubeship.js");
const SHOTS = join(ROOT, "docs/screenshots");
const AXE = join(ROOT, "node_modules/axe-core/axe.min.js");
const APP = "uidemo";
const dir = mkdtempSync(join(tmpdir(), "kubeship-ui-"));
const specPath = join(dir, "kubeship.yaml");
const base = readRepoFile("examples/medaudit.kubeship.yaml").replace("app: medaudit", `app: ${APP}`);
const edit = (text: string, from: string, to: string): string => {
  if (!text.includes(from)) throw new Error(`edit not applicable: ${from}`);
  return text.replace(from, to);
};
const v2 = edit(
  base,
  "    image: ghcr.io/medaudit/api:4.2.0\n    port: 8000",
  "    image: ghcr.io/medaudit/api:4.2.1\n    port: 8000",
);
// Celery asks for more CPU than any node has: its new pods cannot be scheduled.
const v3 = edit(
  edit(v2, "requests: { cpu: 500m, memory: 512Mi }", 'requests: { cpu: "64", memory: 512Mi }'),
  'limits: { cpu: "2", memory: 2Gi }',
  'limits: { cpu: "64", memory: 2Gi }',
);

interface Served {
  readonly process: ChildProcess;
  readonly url: string;
  readonly origin: string;
  readonly token: string;
}

/** Starts `kubeship ui` (the built CLI) on a free port and reads the address it prints. */
async function serve(args: readonly string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(
    process.execPath,
    [BIN, "ui", specPath, "--port", "0", "--skip-missing-crds", ...args],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /kubeship ui: (\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once("exit", (code) => {
      reject(new Error(`kubeship ui exited (${String(code)}): ${err}`));
    });
  });
  const parsed = new URL(url);
  return { process: child, url, origin: parsed.origin, token: parsed.searchParams.get("token") ?? "" };
}

/** Runs the CLI to completion. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    encoding: "utf8",
    timeout: 280_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A raw HTTP request (node:http: any Host and Origin headers, unlike fetch). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

let browser: Browser;
let main: Served;
let page: Page;
const shot = async (p: Page, name: string): Promise<void> => {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `${name}.png`) });
};
const node = (p: Page, name: string) => p.locator(`g.node[data-node="${name}"]`);
const tab = (p: Page, name: string) => p.getByRole("tab", { name });

beforeAll(async () => {
  writeFileSync(specPath, base);
  browser = await playwright.launch({ executablePath: chromium(), args: ["--no-sandbox"] });
  main = await serve([]);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  main.process.kill();
  await browser.close();
  const r = renderSpec(base);
  if (r.ok) await destroy(cluster, r.value.model, true, () => undefined).catch(() => undefined);
});

describe("kubeship ui (headless Chromium, local control plane)", () => {
  it("refuses every request without the token, a foreign Host, and a change from another origin", async () => {
    expect((await raw(`${main.origin}/`)).status).toBe(401);
    expect((await raw(`${main.origin}/api/app`)).status).toBe(401);
    expect((await raw(`${main.origin}/assets/app.js`)).status).toBe(401);
    expect((await raw(`${main.origin}/?token=wrong`)).status).toBe(401);
    const auth = { Authorization: `Bearer ${main.token}` };
    const app = await raw(`${main.origin}/api/app`, { headers: auth });
    expect(app.status).toBe(200);
    expect(app.headers["content-security-policy"]).toContain("default-src 'self'");
    // DNS rebinding: a name that resolves here is still not this server's.
    const port = new URL(main.origin).port;
    expect(
      (await raw(`${main.origin}/api/app`, { headers: { ...auth, Host: `evil.example:${port}` } })).status,
    ).toBe(403);
    // A change needs this origin and JSON, besides the token.
    const body = JSON.stringify({});
    expect(
      (
        await raw(`${main.origin}/api/plan`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json" },
          body,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await raw(`${main.origin}/api/plan`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json", Origin: "http://evil.example" },
          body,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await raw(`${main.origin}/api/deploy`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "text/plain", Origin: main.origin },
          body,
        })
      ).status,
    ).toBe(403);
    // Deploying needs a reviewed plan and the confirmation.
    const noConfirm = await raw(`${main.origin}/api/deploy`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json", Origin: main.origin },
      body: JSON.stringify({ planId: "x" }),
    });
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.body).toContain("confirm");
  });

  it("loads with the token (which moves into a cookie), showing the graph before anything is deployed", async () => {
    await page.goto(main.url);
    expect(new URL(page.url()).search).toBe("");
    await expect.poll(() => node(page, "api").getAttribute("data-state")).toBe("missing");
    await expect.poll(() => node(page, "postgres").getAttribute("data-state")).toBe("missing");
    expect(await page.getByTestId("cluster").textContent()).toContain("https://");
    // Every state is written out, not only coloured.
    expect(await node(page, "api").getAttribute("aria-label")).toMatch(/^api: missing/);
    expect(await node(page, "api").locator("text.badge").textContent()).toBe("○ missing");
  });

  it("shows a deploy started from the CLI live: the graph turns ready and the revision appears", async () => {
    writeFileSync(specPath, base);
    const deployed = cli("deploy", specPath, "--yes", "--skip-missing-crds", "--progress", "plain");
    expect(deployed.status, deployed.stderr).toBe(0);
    for (const name of ["api", "celery", "migrate", "postgres", "redis"])
      await expect.poll(() => node(page, name).getAttribute("data-state"), { timeout: 30_000 }).toBe("ready");
    await tab(page, "Deploy").click();
    await expect.poll(() => page.getByTestId("activity").textContent()).toMatch(/revision 1\s*deployed/);
    await node(page, "api").click();
    await expect.poll(() => page.getByTestId("node-state").textContent()).toMatch(/ready/);
    await shot(page, "ui-graph");
  });

  it("selects a node by keyboard and shows its pods, autoscaler, budget and what it reads (names only)", async () => {
    await node(page, "celery").focus();
    await page.keyboard.press("Enter");
    const details = page.getByRole("region", { name: "details of celery" });
    await expect.poll(() => details.textContent()).toContain("Pods ready: 2 of 2");
    const text = (await details.textContent()) ?? "";
    expect(text).toContain("Disruption budget celery");
    expect(text).toMatch(/Secrets: .*uidemo-shared/);
    expect(await details.locator("tbody tr").count()).toBe(2);
    await node(page, "api").focus();
    await page.keyboard.press(" ");
    await expect
      .poll(() => page.getByRole("region", { name: "details of api" }).textContent())
      .toMatch(/Autoscaler api.*between 2 and 6/);
  });

  it("deploys from the page: plan, confirmation, progress wave by wave, a new revision", async () => {
    writeFileSync(specPath, v2);
    await tab(page, "Deploy").click();
    // The page follows the spec file: the plan is of the edited spec.
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Review plan" }).click();
          return page.getByTestId("plan").textContent();
        },
        { timeout: 20_000, interval: 2500 },
      )
      .toContain("Deployment/api");
    const plan = (await page.getByTestId("plan").textContent()) ?? "";
    expect(plan).toMatch(/update/);
    expect(plan).toContain("ghcr.io/medaudit/api:4.2.1");
    await shot(page, "ui-deploy-plan");
    await page.getByRole("button", { name: "Deploy…" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.textContent()).toContain(APP);
    await dialog.getByRole("button", { name: /^Deploy \d+ change/ }).click();
    await expect
      .poll(() => page.getByTestId("progress").textContent(), { timeout: 60_000 })
      .toMatch(/succeeded/);
    const progress = (await page.getByTestId("progress").textContent()) ?? "";
    expect(progress).toMatch(/Deploy of revision 2/);
    expect(progress).toMatch(/1\/\d+ /);
    const live = await cluster.get({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "api",
      namespace: APP,
    });
    expect(JSON.stringify(live?.["spec"])).toContain("api:4.2.1");
    await shot(page, "ui-deploy-progress");
  });

  it("shows a failing rollout's reason on its node", async () => {
    writeFileSync(specPath, v3);
    const failing = spawn(
      process.execPath,
      [BIN, "deploy", specPath, "--yes", "--skip-missing-crds", "--timeout", "25s", "--progress", "plain"],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig },
        stdio: "ignore",
      },
    );
    const exited = new Promise<number | null>((resolve) => failing.once("exit", resolve));
    await expect
      .poll(() => node(page, "celery").getAttribute("data-state"), { timeout: 30_000 })
      .toBe("failed");
    // The CLI's deploy shows in the header with the wave it waits in, from the lock it holds.
    await expect
      .poll(() => page.getByTestId("deploying").textContent(), { timeout: 10_000 })
      .toMatch(/deploy by \S+@\S+: wave \d+\/\d+ /);
    expect(await node(page, "celery").getAttribute("aria-label")).toMatch(/Insufficient cpu/);
    await node(page, "celery").click();
    await expect
      .poll(() => page.getByTestId("explanation").textContent(), { timeout: 15_000 })
      .toMatch(/unschedulable: .*Insufficient cpu/);
    expect(await page.locator(`table.nodes tr[data-node="celery"]`).textContent()).toMatch(
      /failed.*Insufficient cpu/,
    );
    await shot(page, "ui-failed-rollout");
    expect(await exited).toBe(1);
    await expect.poll(() => page.getByTestId("deploying").count()).toBe(0);
    await tab(page, "Deploy").click();
    expect(await page.getByTestId("activity").textContent()).toMatch(/deploy\s*\S+: wave \d+\/\d+/);
  });

  it("rolls back from the page after confirmation, restoring the previous revision", async () => {
    writeFileSync(specPath, v2);
    await tab(page, "History").click();
    const rows = page.locator("section.history tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    // The CLI marked its revision failed; the page's watch shows it.
    await expect.poll(() => page.locator('tr[data-revision="3"]').textContent()).toContain("failed");
    // The diff between the good and the failed revision names the change.
    await page.getByLabel("diff from revision").selectOption("2");
    await page.getByLabel("diff to revision").selectOption("3");
    await page.getByRole("button", { name: "Show diff" }).click();
    const diff = page.getByTestId("diff");
    await expect.poll(() => diff.textContent()).toContain("Deployment/uidemo/celery");
    await diff.getByText("Deployment/uidemo/celery (changed)").click();
    expect(await diff.textContent()).toMatch(/\+\s+cpu: "?64"?/);
    await shot(page, "ui-history");
    await page.getByRole("button", { name: "Roll back to revision 2" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Roll back to 2" }).click();
    await tab(page, "Deploy").click();
    await expect
      .poll(() => page.getByTestId("progress").textContent(), { timeout: 90_000 })
      .toMatch(/Rollback.*succeeded/);
    await expect
      .poll(() => node(page, "celery").getAttribute("data-state"), { timeout: 30_000 })
      .toBe("ready");
    const celery = await cluster.get({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "celery",
      namespace: APP,
    });
    const containers = (
      ((celery?.["spec"] as LiveObject)["template"] as LiveObject)["spec"] as {
        containers: { resources: { requests: { cpu: string } } }[];
      }
    ).containers;
    expect(containers[0]?.resources.requests.cpu).toBe("500m");
    await tab(page, "History").click();
    await expect
      .poll(() => page.locator('tr[data-revision="4"]').textContent())
      .toMatch(/deployed.*rollback to 2/);
  });

  it("shows the cost as `kubeship cost` computes it, and the HPA simulation of an uploaded profile", async () => {
    const r = renderSpec(v2);
    if (!r.ok) throw new Error("render");
    const cliTotal = /^TOTAL.*?\$(\d+\.\d\d) - \$(\d+\.\d\d)$/m.exec(
      formatCost(costOf(r.value.model, r.value.objects)),
    );
    // The page follows the spec file (it was set back to v2): open the view until it has.
    await expect
      .poll(
        async () => {
          await tab(page, "Details").click();
          await tab(page, "Cost").click();
          return page.getByTestId("cost-total").textContent();
        },
        { timeout: 10_000, interval: 1000 },
      )
      .toBe(`$${cliTotal?.[1] ?? "?"} – $${cliTotal?.[2] ?? "?"}`);
    await page.getByLabel("Environment").selectOption("dev");
    // dev runs one api pod, without its autoscaler.
    const apiPods = page
      .getByTestId("cost")
      .locator("tbody tr", { has: page.locator('th:text-is("api")') })
      .locator("td")
      .first();
    await expect.poll(() => apiPods.textContent()).toBe("1");
    await shot(page, "ui-cost");
    await tab(page, "Simulate").click();
    const csv = join(dir, "load.csv");
    writeFileSync(csv, "0,20\n60,600\n400,600\n460,20\n");
    await page.getByLabel("Load profile (CSV file)").setInputFiles(csv);
    await expect.poll(() => page.locator("textarea").inputValue()).toContain("60,600");
    await page.getByRole("button", { name: "Simulate" }).click();
    const figure = page.getByTestId("simulation");
    await expect
      .poll(() => figure.textContent())
      .toMatch(/api: peak 6 replicas \(between 2 and 6, CPU target 70%\)/);
    await expect.poll(() => figure.locator("canvas").count()).toBeGreaterThan(0);
    await shot(page, "ui-simulate");
  });

  it("has no serious accessibility violations (axe-core) in any view, at 1280x800", async () => {
    // axe runs inside the page: the page's own Content-Security-Policy would refuse its script.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const p = await context.newPage();
    await p.goto(main.url);
    await expect.poll(() => node(p, "api").getAttribute("data-state")).toBe("ready");
    await node(p, "celery").click();
    const found: string[] = [];
    for (const view of ["Details", "Deploy", "History", "Cost", "Simulate"]) {
      await tab(p, view).click();
      await p.waitForTimeout(300);
      await p.addScriptTag({ path: AXE });
      const violations = await p.evaluate(async () => {
        const axe = (
          globalThis as unknown as {
            axe: {
              run: (
                o: object,
              ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
            };
          }
        ).axe;
        const r = await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"] } });
        return r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      });
      found.push(...violations.map((v) => `${view}: ${v}`));
    }
    expect(found).toEqual([]);
    await context.close();
  });

  it("never answers with a Secret's value", async () => {
    const secrets = await cluster.list("v1", "Secret", APP);
    const values = secrets
      .filter((s) => s["type"] !== "kubeship.io/revision")
      .flatMap((s) => Object.values((s["data"] as Record<string, string> | undefined) ?? {}))
      .map((b64) => Buffer.from(b64, "base64").toString("utf8"))
      .filter((v) => v.length >= 8);
    expect(values.length).toBeGreaterThan(2);
    const auth = { Authorization: `Bearer ${main.token}` };
    const paths = [
      "/api/app",
      "/api/history",
      "/api/history/diff?from=1&to=4",
      "/api/cost",
      "/api/cost?env=dev",
    ];
    for (const n of ["api", "celery", "migrate", "postgres", "redis"]) paths.push(`/api/nodes/${n}`);
    const answers = await Promise.all(paths.map((p) => raw(`${main.origin}${p}`, { headers: auth })));
    for (const [i, a] of answers.entries()) {
      expect(a.status, paths[i]).toBe(200);
      for (const v of values)
        expect(a.body.includes(v), `${paths[i] ?? ""} shows a secret value`).toBe(false);
    }
  });

  it("--read-only leaves out deploy and rollback", async () => {
    const ro = await serve(["--read-only"]);
    try {
      const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await p.goto(ro.url);
      await expect.poll(() => p.locator("header").textContent()).toContain("read-only");
      await tab(p, "Deploy").click();
      await p.getByRole("button", { name: "Review plan" }).click();
      await expect.poll(() => p.getByTestId("plan").count()).toBe(1);
      expect(await p.getByRole("button", { name: "Deploy…" }).count()).toBe(0);
      await tab(p, "History").click();
      await expect.poll(() => p.locator("section.history tbody tr").count()).toBe(4);
      expect(await p.getByRole("button", { name: /Roll back/ }).count()).toBe(0);
      const refused = await raw(`${ro.origin}/api/rollback`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${ro.token}`,
          "Content-Type": "application/json",
          Origin: ro.origin,
        },
        body: JSON.stringify({ revision: 1, confirm: true }),
      });
      expect(refused.status).toBe(403);
      await p.close();
    } finally {
      ro.process.kill();
    }
  });

  it("without a cluster shows the graph and the rendered deploy alone", async () => {
    const bad = join(dir, "missing.kubeconfig");
    const off = await serve([], { KUBECONFIG: bad });
    try {
      const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await p.goto(off.url);
      await expect.poll(() => p.getByTestId("cluster").textContent()).toMatch(/no cluster/);
      await expect.poll(() => node(p, "api").getAttribute("data-state")).toBe("unknown");
      await tab(p, "Deploy").click();
      const waves = (await p.locator("ol.waves").textContent()) ?? "";
      expect(waves).toMatch(/namespace.*Namespace\/uidemo/);
      expect(waves).toContain("StatefulSet/postgres");
      await p.close();
    } finally {
      off.process.kill();
    }
  });
});

// The README links the screenshots this test writes.
it("the README links every screenshot", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  for (const name of [
    "ui-graph",
    "ui-deploy-plan",
    "ui-failed-rollout",
    "ui-history",
    "ui-cost",
    "ui-simulate",
  ])
    expect(readme).toContain(`docs/screenshots/${name}.png`);
});

import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { destroy } from "../../src/deploy/status.js";
import { runbook } from "../../src/report/runbook.js";
import { readRepoFile, ROOT } from "../helpers/render.js";
import { installCrds, PROMETHEUS_OPERATOR_CRDS } from "./crds.js";

/**
 * Every command the runbook prints is run against the local control plane, as a reader would type
 * it, from a folder holding the spec, with `kubeship` on the PATH. Three kinds cannot run here and
 * are checked for what they name instead, said so in their test: `exec`, `logs` and `port-forward`
 * need a kubelet (this control plane fakes its nodes), so their pod, container, Job, Deployment or
 * Service must exist as named. Every other command runs as printed (kubectl set image, scale,
 * rollout undo, create job included); `kubeship deploy` gets --yes, which a reader at a terminal
 * answers when asked.
 */
const kubeconfig = inject("kubeconfig");
const cluster = await Cluster.connect({ kubeconfig });
const cleanup: (() => Promise<void>)[] = [];

// The shop has monitoring on: its ServiceMonitors and PrometheusRule need prometheus-operator's CRDs.
let removeCrds: (() => void) | undefined;
beforeAll(() => {
  removeCrds = installCrds(kubeconfig, PROMETHEUS_OPERATOR_CRDS);
});

afterAll(async () => {
  for (const c of cleanup) await c().catch(() => undefined);
  removeCrds?.();
});

/** A folder with the spec and a `kubeship` command on the PATH. */
function workspace(app: string): { dir: string; env: NodeJS.ProcessEnv; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), "kubeship-runbook-"));
  const bin = join(dir, ".bin");
  execFileSync("mkdir", ["-p", bin]);
  writeFileSync(
    join(bin, "kubeship"),
    `#!/bin/sh\nexec "${process.execPath}" "${ROOT}bin/kubeship.js" "$@"\n`,
  );
  chmodSync(join(bin, "kubeship"), 0o755);
  const spec = readRepoFile("examples/shop.kubeship.yaml").replace("app: demo-app", `app: ${app}`);
  writeFileSync(join(dir, "spec.yaml"), spec);
  writeFileSync(join(dir, "load.csv"), "0,100\n120,600\n");
  return {
    dir,
    spec,
    env: { ...process.env, KUBECONFIG: kubeconfig, PATH: `${bin}:${process.env["PATH"] ?? ""}` },
  };
}

function doc(spec: string): { text: string; app: NonNullable<ReturnType<typeof rendered>> } {
  const app = rendered(spec);
  if (app === undefined) throw new Error("the spec does not render");
  const cleanupApp = app;
  cleanup.push(() => destroy(cluster, cleanupApp.model, true, () => undefined));
  return { text: runbook(app, "spec.yaml"), app };
}

function rendered(spec: string) {
  const r = renderSpec(spec);
  return r.ok ? r.value : undefined;
}

/** The shell lines of a Markdown section's code blocks (comments dropped). */
function blocks(text: string, heading?: string): string[][] {
  const part = heading === undefined ? text : (text.split(/^## /m).find((s) => s.startsWith(heading)) ?? "");
  return [...part.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    (m[1] ?? "")
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim())
      .filter((l) => l !== ""),
  );
}

function sh(line: string, w: { dir: string; env: NodeJS.ProcessEnv }): { status: number; out: string } {
  const r = spawnSync("sh", ["-c", line], { cwd: w.dir, env: w.env, encoding: "utf8", timeout: 240_000 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("the runbook's commands, run against a real control plane", () => {
  it("by hand: kubectl creates the namespace, every Secret the pods read, the objects, and waits for them", () => {
    const w = workspace("rb-hand");
    const { text, app } = doc(w.spec);
    const [byHand] = blocks(text, "Deploy").filter((b) => b.some((l) => l.startsWith("kubectl apply")));
    expect(byHand).toBeDefined();
    for (const line of byHand ?? []) {
      const r = sh(line, w);
      expect(r.status, `${line}\n${r.out}`).toBe(0);
    }
    // kwok starts pods without looking at Secrets; a kubelet would not: every reference must resolve.
    const ns = app.model.namespace;
    const secrets = new Map<string, Set<string>>();
    for (const name of app.secrets.map((s) => s.name)) {
      const data = JSON.parse(
        execFileSync("kubectl", ["--kubeconfig", kubeconfig, "-n", ns, "get", "secret", name, "-o", "json"], {
          encoding: "utf8",
        }),
      ) as { data?: Record<string, string> };
      secrets.set(name, new Set(Object.keys(data.data ?? {})));
    }
    const refs = JSON.stringify(app.objects).matchAll(/"secretKeyRef":\{"name":"([^"]+)","key":"([^"]+)"\}/g);
    let count = 0;
    for (const [, name = "", key = ""] of refs) {
      count++;
      expect(secrets.get(name)?.has(key), `${name}/${key}`).toBe(true);
    }
    expect(count).toBeGreaterThan(10);
  });

  it("with kubeship, kubectl reads, changes by hand, and what exec, logs and port-forward name (no kubelet here)", () => {
    const w = workspace("rb-ship");
    const { text, app } = doc(w.spec);
    const ns = app.model.namespace;
    const kubectlJson = (args: string[]): unknown =>
      JSON.parse(
        execFileSync("kubectl", ["--kubeconfig", kubeconfig, "-n", ns, ...args, "-o", "json"], {
          encoding: "utf8",
        }),
      );
    // Everything outside the by-hand block, code blocks and inline commands alike.
    const lines = [
      ...blocks(text)
        .filter((b) => !b.some((l) => l.startsWith("kubectl apply")))
        .flat(),
      // Inline commands in the prose, not mentions of a tool's verb (`kubectl apply`).
      ...[...text.matchAll(/`((?:kubectl|kubeship) [^`]+)`/g)]
        .map((m) => m[1] ?? "")
        .filter((c) => c.split(" ").length > 2),
    ];
    const pod = (): string =>
      (
        kubectlJson(["get", "pods", "-l", `app.kubernetes.io/name=order-service`]) as {
          items: { metadata: { name: string } }[];
        }
      ).items[0]?.metadata.name ?? "missing";
    const concrete = (l: string): string =>
      l
        .replaceAll("--load load.csv --capacity RPS", "--load load.csv --capacity 100")
        .replaceAll("NEW_TAG", "1.0.1")
        .replaceAll("deploy/NAME", "deployment/order-service")
        .replaceAll("hpa NAME", `hpa ${app.model.workloads.find((x) => x.autoscale)?.name ?? ""}`)
        .replaceAll("HOST PORT", "postgres 5432")
        .replaceAll(" POD", ` ${pod()}`);
    let ran = 0;
    let resolved = 0;
    const deploys = lines.filter((l) => /^kubeship (deploy|rollback)/.test(l));
    expect(deploys.length).toBeGreaterThan(0);
    // First a deploy, then every command in the order the runbook gives them.
    for (const raw of [lines.find((l) => l.startsWith("kubeship deploy")) ?? "", ...lines]) {
      let line = concrete(raw);
      if (/^kubeship deploy\b/.test(line)) line = `${line} --yes`;
      if (/ --revision \d+/.test(line)) line = line.replace(/--revision \d+/, "--revision 1");
      // "Changing a backing's mode": the copy-in runs in the new mode's pod; this test keeps the mode
      // (its switch deploys the same spec), so that pod is not there. The rest of the section runs.
      if (/ -- (pg_restore|rabbitmqctl import)/.test(line)) continue;
      const target = /^kubectl -n \S+ (exec|logs|port-forward)\b/.exec(line);
      if (target !== null) {
        resolved++;
        const verb = target[1];
        const ref = /(?:exec(?: -it?)?|logs|port-forward) (\S+)/.exec(line)?.[1] ?? "";
        if (ref.startsWith("-l")) {
          const selector = /-l (\S+)/.exec(line)?.[1] ?? "";
          const items = (kubectlJson(["get", "pods", "-l", selector]) as { items: unknown[] }).items;
          expect(items.length, line).toBeGreaterThan(0);
          continue;
        }
        const [kind, name] = ref.includes("/") ? ref.split("/") : ["pod", ref];
        const live = kubectlJson(["get", kind === "svc" ? "service" : (kind ?? "pod"), name ?? ""]) as {
          spec: {
            containers?: { name: string }[];
            template?: { spec: { containers: { name: string }[] } };
            ports?: { port: number }[];
          };
        };
        const container = / -c (\S+)/.exec(line.split(" -- ")[0] ?? "")?.[1];
        const containers = (live.spec.containers ?? live.spec.template?.spec.containers ?? []).map(
          (c) => c.name,
        );
        if (verb === "exec") expect(containers.length, line).toBeGreaterThan(0);
        if (verb === "exec" && container !== undefined) expect(containers, line).toContain(container);
        const port = /port-forward \S+ \d+:(\d+)/.exec(line)?.[1];
        if (verb === "port-forward" && kind === "svc")
          expect(
            live.spec.ports?.map((p) => String(p.port)),
            line,
          ).toContain(port);
        continue;
      }
      if (/^kubectl -n \S+ rollout status\b/.test(line) && !line.includes("--timeout"))
        line += " --timeout=2m";
      const r = sh(line, w);
      ran++;
      // The runbook says `top` fails without metrics-server, which this control plane does not run.
      if (/^kubectl -n \S+ top /.test(line)) {
        expect(r.out, line).toMatch(/Metrics API not available/);
        continue;
      }
      expect(r.status, `${line}\n${r.out}`).toBe(0);
    }
    expect(ran).toBeGreaterThan(25);
    expect(resolved).toBeGreaterThan(10);
  });
});

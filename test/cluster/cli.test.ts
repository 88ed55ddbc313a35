import { execFileSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { readRepoFile } from "../helpers/render.js";
import { runCli } from "../helpers/cli.js";

const run = (args: string[]) => runCli([...args, "--kubeconfig", inject("kubeconfig")]);

/** A hand edit, as `kubectl set image` makes one: the user-service Deployment's image. */
function setImage(image: string): void {
  const patch = [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: image }];
  execFileSync("kubectl", [
    "--kubeconfig",
    inject("kubeconfig"),
    "-n",
    "cli-shop",
    "patch",
    "deployment",
    "user-service",
    "--type=json",
    "-p",
    JSON.stringify(patch),
  ]);
}

describe("kubeship deploy commands against a real control plane", () => {
  const spec = join(mkdtempSync(join(tmpdir(), "kubeship-cli-")), "shop.yaml");
  writeFileSync(spec, readRepoFile("examples/shop.kubeship.yaml").replace("app: demo-app", "app: cli-shop"));

  it("deploys with JSON events, diffs, shows status and history, and destroys keeping the data", async () => {
    // A run that failed before its end (on a long-lived cluster) leaves the app and its history.
    await run(["destroy", spec, "--yes", "--delete-data"]);
    const missing = await run(["deploy", spec, "--yes"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(
      "the cluster lacks CRDs the spec needs: ServiceMonitor needs prometheus-operator",
    );

    const d = await run([
      "deploy",
      spec,
      "--yes",
      "--skip-missing-crds",
      "--progress",
      "json",
      "--timeout",
      "2m",
    ]);
    expect(d.code).toBe(0);
    const events = d.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; revision?: number; status?: string });
    expect(events[0]?.type).toBe("connected");
    expect(events.at(-1)).toMatchObject({ type: "done", revision: 1 });
    expect(events.some((e) => e.type === "secret")).toBe(true);
    expect(d.out).not.toMatch(/"password"\s*:/);

    // Drift: nothing right after the deploy; a hand edit of a field kubeship applies is found.
    const clean = await run(["status", spec, "--drift"]);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain("DRIFT: none (live objects match revision 1)");
    setImage("user-service:9.9.9");
    const drifted = await run(["status", spec, "--drift"]);
    expect(drifted.code).toBe(1);
    expect(drifted.out).toContain("DRIFT from revision 1");
    expect(drifted.out).toMatch(/~ update\s+Deployment\/user-service/);
    expect(drifted.out).toContain(
      "spec.template.spec.containers.0.image: user-service:9.9.9 -> user-service:1.0.0",
    );
    setImage("user-service:1.0.0");

    writeFileSync(
      spec,
      readRepoFile("examples/shop.kubeship.yaml")
        .replace("app: demo-app", "app: cli-shop")
        .replace("user-service:1.0.0", "user-service:1.0.1"),
    );
    const diff = await run(["diff", spec, "--skip-missing-crds"]);
    expect(diff.code).toBe(0);
    expect(diff.err).toContain("~ update    Deployment/user-service");
    expect(diff.err).toContain(
      "spec.template.spec.containers.0.image: user-service:1.0.0 -> user-service:1.0.1",
    );

    // The plan as a pull-request comment: a replacement names the field that forces it.
    writeFileSync(
      spec,
      readRepoFile("examples/shop.kubeship.yaml")
        .replace("app: demo-app", "app: cli-shop")
        .replace("user-service:1.0.0", "user-service:1.0.1")
        .replace("redis: { type: redis, storage: 5Gi }", "redis: { type: redis, storage: 6Gi }"),
    );
    const markdown = await run(["diff", spec, "--skip-missing-crds", "--format", "markdown"]);
    expect(markdown.code).toBe(0);
    expect(markdown.out).toContain("### kubeship plan: `cli-shop` in namespace `cli-shop`");
    expect(markdown.out).toMatch(/\*\*0 to create, \d+ to update, 1 to replace, 0 to prune\*\*/);
    expect(markdown.out).toContain("#### Replacements (deleted and created again)");
    expect(markdown.out).toMatch(/- `StatefulSet\/redis`: spec\S* cannot change in place/);
    expect(markdown.out).toContain(
      "- `spec.template.spec.containers.0.image: user-service:1.0.0 -> user-service:1.0.1`",
    );
    expect(markdown.out).not.toMatch(/password/i);

    const status = await run(["status", spec]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/StatefulSet\/postgres\s+1\/1/);
    expect(status.out).toContain("AUTOSCALER");

    const history = await run(["history", spec]);
    expect(history.out).toMatch(/^1\t\S+\tdeployed\t\d+ created/m);

    const gone = await run(["destroy", spec, "--yes"]);
    expect(gone.code).toBe(0);
    expect(gone.err).toContain("deleted Deployment/order-service");
    expect(gone.err).toContain("its volumes were kept");
    const after = await run(["status", spec]);
    expect(after.out).not.toContain("Deployment/");
    await run(["destroy", spec, "--yes", "--delete-data"]);
  });
});

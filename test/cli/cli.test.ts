import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { colorWanted } from "../../src/cli/io.js";
import { loadSpec } from "../../src/spec/load-spec.js";
import { ROOT } from "../helpers/render.js";
import { runCli } from "../helpers/cli.js";

const run = (args: string[]) => runCli(args);

const tmp = (): string => mkdtempSync(join(tmpdir(), "kubeship-cli-"));

describe("kubeship CLI", () => {
  it("renders an example to stdout as one stream", async () => {
    const r = await run(["render", join(ROOT, "examples/shop.kubeship.yaml")]);
    expect(r.code).toBe(0);
    expect(r.out.match(/^kind: /gm)?.length).toBeGreaterThan(50);
    expect(r.out).toMatch(/^kind: Namespace$/m);
  });

  it("renders one file per object into a directory and replaces it as a whole next time", async () => {
    const dir = join(tmp(), "out");
    expect((await run(["render", join(ROOT, "examples/minitoolstream.kubeship.yaml"), "-o", dir])).code).toBe(
      0,
    );
    const first = readdirSync(dir);
    expect(first).toContain("13-deployment-minitoolstream-ingress.yaml");
    writeFileSync(join(dir, "99-stale.yaml"), "kind: Stale\n");
    expect((await run(["render", join(ROOT, "examples/minitoolstream.kubeship.yaml"), "-o", dir])).code).toBe(
      0,
    );
    expect(readdirSync(dir).sort()).toEqual(first.sort());
  });

  it("never writes into a directory it did not create", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "mine.txt"), "precious");
    const r = await run(["render", join(ROOT, "examples/shop.kubeship.yaml"), "-o", dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("is not empty and was not written by kubeship");
    expect(readFileSync(join(dir, "mine.txt"), "utf8")).toBe("precious");
  });

  it("reports every spec error with place and hint, exit 2, and writes nothing", async () => {
    const dir = tmp();
    const spec = join(dir, "bad.yaml");
    writeFileSync(
      spec,
      "app: demo\nservices:\n  api:\n    image: a:1\n    port: 80\n    uses: [mongo]\n    replicaz: 2\nbacking:\n  mongodb: { type: mongodb }\n",
    );
    const out = join(dir, "out");
    const r = await run(["render", spec, "-o", out]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain(
      `${spec}:6:12 error services.api.uses[0]: unknown backing or service 'mongo'; did you mean 'mongodb'?`,
    );
    expect(r.err).toContain(
      `${spec}:7:5 error services.api.replicaz: unknown field 'replicaz'; did you mean 'replicas'?`,
    );
    expect(r.err).toContain("    uses: [mongo]\n");
    expect(r.err).toContain("2 errors, 0 warnings");
    expect(existsSync(out)).toBe(false);
  });

  it("explains a missing spec file", async () => {
    const r = await run(["render", "/nonexistent/kubeship.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "kubeship: /nonexistent/kubeship.yaml: no such file; pass the spec's path, or run `kubeship init` to write a starter kubeship.yaml\n",
    );
  });

  it("rejects an unknown option with exit 2", async () => {
    const r = await run(["render", "--outptu", "x"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--outptu'");
  });

  it("renders an environment overlay", async () => {
    const r = await run(["render", join(ROOT, "examples/shop.kubeship.yaml"), "--env", "dev"]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("kind: HorizontalPodAutoscaler");
  });

  it("writes a Helm chart and a Kustomize tree, and needs -o for them", async () => {
    const dir = tmp();
    const chart = await run([
      "render",
      join(ROOT, "examples/shop.kubeship.yaml"),
      "--format",
      "helm",
      "-o",
      join(dir, "chart"),
      "--chart-version",
      "1.2.3",
    ]);
    expect(chart.code).toBe(0);
    expect(readFileSync(join(dir, "chart/Chart.yaml"), "utf8")).toContain("version: 1.2.3");
    const tree = await run([
      "render",
      join(ROOT, "examples/shop.kubeship.yaml"),
      "--format",
      "kustomize",
      "-o",
      join(dir, "kz"),
    ]);
    expect(tree.code).toBe(0);
    expect(readdirSync(join(dir, "kz/overlays")).sort()).toEqual(["dev", "prod"]);
    const noDir = await run(["render", join(ROOT, "examples/shop.kubeship.yaml"), "--format", "helm"]);
    expect(noDir.code).toBe(2);
    expect(noDir.err).toBe("kubeship: --format helm writes a directory: add -o DIR\n");
    const withEnv = await run([
      "render",
      join(ROOT, "examples/shop.kubeship.yaml"),
      "--format",
      "kustomize",
      "--env",
      "dev",
      "-o",
      join(dir, "x"),
    ]);
    expect(withEnv.code).toBe(2);
  });

  it("refuses to deploy without a terminal unless --yes, and explains bad durations and unreachable clusters", async () => {
    const spec = join(ROOT, "examples/shop.kubeship.yaml");
    const kubeconfig = join(tmp(), "kubeconfig");
    writeFileSync(
      kubeconfig,
      "apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\ncurrent-context: c\nusers: [{ name: u, user: { token: t } }]\n",
    );
    const noYes = await run(["deploy", spec, "--kubeconfig", kubeconfig]);
    expect(noYes.code).toBe(2);
    expect(noYes.err).toContain("pass --yes to deploy without a terminal");
    const badTimeout = await run(["deploy", spec, "--kubeconfig", kubeconfig, "--yes", "--timeout", "soon"]);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.err).toContain("'soon' is not a duration");
    const unreachable = await run(["status", spec, "--kubeconfig", kubeconfig]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain("cannot reach the cluster at 127.0.0.1:1");
    const noContext = await run(["status", spec, "--kubeconfig", kubeconfig, "--context", "prod"]);
    expect(noContext.err).toContain("no context 'prod' in the kubeconfig; contexts: c");
  }, 120_000);

  it("prints the JSON Schema of the spec", async () => {
    const r = await run(["schema"]);
    const schema = JSON.parse(r.out) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["app", "services", "backing", "environments"]),
    );
    expect(schema.required).toEqual(["app"]);
  });

  it("writes a starter spec that loads, and refuses to overwrite it", async () => {
    const file = join(tmp(), "kubeship.yaml");
    expect((await run(["init", file, "--app", "hello"])).code).toBe(0);
    const loaded = loadSpec(readFileSync(file, "utf8"));
    expect(loaded.ok).toBe(true);
    const again = await run(["init", file]);
    expect(again.code).toBe(2);
    expect(again.err).toContain("already exists; pass --force");
    const rendered = await run(["render", file]);
    expect(rendered.code).toBe(0);
  });

  it("runs as the installed binary", () => {
    const bin = join(ROOT, "bin/kubeship.js");
    const version = execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const bad = spawnSync(process.execPath, [bin, "render", "/nonexistent.yaml"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe("kubeship writing into a closed pipe", () => {
  it("stops quietly when the reader goes away (`kubeship render | head -1`)", () => {
    // The shell's `head -1` exits after one line; the rest of the stream meets a closed pipe.
    const r = spawnSync(
      "sh",
      [
        "-c",
        `"${process.execPath}" "${join(ROOT, "bin/kubeship.js")}" render "${join(ROOT, "examples/shop.kubeship.yaml")}" | head -1`,
      ],
      { encoding: "utf8" },
    );
    expect(r.stdout).toBe("# Rendered by kubeship: edit the spec, not this file.\n");
    expect(r.stderr).toBe("");
  });
});

describe("conventions a Helm or kubectl user expects", () => {
  const shop = join(ROOT, "examples/shop.kubeship.yaml");

  it("prints help on stdout when run without a command", async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^Usage: kubeship/);
    const bin = spawnSync(process.execPath, [join(ROOT, "bin/kubeship.js")], { encoding: "utf8" });
    expect(bin.stdout).toMatch(/^Usage: kubeship/);
    expect(bin.stderr).toBe("");
  });

  it("takes the spec with -f as kubectl does, as well as the argument, but not two different ones", async () => {
    const byFlag = await run(["render", "-f", shop]);
    const byArgument = await run(["render", shop]);
    expect(byFlag.code).toBe(0);
    expect(byFlag.out).toBe(byArgument.out);
    const both = await run(["render", shop, "-f", join(ROOT, "examples/minitoolstream.kubeship.yaml")]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("name the spec once");
  });

  it("renders into another namespace with -n, as kubectl -n", async () => {
    const r = await run(["render", shop, "-n", "shop-staging"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}namespace: shop-staging$/m);
    expect(r.out).not.toMatch(/^ {2}namespace: demo-app$/m);
  });

  it("has one meaning per flag: --format is the format, -o where output goes", async () => {
    const dir = tmp();
    const d = await run(["diagram", shop, "--format", "mermaid", "-o", join(dir, "a.mmd")]);
    expect(d.code).toBe(0);
    expect(readFileSync(join(dir, "a.mmd"), "utf8")).toMatch(/^flowchart|^graph/m);
    for (const [args, message] of [
      [["-o", join(dir, "arch.png")], "not .png"],
      [["--format", "mermaid", "-o", join(dir, "x.svg")], "make them agree"],
    ] as const) {
      const r = await run(["diagram", shop, ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
    }
    expect(existsSync(join(dir, "arch.png"))).toBe(false);
  });

  it("refuses a chart version Helm would refuse", async () => {
    const r = await run([
      "render",
      shop,
      "--format",
      "helm",
      "-o",
      join(tmp(), "chart"),
      "--chart-version",
      "banana",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("semantic version");
  });

  it("accepts --kube-context as Helm spells --context", async () => {
    const kubeconfig = join(tmp(), "config");
    writeFileSync(
      kubeconfig,
      "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: dev, context: {cluster: c, user: u}}]\ncurrent-context: dev\n",
    );
    const r = await run(["status", shop, "--kubeconfig", kubeconfig, "--kube-context", "prod"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("prod");
    const clash = await run([
      "status",
      shop,
      "--kubeconfig",
      kubeconfig,
      "--context",
      "dev",
      "--kube-context",
      "prod",
    ]);
    expect(clash.code).toBe(2);
  });
});

describe("colour", () => {
  it("follows NO_COLOR (when not empty), then FORCE_COLOR, then whether stderr is a terminal", () => {
    expect(colorWanted(true, {})).toBe(true);
    expect(colorWanted(false, {})).toBe(false);
    expect(colorWanted(true, { NO_COLOR: "1" })).toBe(false);
    expect(colorWanted(true, { NO_COLOR: "" })).toBe(true);
    expect(colorWanted(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorWanted(false, { FORCE_COLOR: "" })).toBe(true);
    expect(colorWanted(true, { FORCE_COLOR: "0" })).toBe(false);
    expect(colorWanted(false, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
  });
});

describe("kubeship init", () => {
  it("writes a starter spec that renders and lints clean, and the JSON Schema its first line names", async () => {
    const dir = tmp();
    const r = await run(["init", join(dir, "kubeship.yaml")]);
    expect(r.code).toBe(0);
    const spec = readFileSync(join(dir, "kubeship.yaml"), "utf8");
    expect(spec.split("\n")[0]).toBe("# yaml-language-server: $schema=./kubeship.schema.json");
    const schema = JSON.parse(readFileSync(join(dir, "kubeship.schema.json"), "utf8")) as {
      properties: { app: { pattern: string }; services: { propertyNames: { pattern: string } } };
    };
    expect(new RegExp(schema.properties.app.pattern).test("My_App")).toBe(false);
    expect(new RegExp(schema.properties.services.propertyNames.pattern).test("api")).toBe(true);
    const lint = await run(["lint", "--spec", join(dir, "kubeship.yaml")]);
    expect(lint.out).toMatch(/0 errors, 0 warnings/);
  });
});

import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/render.js";
import { HELM } from "../helpers/tools.js";
import { runCli } from "../helpers/cli.js";

const run = (args: string[], cwd?: string) => runCli(args, cwd);

const tmp = (): string => mkdtempSync(join(tmpdir(), "kubeship-lint-"));
const BAD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
spec:
  replicaz: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api:latest
`;

describe("kubeship lint", () => {
  it("reports findings as file:line:col lines that problem matchers read, and exits 1 on errors", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "deploy.yaml"), BAD);
    writeFileSync(join(dir, "notes.txt"), "not a manifest");
    const r = await run(["lint", dir]);
    expect(r.code).toBe(1);
    const file = join(dir, "deploy.yaml");
    expect(r.out).toContain(
      `${file}:7:3 error spec.replicaz: unknown field "replicaz" [schema] Deployment/api\n`,
    );
    expect(r.out).toContain('fix: did you mean "replicas"?');
    expect(r.out).toContain(
      `${file}:16:11 error spec.template.spec.containers[0].image: container "api" uses the latest tag`,
    );
    // The form GitHub's and VS Code's problem matchers use for compilers: file:line:col severity message.
    const matcher = /^(.+):(\d+):(\d+) (error|warning) (.+)$/;
    const findings = r.out.split("\n").filter((l) => matcher.test(l));
    expect(findings.length).toBeGreaterThanOrEqual(2);
    expect(r.out.trimEnd().split("\n").at(-1)).toMatch(/^1 object: 2 errors, \d+ warnings$/);
  });

  it("exits 0 when only warnings remain, and with a config file that turns rules off", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n",
    );
    expect((await run(["lint", "cm.yaml"], dir)).code).toBe(0);
    writeFileSync(join(dir, ".kubeship-lint.yaml"), "rules:\n  default-namespace: error\n");
    expect((await run(["lint", "cm.yaml"], dir)).code).toBe(1);
    writeFileSync(join(dir, ".kubeship-lint.yaml"), "rules:\n  default-namespace: off\n");
    const quiet = await run(["lint", "cm.yaml"], dir);
    expect(quiet.out).toBe("1 object: 0 errors, 0 warnings\n");
    writeFileSync(join(dir, ".kubeship-lint.yaml"), "rules:\n  default-namespaces: off\n");
    const bad = await run(["lint", "cm.yaml"], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(".kubeship-lint.yaml:2:3");
    expect(bad.err).toContain("did you mean 'default-namespace'?");
  });

  it("writes JSON and SARIF 2.1.0", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "d.yaml"), BAD);
    const json = JSON.parse((await run(["lint", join(dir, "d.yaml"), "--format", "json"])).out) as {
      findings: { rule: string; line: number; object: { kind: string } }[];
      summary: { errors: number };
    };
    expect(json.summary.errors).toBe(2);
    expect(json.findings.find((f) => f.rule === "schema")).toMatchObject({
      line: 7,
      object: { kind: "Deployment" },
    });
    const sarif = JSON.parse((await run(["lint", join(dir, "d.yaml"), "--format", "sarif"])).out) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: { physicalLocation: { region: { startLine: number } } }[];
        }[];
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    const [runOne] = sarif.runs;
    const schema = runOne?.results.find((r) => r.ruleId === "schema");
    expect(schema?.level).toBe("error");
    expect(schema?.locations[0]?.physicalLocation.region.startLine).toBe(7);
    expect(runOne?.tool.driver.rules[schema?.ruleIndex ?? -1]?.id).toBe("schema");
  });

  it("reads stdin, exits 2 for usage errors and lists its rules", async () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin/kubeship.js"), "lint", "-"], {
      input: BAD,
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^<stdin>:\d+:\d+ error /m);
    expect((await run(["lint", "/no/such/dir"])).code).toBe(2);
    expect((await run(["lint", join(ROOT, "examples"), "--kube-version", "1.12"])).err).toContain(
      "lint knows 1.30",
    );
    // A config file's unknown version is refused before any file is read, on one core or several.
    const cfg = join(tmp(), "lint.yaml");
    writeFileSync(cfg, 'kubeVersion: "1.12"\n');
    for (const workers of ["1", "2"]) {
      const r = spawnSync(
        process.execPath,
        [join(ROOT, "bin/kubeship.js"), "lint", "--config", cfg, join(ROOT, "examples")],
        { encoding: "utf8", env: { ...process.env, KUBESHIP_LINT_WORKERS: workers } },
      );
      expect(r.stderr).toContain("kubeVersion 1.12: lint knows 1.30");
      expect(r.status).toBe(2);
    }
    const list = await run(["lint", "--list-rules"]);
    expect(list.out.split("\n").filter(Boolean).length).toBeGreaterThan(40);
  });

  it("lints a spec rendered in process, a Kustomize tree and a Helm chart of ours: all clean", async () => {
    const spec = join(ROOT, "examples/shop.kubeship.yaml");
    const inProcess = await run(["lint", "--spec", spec, "--pod-security", "restricted"]);
    expect(inProcess.out).toMatch(/^89 objects: 0 errors, 0 warnings, \d+ waived/m);
    const kdir = join(tmp(), "k");
    expect((await run(["render", spec, "--format", "kustomize", "-o", kdir])).code).toBe(0);
    const k = await run(["lint", "--kustomize", join(kdir, "overlays/prod")]);
    expect(k.code).toBe(0);
    expect(k.out).toMatch(/objects: 0 errors, 0 warnings/);
    const hdir = join(tmp(), "h");
    expect((await run(["render", spec, "--format", "helm", "-o", hdir])).code).toBe(0);
    const h = spawnSync(
      process.execPath,
      [join(ROOT, "bin/kubeship.js"), "lint", "--helm", hdir, "--namespace", "demo-app"],
      {
        encoding: "utf8",
        env: { ...process.env, KUBESHIP_HELM: HELM },
      },
    );
    expect(h.stderr).toBe("");
    expect(h.stdout).toMatch(/objects: 0 errors, 0 warnings/);
    expect(h.status).toBe(0);
  });
});

describe("kubeship lint on several cores", () => {
  it("gives the same report sharded over worker threads as in one piece", () => {
    const dir = tmp();
    const rendered = (spec: string): string =>
      spawnSync(
        process.execPath,
        [join(ROOT, "bin/kubeship.js"), "render", join(ROOT, `examples/${spec}.kubeship.yaml`)],
        { encoding: "utf8" },
      ).stdout;
    // Two apps in their own namespaces, one file with findings. The shop is split into a first and
    // a last file, so its namespace is read by both workers and documents must move between them.
    // The Namespace of the file with findings is read by the first worker and sets the Pod Security
    // level of the pods in it: it must be linted in the same shard and batch as they are.
    const shop = rendered("shop").split(/^---$/m);
    const half = Math.floor(shop.length / 2);
    writeFileSync(
      join(dir, "a-shop.yaml"),
      `${shop.slice(0, half).join("---")}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n`,
    );
    writeFileSync(join(dir, "m-minitoolstream.yaml"), rendered("minitoolstream"));
    // A cluster-scoped object with a finding: every batch holds it, one reports it.
    writeFileSync(
      join(dir, "c-clusterrole.yaml"),
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules:\n  - apiGroups: ['']\n    resources: [pods]\n    verbz: [get]\n",
    );
    writeFileSync(join(dir, "n-bad.yaml"), BAD.replace("namespace: default", "namespace: other"));
    writeFileSync(join(dir, "z-shop.yaml"), `---${shop.slice(half).join("---")}`);
    const lint = (workers: string, format: string, batch = "1000000") =>
      spawnSync(process.execPath, [join(ROOT, "bin/kubeship.js"), "lint", dir, "--format", format], {
        encoding: "utf8",
        env: { ...process.env, KUBESHIP_LINT_WORKERS: workers, KUBESHIP_LINT_BATCH: batch },
      });
    const one = lint("1", "json");
    const two = lint("2", "json");
    expect(two.stderr).toBe("");
    expect(two.status).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    // Through the CLI's module, without bin/kubeship.js starting workers early: lint starts them.
    const cli = pathToFileURL(join(ROOT, "dist/cli/kubeship.mjs")).href;
    const direct = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { main } = await import(${JSON.stringify(cli)});
         process.exitCode = await main(["lint", ${JSON.stringify(dir)}, "--format", "json"]);`,
      ],
      { encoding: "utf8", env: { ...process.env, KUBESHIP_LINT_WORKERS: "2" } },
    );
    expect(direct.stderr).toBe("");
    expect(direct.stdout).toBe(one.stdout);
    // Node options of the process (V8 ones too) do not keep workers from starting.
    const tuned = spawnSync(
      process.execPath,
      ["--max-old-space-size=2048", join(ROOT, "bin/kubeship.js"), "lint", dir, "--format", "json"],
      { encoding: "utf8", env: { ...process.env, KUBESHIP_LINT_WORKERS: "2" } },
    );
    expect(tuned.stderr).toBe("");
    expect(tuned.stdout).toBe(one.stdout);
    // Every namespace in a batch of its own, and three shards: still the same report.
    expect(lint("2", "json", "1").stdout).toBe(one.stdout);
    expect(lint("3", "json", "1").stdout).toBe(one.stdout);
    const report = JSON.parse(two.stdout) as {
      summary: { objects: number; errors: number };
      findings: { rule: string; message: string }[];
    };
    expect(report.summary.objects).toBe(90 + 36 + 1 + 1 + 1);
    // 6 in n-bad.yaml, and the ClusterRole's unknown field (and missing verbs) once.
    expect(report.summary.errors).toBe(8);
    expect(report.findings.filter((f) => f.message.includes("verbz"))).toHaveLength(1);
    expect(report.findings.map((f) => f.message).join("\n")).toMatch(/restricted/);
    // The text output quotes the offending lines, read back from the files the workers linted.
    const text = lint("2", "text");
    expect(text.stdout).toBe(lint("1", "text").stdout);
    expect(text.stdout).toMatch(/n-bad\.yaml/);
  });

  it("names a file that cannot be read, sharded or not", () => {
    const dir = tmp();
    writeFileSync(join(dir, "a.yaml"), BAD);
    writeFileSync(join(dir, "c.yaml"), BAD.replace("namespace: default", "namespace: other"));
    symlinkSync(join(dir, "gone.yaml"), join(dir, "b.yaml"));
    for (const workers of ["1", "2"]) {
      const r = spawnSync(process.execPath, [join(ROOT, "bin/kubeship.js"), "lint", dir], {
        encoding: "utf8",
        env: { ...process.env, KUBESHIP_LINT_WORKERS: workers },
      });
      expect(r.stderr).toMatch(/b\.yaml: cannot be read \(ENOENT/);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.status).toBe(2);
    }
  });
});

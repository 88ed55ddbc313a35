import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { DoctorReport } from "../../src/deploy/doctor.js";
import { runCli } from "../helpers/cli.js";

const run = (args: string[]) => runCli([...args, "--kubeconfig", inject("kubeconfig")]);

const kubectl = (input: string): void => {
  execFileSync("kubectl", ["--kubeconfig", inject("kubeconfig"), "apply", "-f", "-"], {
    input,
    stdio: ["pipe", "ignore", "pipe"],
  });
};

// Names of their own, so that a cluster kept between runs (KUBESHIP_KEEP_CLUSTER) starts clean for this test.
const run_ = Date.now().toString(36).slice(-5);
const app = `doc-${run_}`;
const ingressClass = `doctor-${run_}`;
const dir = mkdtempSync(join(tmpdir(), "kubeship-doctor-"));
const spec = join(dir, "kubeship.yaml");
writeFileSync(
  spec,
  `app: ${app}
domain: doc.local
ingress: { className: ${ingressClass} }
services:
  web:
    image: nginx:1.27.3
    port: 8080
    route: /
    uses: [db]
    autoscale: { min: 2, max: 4, cpu: 70 }
  greedy:
    image: nginx:1.27.3
    port: 8080
    replicas: 1
    autoscale: false
    resources: { requests: { cpu: "500", memory: 64Mi }, limits: { cpu: "500", memory: 128Mi } }
backing:
  db: { type: postgresql }
`,
);

describe("kubeship doctor against a real control plane", () => {
  it("checks what the app needs of the cluster, and names the fix for each gap", async () => {
    const first = await run(["doctor", spec, "--format", "json"]);
    expect(first.code).toBe(1);
    const report = JSON.parse(first.out) as DoctorReport;
    const check = (name: string) => report.checks.find((c) => c.name === name);
    expect(check("Kubernetes API")).toMatchObject({
      status: "ok",
      detail: expect.stringMatching(/^v1\.34\./) as string,
    });
    // No metrics-server in the test cluster: the autoscaler of `web` could never scale.
    expect(check("metrics-server")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("metrics-server") as string,
    });
    expect(check("IngressClass")).toMatchObject({
      status: "fail",
      detail: `no IngressClass ${ingressClass}: the routes will not be served`,
    });
    expect(check("StorageClass")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("standard") as string,
    });
    // 500 cores for `greedy` is more than the two fake nodes offer together.
    expect(check("nodes")).toMatchObject({ status: "fail" });
    expect(report.unhealthy).toBeUndefined();

    kubectl(
      `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: ${ingressClass}\nspec:\n  controller: example.com/doctor\n`,
    );
    kubectl(
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${app}\n---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: small\n  namespace: ${app}\nspec:\n  hard:\n    requests.cpu: '2'\n    pods: '3'\n`,
    );
    const second = JSON.parse((await run(["doctor", spec, "--format", "json"])).out) as DoctorReport;
    expect(second.checks.find((c) => c.name === "IngressClass")).toMatchObject({ status: "ok" });
    const quota = second.checks.find((c) => c.name === "ResourceQuota");
    expect(quota?.status).toBe("fail");
    expect(quota?.detail).toContain("requests.cpu: needs");
    expect(quota?.detail).toContain("pods: needs 4, 3 left");
    expect(second.checks.find((c) => c.name === "LimitRange")).toMatchObject({ status: "ok" });

    // A LimitRange the API server would turn greedy's pods away with (they are never created).
    const range = `apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: narrow\n  namespace: ${app}\nspec:\n  limits:\n    - type: Container\n      max: { memory: 100Mi }\n`;
    kubectl(range);
    const third = JSON.parse((await run(["doctor", spec, "--format", "json"])).out) as DoctorReport;
    const limits = third.checks.find((c) => c.name === "LimitRange");
    expect(limits?.status).toBe("fail");
    expect(limits?.detail).toContain(
      "Deployment/greedy container greedy limits memory to 128Mi, above the maximum 100Mi",
    );
    // The check says what the admission says: the same pod is refused by the API server.
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\n  namespace: ${app}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27.3\n      resources: { limits: { memory: 128Mi } }\n`;
    expect(() => {
      kubectl(pod);
    }).toThrow(/maximum memory usage per Container is 100Mi/);
    execFileSync("kubectl", [
      "--kubeconfig",
      inject("kubeconfig"),
      "-n",
      app,
      "delete",
      "limitrange",
      "narrow",
    ]);
  });

  it("diagnoses the unhealthy objects of a deployed app with the cause and the fix", async () => {
    // Make room in the quota, then deploy: `greedy` cannot be scheduled anywhere.
    kubectl(
      `apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: small\n  namespace: ${app}\nspec:\n  hard:\n    requests.cpu: '1000'\n    pods: '50'\n`,
    );
    const deploy = await run(["deploy", spec, "--yes", "--timeout", "20s", "--progress", "plain"]);
    expect(deploy.code).toBe(1);
    const text = await run(["doctor", spec]);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(
      new RegExp(`UNHEALTHY \\(${app}\\)\\n {2}Deployment/greedy: .*(Insufficient cpu|unschedulable)`, "i"),
    );
    expect(text.out).toContain("fix: lower its requests in the spec or add nodes");
    expect(text.out).not.toMatch(/StatefulSet\/db:/);
  });
});

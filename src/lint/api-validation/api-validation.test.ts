import { describe, expect, it } from "vitest";
import { apiValidation } from "./index.js";

interface Container {
  name: string;
  image: string;
  ports?: { containerPort: number }[];
  resources?: unknown;
  volumeMounts: { name: string; mountPath: string }[];
  imagePullPolicy?: string;
  livenessProbe?: unknown;
}
interface D {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    selector: unknown;
    strategy?: unknown;
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: Container[]; volumes: Record<string, unknown>[] };
    };
  };
}
const first = (d: D): Container =>
  d.spec.template.spec.containers[0] ?? { name: "", image: "", volumeMounts: [] };

const deployment = (patch: (d: D) => void): string[] => {
  const d: D = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "n", labels: { app: "api" } },
    spec: {
      selector: { matchLabels: { app: "api" } },
      template: {
        metadata: { labels: { app: "api" } },
        spec: {
          containers: [{ name: "api", image: "api:1", volumeMounts: [{ name: "tmp", mountPath: "/tmp" }] }],
          volumes: [{ name: "tmp", emptyDir: {} }],
        },
      },
    },
  };
  patch(d);
  return apiValidation(d as unknown as Record<string, unknown>).map(
    (r) => `${r.path.join(".")}: ${r.message}`,
  );
};

describe("the API server's validation, as lint reproduces it", () => {
  it("accepts a valid Deployment", () => {
    expect(deployment(() => undefined)).toEqual([]);
  });

  it("refuses what the issue's users met at kubectl apply, in the server's words", () => {
    expect(deployment((d) => (d.metadata.name = "Bad_Name"))[0]).toContain(
      'metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
    );
    expect(deployment((d) => (first(d).ports = [{ containerPort: 70000 }]))).toEqual([
      "spec.template.spec.containers.0.ports.0.containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
    ]);
    expect(deployment((d) => (first(d).name = "Web"))[0]).toContain("a lowercase RFC 1123 label");
    expect(
      deployment((d) => (first(d).resources = { requests: { cpu: "2" }, limits: { cpu: "1" } })),
    ).toEqual([
      'spec.template.spec.containers.0.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ]);
    expect(
      deployment((d) => (d.spec.strategy = { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } })),
    ).toEqual([
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
    ]);
    expect(deployment((d) => (first(d).volumeMounts[0] = { name: "nope", mountPath: "/tmp" }))).toEqual([
      'spec.template.spec.containers.0.volumeMounts.0.name: Not found: "nope"',
    ]);
    expect(deployment((d) => (d.metadata.labels.app = "x".repeat(64)))[0]).toContain(
      "must be no more than 63 characters",
    );
    expect(deployment((d) => (d.metadata.labels["bad key"] = "v"))[0]).toContain("name part must consist of");
    expect(deployment((d) => (d.spec.template.metadata.labels = { app: "other" }))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`',
    ]);
    const configMap = apiValidation({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { "bad key": "v" },
    });
    expect(configMap.map((r) => r.message)).toEqual([
      `Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
    ]);
    const cron = apiValidation({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c".repeat(53) },
      spec: {
        schedule: "0 3 * * *",
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "c:1" }] } } },
        },
      },
    });
    expect(cron.map((r) => r.message)).toEqual([
      `Invalid value: "${"c".repeat(53)}": must be no more than 52 characters`,
    ]);
  });

  it("lets the server's defaults stand: empty strings and zero values it fills in are no error", () => {
    expect(deployment((d) => (first(d).imagePullPolicy = ""))).toEqual([]);
    expect(deployment((d) => (d.spec.template.spec.volumes[0] = { name: "tmp" }))).toEqual([]);
    expect(
      deployment(
        (d) =>
          (first(d).livenessProbe = {
            tcpSocket: { port: 80 },
            successThreshold: 0,
          }),
      ),
    ).toEqual([]);
  });

  it("walks a deeply nested object without running out of stack", () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 5000; i++) {
      const next: Record<string, unknown> = {};
      deep["x"] = next;
      deep = next;
    }
    expect(() =>
      apiValidation({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: {}, extra: root }),
    ).not.toThrow();
  });
});

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

  it("reads the user's own keys as keys, not as fields: labels, annotations, data and quantities", () => {
    // A key `protocol` or `type` in a map of the user's is no enum, a quantity no int32: the server
    // accepts all of these (lint refused the first three until the walk left such maps alone).
    const configMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "n" },
      data: { protocol: "http", type: "x", operator: "Some" },
    };
    expect(apiValidation(configMap)).toEqual([]);
    expect(
      deployment((d) => {
        d.spec.template.metadata.labels = { app: "api", protocol: "http" };
        first(d).resources = { limits: { cpu: 3000000000 }, requests: { cpu: 3000000000 } };
      }),
    ).toEqual([]);
    expect(
      apiValidation({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "api", namespace: "n" },
        spec: { selector: { app: "api", protocol: "http" }, ports: [{ port: 80, protocol: "TCP" }] },
      }),
    ).toEqual([]);
    // Fields of the same names outside such maps are still checked, once.
    expect(deployment((d) => (first(d).ports = [{ containerPort: 80, protocol: "http" } as never]))).toEqual([
      'spec.template.spec.containers.0.ports.0.protocol: Unsupported value: "http": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  it("refuses what the differential runs of 2026-12-04 found: file modes, empty lifecycle hooks; takes envFrom names as prefixes", () => {
    const podSpec = (d: D): Record<string, unknown> => d.spec.template.spec;
    expect(
      deployment((d) => {
        podSpec(d)["volumes"] = [
          {
            name: "tmp",
            configMap: { name: "cfg", defaultMode: 65536, items: [{ key: "a", path: "a", mode: -1 }] },
          },
        ];
      }),
    ).toEqual([
      "spec.template.spec.volumes.0.configMap.defaultMode: Invalid value: 65536: must be a number between 0 and 0777 (octal), both inclusive",
      "spec.template.spec.volumes.0.configMap.items.0.mode: Invalid value: -1: must be a number between 0 and 0777 (octal), both inclusive",
    ]);
    expect(
      deployment((d) => {
        podSpec(d)["volumes"] = [{ name: "tmp", secret: { secretName: "s", defaultMode: 0o644 } }];
      }),
    ).toEqual([]);
    expect(
      deployment((d) => ((first(d) as unknown as Record<string, unknown>)["lifecycle"] = { preStop: {} })),
    ).toEqual([
      "spec.template.spec.containers.0.lifecycle.preStop: Required value: must specify a handler type",
    ]);
    expect(
      deployment(
        (d) =>
          ((first(d) as unknown as Record<string, unknown>)["lifecycle"] = {
            preStop: { sleep: { seconds: 5 }, exec: { command: ["true"] } },
          }),
      ),
    ).toEqual([
      "spec.template.spec.containers.0.lifecycle.preStop.sleep: Forbidden: may not specify more than 1 handler type",
    ]);
    // envFrom names are checked as prefixes (a trailing dash passes); a key selector's name is not.
    expect(
      deployment(
        (d) =>
          ((first(d) as unknown as Record<string, unknown>)["envFrom"] = [
            { configMapRef: { name: "trail-" } },
          ]),
      ),
    ).toEqual([]);
    expect(
      deployment(
        (d) =>
          ((first(d) as unknown as Record<string, unknown>)["env"] = [
            { name: "A", valueFrom: { configMapKeyRef: { name: "trail-", key: "a" } } },
          ]),
      )[0],
    ).toContain('configMapKeyRef.name: Invalid value: "trail-": a lowercase RFC 1123 subdomain');
  });

  it("refuses what later differential runs found (each miss becomes a case here)", () => {
    const spec = (d: D): Record<string, unknown> => {
      const podSpec: Record<string, unknown> = d.spec.template.spec;
      return podSpec;
    };
    expect(
      deployment(
        (d) =>
          (spec(d)["topologySpreadConstraints"] = [
            { maxSkew: 0, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" },
          ]),
      ),
    ).toEqual([
      "spec.template.spec.topologySpreadConstraints.0.maxSkew: Invalid value: 0: must be greater than zero",
    ]);
    expect(
      deployment(
        (d) =>
          (spec(d)["affinity"] = {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 65536,
                  podAffinityTerm: { topologyKey: "zone", labelSelector: { matchLabels: { app: "api" } } },
                },
              ],
            },
          }),
      ),
    ).toEqual([
      "spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.weight: Invalid value: 65536: must be in the range 1-100",
    ]);
    const hpa = (metrics: unknown): string[] =>
      apiValidation({
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "h", namespace: "n" },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
          maxReplicas: 3,
          metrics,
        },
      }).map((r) => `${r.path.join(".")}: ${r.message}`);
    expect(hpa([{ type: "Resource" }])).toEqual([
      "spec.metrics.0.resource: Required value: must populate information for the given metric source",
    ]);
    expect(deployment((d) => (d.spec.strategy = { type: "Canary" }))).toEqual([
      'spec.strategy: Unsupported value: "Canary": supported values: "Recreate", "RollingUpdate"',
    ]);
    expect(deployment((d) => (d.spec.strategy = { type: "" }))).toEqual([]);
    expect(
      deployment(
        (d) =>
          (spec(d)["tolerations"] = [
            { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" },
            { key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 30 },
            { operator: "Exists" },
          ]),
      ),
    ).toEqual([
      "spec.template.spec.tolerations.1.effect: Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ]);
    // Accepted with a warning and treated as 1: no refusal.
    expect(deployment((d) => (spec(d)["terminationGracePeriodSeconds"] = -1))).toEqual([]);
    const policy = (cidr: string): string[] =>
      apiValidation({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "p", namespace: "n" },
        spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr, except: ["10.0.0.0/33"] } }] }] },
      }).map((r) => `${r.path.join(".")}: ${r.message}`);
    expect(policy("0.0.0.0/0/x")).toEqual([
      'spec.egress.0.to.0.ipBlock.cidr: Invalid value: "0.0.0.0/0/x": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.egress.0.to.0.ipBlock.except.0: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    expect(policy("2001:db8::/64").length).toBe(1);
    expect(policy("010.0.0.0/8").length).toBe(2);
    for (const ok of ["::/0", "::ffff:10.0.0.1/128", "1:2:3:4:5:6:7:8/128", "fd00::/8"])
      expect(policy(ok).length).toBe(1);
    for (const bad of [
      "fe80::1%eth0/64",
      "1::2::3/64",
      "1:2:3:4:5:6:7:8:9/64",
      "2001:db8::/129",
      "12345::/16",
    ])
      expect(policy(bad).length).toBe(2);
    const ingress = (tls: unknown): string[] =>
      apiValidation({
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "i", namespace: "n" },
        spec: { tls, defaultBackend: { service: { name: "web", port: { number: 80 } } } },
      }).map((r) => `${r.path.join(".")}: ${r.message}`);
    expect(ingress([{ hosts: ["*.example.com"], secretName: "web-tls" }])).toEqual([]);
    expect(ingress([{ hosts: [""], secretName: "sink-tls/x" }]).map((x) => x.split(":")[0])).toEqual([
      "spec.tls.0.hosts.0",
      "spec.tls.0.secretName",
    ]);
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

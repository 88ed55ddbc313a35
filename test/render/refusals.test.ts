import { describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { checkOutput } from "../../src/render/check-output.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { loadApp } from "../../src/app.js";

/** What the API server, a controller or the node would refuse is refused by render, at the spec's line. */
function errors(text: string): { code: string; path: string; message: string; line?: number }[] {
  const r = renderSpec(text, { file: "k.yaml" });
  expect(r.ok).toBe(false);
  return r.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => ({
      code: d.code,
      path: d.path.join("."),
      message: d.message,
      ...(d.position ? { line: d.position.line } : {}),
    }));
}

const svc = (extra = ""): string =>
  `app: demo\nservices:\n  api:\n    image: api:1.0.0\n    port: 8080\n${extra}`;

describe("render refuses what the API server or a controller would refuse", () => {
  it("a request above its limit, where the limit was set", () => {
    expect(errors(svc("    resources: { requests: { cpu: 2 }, limits: { cpu: 1 } }\n"))).toEqual([
      {
        code: "spec/request-above-limit",
        path: "services.api.resources.requests.cpu",
        message: "the cpu request 2 is above its limit 1 (limit from services.api.resources.limits.cpu)",
        line: 6,
      },
    ]);
    expect(
      errors(
        `${svc("    resources: { requests: { memory: 2Gi } }\n")}defaults:\n  resources: { limits: { memory: 1Gi } }\n`,
      )[0],
    ).toMatchObject({ code: "spec/request-above-limit", path: "services.api.resources.requests.memory" });
    expect(
      errors(
        `${svc()}backing:\n  db: { type: postgresql, resources: { requests: { cpu: 3 }, limits: { cpu: 2 } } }\n`,
      ),
    ).toEqual([
      expect.objectContaining({
        code: "spec/request-above-limit",
        path: "backing.db.resources.requests.cpu",
      }),
    ]);
  });

  it("raises a limit nobody set to the request instead", () => {
    const r = renderSpec(svc("    resources: { requests: { cpu: 2 } }\n"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const deploy = r.value.objects.find((o) => o.kind === "Deployment") as unknown as {
      spec: { template: { spec: { containers: { resources: unknown }[] } } };
    };
    expect(deploy.spec.template.spec.containers[0]?.resources).toEqual({
      requests: { cpu: "2", memory: "128Mi" },
      limits: { cpu: "2", memory: "256Mi" },
    });
  });

  it("names over what their kind allows: app 50, CronJob 52, backing 52 (revision label), workload 54", () => {
    expect(errors(svc().replace("app: demo", `app: ${"a".repeat(51)}`))[0]).toMatchObject({
      code: "spec/name-too-long",
      path: "app",
    });
    const cron = (n: number) =>
      `${svc()}jobs:\n  ${"j".repeat(n)}: { image: j:1.0.0, schedule: "0 3 * * *" }\n`;
    expect(renderSpec(cron(52)).ok).toBe(true);
    expect(errors(cron(53))[0]).toMatchObject({ code: "spec/name-too-long" });
    expect(errors(cron(53))[0]?.message).toContain("at most 52");
    const backing = (n: number) => `${svc()}backing:\n  ${"b".repeat(n)}: { type: redis }\n`;
    expect(renderSpec(backing(52)).ok).toBe(true);
    expect(errors(backing(53))[0]).toMatchObject({
      code: "spec/name-too-long",
      path: `backing.${"b".repeat(53)}`,
    });
  });

  it("image references the node cannot pull, and unpinned images", () => {
    for (const image of ["UPPER/Case:1", "a/b:tag with space", "ghcr.io/acme/api:${TAG:-1.4.0}"])
      expect(errors(svc().replace("api:1.0.0", JSON.stringify(image)))[0]).toMatchObject({
        code: "spec/invalid-image",
        path: "services.api.image",
      });
    for (const image of ["a/b:latest", "nginx"])
      expect(errors(svc().replace("api:1.0.0", image))[0]).toMatchObject({ code: "spec/unpinned-image" });
    expect(renderSpec(svc().replace("api:1.0.0", "localhost:5000/a/b@sha256:" + "0".repeat(64))).ok).toBe(
      true,
    );
  });

  it("cron schedules the CronJob controller would refuse", () => {
    for (const schedule of ["61 25 * * *", "0 3 * *", "TZ=UTC 0 3 * * *", "*/0 * * * *", "@fortnightly"])
      expect(errors(`${svc()}jobs:\n  j: { image: j:1.0.0, schedule: "${schedule}" }\n`)[0]).toMatchObject({
        code: "spec/invalid-schedule",
        path: "jobs.j.schedule",
      });
  });

  it("routes that collide or that are not path prefixes", () => {
    const two = `app: demo\ndomain: demo.example.com\nservices:\n  a: { image: a:1.0.0, port: 80, route: /api }\n  b: { image: b:1.0.0, port: 80, route: /api/ }\n`;
    expect(errors(two)).toEqual([
      expect.objectContaining({ code: "spec/duplicate-route", path: "services.b.route", line: 5 }),
    ]);
    for (const route of ["/a b", "/a(.*)", "/a//b", "/a/../b"])
      expect(errors(two.replace("/api/", route))[0]).toMatchObject({ code: "spec/invalid-route" });
  });

  it("topics, buckets, keyspaces and databases that reach an engine", () => {
    const found = errors(`app: demo
backing:
  k: { type: kafka, topics: ["has space", "ok.topic"] }
  m: { type: minio, buckets: [UPPER, "$(MINIO_ROOT_PASSWORD)", ok-bucket] }
  c: { type: cassandra, keyspace: "ks WITH x; DROP KEYSPACE system_auth" }
  my: { type: mysql, database: "a\`b" }
`);
    expect(found.map((d) => d.path).sort()).toEqual([
      "backing.c.keyspace",
      "backing.k.topics.0",
      "backing.m.buckets.0",
      "backing.m.buckets.1",
      "backing.my.database",
    ]);
    expect(new Set(found.map((d) => d.code))).toEqual(new Set(["spec/invalid-identifier"]));
  });

  it("counts beyond int32", () => {
    expect(errors(svc("    replicas: 2147483648\n"))[0]).toMatchObject({
      code: "spec/out-of-range",
      path: "services.api.replicas",
    });
  });

  it("reports spec, model and catalog errors in one round", () => {
    const codes = errors(`app: My_App
services:
  api:
    image: api:1.0.0
    port: 8080
    uses: [mongo]
    autoscale: { min: 5, max: 2 }
    resources: { requests: { cpu: "2" }, limits: { cpu: "1" } }
    bogus: 1
backing:
  mongodb: { type: mongodb }
  cache: { type: redis, version: "6" }
`).map((d) => d.code);
    expect(codes.sort()).toEqual([
      "catalog/unknown-version",
      "spec/autoscale-range",
      "spec/invalid-name",
      "spec/request-above-limit",
      "spec/unknown-field",
      "spec/unknown-reference",
    ]);
  });
});

describe("checkOutput, the last check before output", () => {
  it("names the spec entry of an object whose name or labels the API server would refuse", () => {
    const app = loadApp(svc());
    expect(app.ok).toBe(true);
    if (!app.ok) return;
    const bad: KubeObject = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "x".repeat(53), labels: { "app.kubernetes.io/name": "api", "bad key!": "v" } },
      spec: { template: { metadata: { labels: { v: "y".repeat(64) } } } },
    };
    const d = checkOutput(app.value, [bad]);
    expect(d).toHaveLength(1);
    expect(d[0]?.path).toEqual(["services", "api"]);
    expect(d[0]?.message).toContain("a StatefulSet name must be no more than 52 characters");
    expect(d[0]?.message).toContain("metadata.labels key 'bad key!'");
    expect(d[0]?.message).toContain("pod template labels.v: must be no more than 63 characters");
  });
});

describe("placement: registry credentials, nodes, tolerations, pod annotations", () => {
  it("puts them on the pods of workloads (over defaults) and of backing services", () => {
    const r = renderSpec(`app: demo
defaults:
  imagePullSecrets: [ghcr]
  nodeSelector: { kubernetes.io/os: linux }
services:
  api:
    image: api:1.0.0
    port: 8080
    nodeSelector: { pool: web }
    tolerations: [{ key: dedicated, operator: Equal, value: web, effect: NoSchedule }]
    annotations: { sidecar.istio.io/inject: "false" }
backing:
  db: { type: postgresql, nodeSelector: { pool: db }, imagePullSecrets: [mirror] }
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    type Pod = { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
    const api = (r.value.objects.find((o) => o.kind === "Deployment")?.["spec"] as { template: Pod })
      .template;
    expect(api.spec["imagePullSecrets"]).toEqual([{ name: "ghcr" }]);
    expect(api.spec["nodeSelector"]).toEqual({ "kubernetes.io/os": "linux", pool: "web" });
    expect(api.spec["tolerations"]).toEqual([
      { key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" },
    ]);
    expect(api.metadata.annotations["sidecar.istio.io/inject"]).toBe("false");
    const db = (r.value.objects.find((o) => o.kind === "StatefulSet")?.["spec"] as { template: Pod })
      .template;
    expect(db.spec["nodeSelector"]).toEqual({ pool: "db" });
    expect(db.spec["imagePullSecrets"]).toEqual([{ name: "mirror" }]);
  });

  it("refuses what the API server would", () => {
    const codes = errors(
      svc(`    imagePullSecrets: [Bad_Name]
    nodeSelector: { "bad key!": x }
    annotations: { "a/b/c": x }
    tolerations:
      - { operator: Equal, value: x }
      - { key: k, operator: Exists, value: v }
      - { key: k, tolerationSeconds: 5 }
`),
    ).map((d) => `${d.code} ${d.path}`);
    expect(codes.sort()).toEqual([
      "spec/invalid-annotation services.api.annotations.a/b/c",
      "spec/invalid-label services.api.nodeSelector.bad key!",
      "spec/invalid-name services.api.imagePullSecrets.0",
      "spec/invalid-toleration services.api.tolerations.0",
      "spec/invalid-toleration services.api.tolerations.1",
      "spec/invalid-toleration services.api.tolerations.2",
    ]);
  });
});

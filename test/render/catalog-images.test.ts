import type { IContainer, IPodSpec } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { catalogDoc } from "../../src/report/catalog-doc.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { find } from "../helpers/render.js";

/**
 * One test per finding of the catalog audit (shared/audits/catalog-images.md: the presets against
 * their images' Dockerfiles and entrypoints), each failing on the manifests that had the finding.
 */
function render(backing: string, security = "restricted"): readonly KubeObject[] {
  const r = renderSpec(`app: audit
services:
  api: { image: ghcr.io/acme/api:1.0.0, port: 8080, uses: [${backing.split(":")[0] ?? ""}] }
backing:
  ${backing}
monitoring: { serviceMonitor: true }
security: { podSecurity: ${security} }
`);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value.objects;
}

function pod(objects: readonly KubeObject[], kind: string, name: string): IPodSpec {
  return (find(objects, kind, name)["spec"] as { template: { spec: IPodSpec } }).template.spec;
}

function main(objects: readonly KubeObject[], name: string): IContainer {
  const c = pod(objects, "StatefulSet", name).containers[0];
  if (c === undefined) throw new Error(`no container in ${name}`);
  return c;
}

const probeText = (c: IContainer): string => (c.readinessProbe?.exec?.command ?? []).join(" ");

describe("the presets against their images (catalog audit)", () => {
  it("F1: no pod gets service-link variables (cp-kafka exits on KAFKA_PORT from a Service named kafka)", () => {
    const objects = render("kafka: { type: kafka, uses: [zk] }\n  zk: { type: zookeeper }");
    for (const o of objects.filter((x) => ["StatefulSet", "Job", "Deployment"].includes(x.kind)))
      expect(pod(objects, o.kind, o.metadata.name).enableServiceLinks, o.metadata.name).toBe(false);
  });

  it("F2: Tarantool's entrypoint writes its config and pid into directories its user owns", () => {
    const objects = render("tt: { type: tarantool }");
    const mounts = (main(objects, "tt").volumeMounts ?? []).map((m) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(["/etc/tarantool", "/var/run/tarantool"]));
    const sc = pod(objects, "StatefulSet", "tt").securityContext;
    expect(sc?.fsGroup).toBe(sc?.runAsUser);
  });

  it("F3: under podSecurity baseline, Kafka and Elasticsearch keep their user and fsGroup (a fresh volume is root's)", () => {
    for (const [spec, name] of [
      ["events: { type: kafka }", "events"],
      ["search: { type: elasticsearch }", "search"],
    ] as const) {
      const sc = pod(render(spec, "baseline"), "StatefulSet", name).securityContext;
      expect(sc, name).toMatchObject({ runAsUser: 1000, fsGroup: 1000 });
    }
  });

  it("F4: the RabbitMQ URL names the vhost / (written %2F), not the empty vhost of a bare trailing slash", () => {
    const api = pod(render("bus: { type: rabbitmq }"), "Deployment", "api").containers[0];
    const url = api?.env?.find((e) => e.name === "BUS_URL")?.value ?? "";
    expect(url).toMatch(/:5672\/%2F$/);
    expect(decodeURIComponent(new URL(url.replace(/\$\([A-Z_]+\)/g, "x")).pathname.slice(1))).toBe("/");
  });

  it("R1/C2: ZooKeeper's configuration is copied into the writable /conf; no unused /datalog", () => {
    const objects = render("zk: { type: zookeeper }");
    const init = pod(objects, "StatefulSet", "zk").initContainers?.[0];
    expect(init?.command?.join(" ")).toContain("cp -a /conf/. /conf-rw/");
    expect((main(objects, "zk").volumeMounts ?? []).map((m) => m.mountPath)).not.toContain("/datalog");
  });

  it("R2/R3: Kafka's probe JVM has a small heap, and kafka-exporter runs beside the brokers, not in them", () => {
    const objects = render("events: { type: kafka, replicas: 3 }");
    expect(probeText(main(objects, "events"))).toContain("KAFKA_HEAP_OPTS=-Xmx64m");
    expect(pod(objects, "StatefulSet", "events").containers.map((c) => c.name)).toEqual(["kafka"]);
    expect(pod(objects, "Deployment", "events-exporter").containers[0]?.image).toMatch(/kafka-exporter/);
  });

  it("R4: Cassandra nodes bootstrap one at a time and are ready when nodetool says Up/Normal", () => {
    const objects = render("ledger: { type: cassandra, replicas: 3 }");
    const spec = find(objects, "StatefulSet", "ledger")["spec"] as { podManagementPolicy: string };
    expect(spec.podManagementPolicy).toBe("OrderedReady");
    expect(probeText(main(objects, "ledger"))).toContain("^UN");
  });

  it("R6: apps get least-privilege users, not the superuser; the MySQL exporter is not root", () => {
    const cases: [string, string, string][] = [
      ["db: { type: postgresql }", "DB_USER", "app"],
      ["docs: { type: mongodb }", "DOCS_USER", "app"],
      ["files: { type: minio }", "FILES_ACCESS_KEY", "app"],
    ];
    for (const [spec, name, value] of cases) {
      const api = pod(render(spec), "Deployment", "api").containers[0];
      expect(api?.env?.find((e) => e.name === name)?.value, spec).toContain(value);
    }
    const mysql = pod(render("sql: { type: mysql }"), "StatefulSet", "sql").containers;
    expect(mysql.find((c) => c.name === "exporter")?.args).toContain("--mysqld.username=kubeship_monitor");
  });

  it("R7: MongoDB is ready on the pod's address, not while the entrypoint's first-start mongod runs on 127.0.0.1", () => {
    expect(probeText(main(render("docs: { type: mongodb }"), "docs"))).toContain('--host "$(hostname -i)"');
  });

  it("C3: the MySQL probe passes no password in the environment (MYSQL_PWD is deprecated)", () => {
    const c = main(render("sql: { type: mysql }"), "sql");
    expect(probeText(c)).toContain("mysqladmin ping");
    expect(probeText(c)).not.toContain("MYSQL_PWD");
  });

  it("C5/C6: Elasticsearch is on the patched 8.15; docs/catalog.md shows the metrics monitoring adds", () => {
    expect(main(render("search: { type: elasticsearch }"), "search").image).toBe("elasticsearch:8.15.5");
    const doc = catalogDoc();
    expect(doc).not.toContain("metrics: none (with");
    expect(doc).toContain("sidecar `prometheuscommunity/postgres-exporter:v0.16.0`");
  });
});

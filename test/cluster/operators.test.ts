import { afterAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { runDoctor } from "../../src/deploy/doctor.js";
import { DeployError } from "../../src/deploy/errors.js";
import type { DeployEvent } from "../../src/deploy/events.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { appStatus, destroy } from "../../src/deploy/status.js";
import type { AppModel } from "../../src/model/app-model.js";
import { readRepoFile } from "../helpers/render.js";
import {
  BARMAN_CLOUD_CRDS,
  CLOUDNATIVE_PG_CRDS,
  ECK_CRDS,
  installCrds,
  installCrdTexts,
  RABBITMQ_CRDS,
  strimziFixtureCrds,
} from "./crds.js";
import { deploySpec } from "./deploy-spec.js";
import { OperatorStandIn } from "./operator-stand-in.js";

/**
 * Backing services in mode operator on the local control plane, with the operators' CRDs installed
 * (CloudNativePG 1.30.1, its Barman Cloud plugin 0.15.0, ECK 3.5.0 and the RabbitMQ Cluster
 * Operator 2.20.0 from their Go modules; Strimzi 1.0 as TEST FIXTURE CRDs with its real group,
 * version and kinds). No operator can run here: a TEST STAND-IN writes the status each operator
 * documents, so that the deploy's waits on the operators' readiness, and its failure, are tested.
 */
const kubeconfig = inject("kubeconfig");
const cluster = await Cluster.connect({ kubeconfig });
const APP = "op-ledger";
const SWITCH = "op-switch";
const removers: (() => void)[] = [];

const ledger = readRepoFile("test/fixtures/operators.kubeship.yaml")
  .replace("app: ledger", `app: ${APP}`)
  .replace("namespace: ledger", `namespace: ${APP}`);

const switching = `app: ${SWITCH}
services:
  api:
    image: ghcr.io/example/api:1.0.0
    port: 8080
    health: /healthz
    uses: [orders-db]
backing:
  orders-db: { type: postgresql, database: orders }
environments:
  prod:
    backing:
      orders-db: { mode: operator }
`;

const progress = (events: readonly DeployEvent[]): string[] =>
  events.flatMap((e) => (e.type === "progress" ? [`${e.object} ${e.readiness.message}`] : []));

afterAll(async () => {
  for (const [text, env] of [
    [ledger, "prod"],
    [switching, "prod"],
  ] as const) {
    const r = renderSpec(text, { env });
    if (r.ok) await destroy(cluster, r.value.model, true, () => undefined).catch(() => undefined);
  }
  for (const remove of removers.reverse()) remove();
});

describe("backing services on their operators", () => {
  it("refuses to deploy without the operators' CRDs, naming each operator and how to install it", async () => {
    const failure = await deploySpec(cluster, ledger, () => undefined, 60, { env: "prod" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(DeployError);
    const e = failure as DeployError;
    for (const name of ["CloudNativePG", "Strimzi", "ECK", "RabbitMQ Cluster Operator"])
      expect(e.message).toContain(name);
    expect(e.hint).toContain("cnpg-1.30.1.yaml");
    expect(e.message).toContain("nothing was changed");
    expect(await cluster.get({ apiVersion: "v1", kind: "Namespace", name: APP })).toBeUndefined();
  });

  it("doctor names the missing operators, then finds their CRDs and versions", async () => {
    const before = renderSpec(ledger, { env: "prod" });
    if (!before.ok) throw new Error("renders");
    const missing = await runDoctor(cluster, before.value);
    const cnpg = missing.checks.find((c) => c.name === "CloudNativePG");
    expect(cnpg?.status).toBe("fail");
    expect(cnpg?.detail).toContain("clusters.postgresql.cnpg.io");
    removers.push(
      installCrds(kubeconfig, CLOUDNATIVE_PG_CRDS),
      installCrds(kubeconfig, BARMAN_CLOUD_CRDS),
      installCrds(kubeconfig, ECK_CRDS),
      installCrds(kubeconfig, RABBITMQ_CRDS),
      installCrdTexts(kubeconfig, [strimziFixtureCrds()]),
    );
    const after = await runDoctor(cluster, before.value);
    for (const name of [
      "CloudNativePG",
      "Strimzi",
      "ECK (Elastic Cloud on Kubernetes)",
      "RabbitMQ Cluster Operator",
    ]) {
      const check = after.checks.find((c) => c.name === name);
      // The CRDs are there; no controller runs here, which doctor says.
      expect(check?.status, `${name}: ${check?.detail ?? "no check"}`).toBe("warn");
      expect(check?.detail).toMatch(/CRDs? .* served at v1/);
      expect(check?.detail).toContain("no controller");
    }
  });

  it("waits for each operator's readiness, then makes the topics", async () => {
    const standIn = new OperatorStandIn(kubeconfig, APP);
    const deploying = deploySpec(cluster, ledger, () => undefined, 300, { env: "prod" });
    // Until the operators answer, the deploy waits on their resources (applied, not ready).
    await new Promise((r) => setTimeout(r, 4000));
    const waiting = await cluster.get({
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      name: "ledger-db",
      namespace: APP,
    });
    expect(waiting?.metadata.name).toBe("ledger-db");
    expect(
      await cluster.get({
        apiVersion: "kafka.strimzi.io/v1",
        kind: "KafkaTopic",
        name: "ledger.entries",
        namespace: APP,
      }),
    ).toBeUndefined();
    standIn.start();
    try {
      const { events } = await deploying;
      const seen = progress(events);
      expect(seen.some((p) => p.startsWith("Cluster/ledger-db ") && p.includes("3/3 instances ready"))).toBe(
        true,
      );
      expect(seen.some((p) => p.startsWith("Kafka/events ") && p.endsWith("Ready"))).toBe(true);
      expect(seen.some((p) => p.startsWith("Elasticsearch/search ") && p.includes("health green"))).toBe(
        true,
      );
      expect(
        seen.some((p) => p.startsWith("RabbitmqCluster/jobs-queue ") && p.includes("all replicas ready")),
      ).toBe(true);
      // Topics come after their Kafka is ready; the workloads after every backing they use.
      const order = events.flatMap((e) =>
        e.type === "applied"
          ? [e.object]
          : e.type === "progress" && e.readiness.state === "ready"
            ? [`ready ${e.object}`]
            : [],
      );
      const kafkaReady = order.indexOf("ready Kafka/events");
      expect(kafkaReady).toBeGreaterThan(-1);
      expect(order.findIndex((o) => o.startsWith("KafkaTopic/"))).toBeGreaterThan(kafkaReady);
      expect(order.indexOf("Deployment/api")).toBeGreaterThan(order.indexOf("ready Cluster/ledger-db"));
      for (const name of ["ledger.entries", "audit-log-04bd7792"])
        expect(
          await cluster.get({ apiVersion: "kafka.strimzi.io/v1", kind: "KafkaTopic", name, namespace: APP }),
        ).toBeDefined();
      const status = await appStatus(
        cluster,
        (renderSpec(ledger, { env: "prod" }) as { value: { model: AppModel } }).value.model,
      );
      expect(status.workloads).toContainEqual({
        kind: "Cluster",
        name: "ledger-db",
        ready: 3,
        desired: 3,
        state: "3/3 instances ready, primary ledger-db-1",
      });
      // The backup store's Secret holds the backup user's keys the ObjectStore names.
      const secret = await cluster.get({
        apiVersion: "v1",
        kind: "Secret",
        name: "backups-credentials",
        namespace: APP,
      });
      expect(Object.keys((secret?.["data"] ?? {}) as Record<string, string>).sort()).toEqual([
        "app-password",
        "backup-access-key",
        "backup-secret-key",
        "password",
      ]);
    } finally {
      await standIn.stop();
    }
  });

  it("fails at once when an operator reports a failure, naming the resource and the operator's reason", async () => {
    const standIn = new OperatorStandIn(kubeconfig, APP, new Set(["ledger-db"]));
    standIn.start();
    try {
      // CloudNativePG reports no observed generation: the deploy judges the Cluster by the status the
      // operator last wrote, here its refusal of the definition.
      for (let i = 0; i < 100; i++) {
        const live = await cluster.get({
          apiVersion: "postgresql.cnpg.io/v1",
          kind: "Cluster",
          name: "ledger-db",
          namespace: APP,
        });
        if ((live?.["status"] as { phase?: string } | undefined)?.phase === "Invalid cluster definition")
          break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const failure = await deploySpec(
        cluster,
        ledger.replace("storage: 20Gi", "storage: 30Gi"),
        () => undefined,
        120,
        {
          env: "prod",
        },
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(DeployError);
      expect((failure as Error).message).toContain("Cluster/ledger-db");
      expect((failure as Error).message).toContain("Invalid cluster definition");
    } finally {
      await standIn.stop();
    }
  });

  it("refuses to switch a builtin backing to its operator, until the migration is asked for", async () => {
    await deploySpec(cluster, switching, () => undefined, 240);
    const refused = await deploySpec(cluster, switching, () => undefined, 60, { env: "prod" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(DeployError);
    expect((refused as DeployError).message).toContain("backing 'orders-db' runs as a StatefulSet");
    expect((refused as DeployError).hint).toContain("--migrate-backing orders-db");
    expect(
      await cluster.get({ apiVersion: "apps/v1", kind: "StatefulSet", name: "orders-db", namespace: SWITCH }),
    ).toBeDefined();
    const standIn = new OperatorStandIn(kubeconfig, SWITCH);
    standIn.start();
    try {
      const { events } = await deploySpec(cluster, switching, () => undefined, 240, {
        env: "prod",
        migrateBackings: ["orders-db"],
      });
      expect(events.some((e) => e.type === "pruned" && e.object === "StatefulSet/orders-db")).toBe(true);
      expect(
        await cluster.get({
          apiVersion: "postgresql.cnpg.io/v1",
          kind: "Cluster",
          name: "orders-db",
          namespace: SWITCH,
        }),
      ).toBeDefined();
    } finally {
      await standIn.stop();
    }
  });
});

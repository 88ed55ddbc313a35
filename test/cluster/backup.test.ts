import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { listBackups, runBackup } from "../../src/deploy/backup.js";
import { runRestore } from "../../src/deploy/restore.js";
import { DeployError } from "../../src/deploy/errors.js";
import { Cluster } from "../../src/deploy/kube/cluster.js";
import { destroy } from "../../src/deploy/status.js";
import { installCrds, PROMETHEUS_OPERATOR_CRDS, VELERO_CRDS } from "./crds.js";
import { deploySpec } from "./deploy-spec.js";

/**
 * Scheduled backups on the local control plane: the CronJob, its scripts and NetworkPolicy apply, and
 * `kubeship backup` makes a Job from the CronJob and waits for it. (The control plane runs no
 * containers: its fake nodes run the Job's pod to success; what the scripts do is proven with the
 * real programs in test/data-plane/backup.test.ts.)
 */
const kubeconfig = inject("kubeconfig");
const cluster = await Cluster.connect({ kubeconfig });
const APP = "bk-shop";
const SPEC = `app: ${APP}
services:
  api: { image: ghcr.io/acme/api:1.0.0, port: 8080, health: /healthz, uses: [db, cache], replicas: 2 }
backing:
  db: { type: postgresql, database: orders, backup: { schedule: "0 3 * * *", keep: 7, to: store } }
  cache: { type: redis, backup: { schedule: "@hourly", keep: 24, to: store } }
  store: { type: minio }
security: { networkPolicies: true }
monitoring: { alerts: true }
`;
let removeCrds: (() => void) | undefined;
beforeAll(() => {
  removeCrds = installCrds(kubeconfig, PROMETHEUS_OPERATOR_CRDS);
});

afterAll(async () => {
  const r = renderSpec(SPEC);
  if (r.ok) await destroy(cluster, r.value.model, true, () => undefined).catch(() => undefined);
  removeCrds?.();
});

describe("kubeship backup", () => {
  it("creates a Job from the backup CronJob, owned by it, and waits until it completes", async () => {
    const { app } = await deploySpec(cluster, SPEC, () => undefined, 240);
    const cron = await cluster.get({
      apiVersion: "batch/v1",
      kind: "CronJob",
      name: "db-backup",
      namespace: APP,
    });
    expect((cron?.["spec"] as { schedule?: string } | undefined)?.schedule).toBe("0 3 * * *");
    expect(
      await cluster.get({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        name: "db-backup",
        namespace: APP,
      }),
    ).toBeDefined();
    // The alerts, applied: the backup-age and failure rules of each backing with backups.
    const rule = await cluster.get({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      name: `${APP}-alerts`,
      namespace: APP,
    });
    const alerts = JSON.stringify(rule?.["spec"] ?? {});
    expect(alerts).toContain('"alert":"KubeshipBackupTooOld"');
    expect(alerts).toContain('cronjob=\\"db-backup\\"');
    const run = await runBackup(cluster, app.model, "db", 120, () => new Date("2026-12-03T23:15:00Z"));
    expect(run.job).toBe("db-backup-manual-20261203t231500");
    const job = await cluster.get({ apiVersion: "batch/v1", kind: "Job", name: run.job, namespace: APP });
    expect(job?.metadata.ownerReferences?.[0]).toMatchObject({ kind: "CronJob", name: "db-backup" });
    expect(job?.metadata.annotations?.["cronjob.kubernetes.io/instantiate"]).toBe("manual");
    // `kubeship backups` finds the last successful backup Job; the list is its upload container's
    // termination message, which no container writes here (the data-plane test reads the real one).
    const found = await listBackups(cluster, app.model, "db");
    expect(found.job).toBe(run.job);
    expect(found.asOf).toMatch(/^2\d{3}-/);
  });

  it("restores: stops the users, runs a Job from the restore CronJob, starts them again in order", async () => {
    const r = renderSpec(SPEC);
    if (!r.ok) throw new Error("renders");
    const steps: string[] = [];
    const run = await runRestore(cluster, r.value.model, "db", {
      from: "20261203T030000Z",
      timeoutSeconds: 180,
      report: (s) =>
        steps.push(
          s.type === "scaled"
            ? `scaled ${s.object} ${String(s.replicas)}`
            : s.type === "ready"
              ? `ready ${s.object}`
              : "restored",
        ),
      now: () => new Date("2026-12-03T23:30:00Z"),
    });
    expect(steps).toEqual([
      "scaled Deployment/api 0",
      "restored",
      "scaled Deployment/api 2",
      "ready Deployment/api",
    ]);
    const job = await cluster.get({ apiVersion: "batch/v1", kind: "Job", name: run.job, namespace: APP });
    const init = (
      job?.["spec"] as {
        template: { spec: { initContainers: { env: { name: string; value?: string }[] }[] } };
      }
    ).template.spec.initContainers[0];
    expect(init?.env.find((e) => e.name === "BACKUP_NAME")?.value).toBe("db-20261203T030000Z.dump");
    // Redis loads its data at start: the server stops too, and starts before its users.
    const cacheSteps: string[] = [];
    await runRestore(cluster, r.value.model, "cache", {
      timeoutSeconds: 180,
      report: (s) =>
        cacheSteps.push(
          s.type === "scaled"
            ? `scaled ${s.object} ${String(s.replicas)}`
            : s.type === "ready"
              ? `ready ${s.object}`
              : "restored",
        ),
    });
    expect(cacheSteps).toEqual([
      "scaled Deployment/api 0",
      "scaled StatefulSet/cache 0",
      "restored",
      "scaled StatefulSet/cache 1",
      "ready StatefulSet/cache",
      "scaled Deployment/api 2",
      "ready Deployment/api",
    ]);
  });

  it("applies the Velero Schedule of the namespace into Velero's namespace, with its CRD installed", async () => {
    const remove = installCrds(kubeconfig, VELERO_CRDS);
    try {
      await cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "velero" } }, {});
      const { app } = await deploySpec(
        cluster,
        `${SPEC}backup:\n  velero: { schedule: "0 4 * * *", ttl: 168h }\n`,
        () => undefined,
        240,
      );
      expect(app.objects.some((o) => o.kind === "Schedule")).toBe(true);
      const schedule = await cluster.get({
        apiVersion: "velero.io/v1",
        kind: "Schedule",
        name: APP,
        namespace: "velero",
      });
      expect(schedule?.["spec"]).toMatchObject({
        schedule: "0 4 * * *",
        template: { includedNamespaces: [APP], ttl: "168h", defaultVolumesToFsBackup: true },
      });
    } finally {
      await cluster.delete({ apiVersion: "v1", kind: "Namespace", name: "velero" }).catch(() => undefined);
      remove();
    }
  });

  it("names what is missing: a backing without backups, one the spec does not have", async () => {
    const r = renderSpec(SPEC);
    if (!r.ok) throw new Error("renders");
    await expect(runBackup(cluster, r.value.model, "store", 10)).rejects.toThrow(DeployError);
    await expect(runBackup(cluster, r.value.model, "store", 10)).rejects.toThrow("has no backup");
    await expect(runBackup(cluster, r.value.model, "nope", 10)).rejects.toThrow(
      "the spec has no backing 'nope'",
    );
  });
});

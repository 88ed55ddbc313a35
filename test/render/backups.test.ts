import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { emitStream } from "../../src/emit/yaml.js";
import { renderSpec } from "../../src/app.js";
import { errorCodes, find } from "../helpers/render.js";
import { HELM, parseObjects, run, writeTemp } from "../helpers/tools.js";
import { emitHelmChart } from "../../src/emit/helm/chart.js";
import { lintText } from "../helpers/lint.js";

const SPEC = `app: bk
services:
  api: { image: ghcr.io/acme/api:1.0.0, port: 8080, health: /healthz, uses: [db, cache] }
backing:
  db: { type: postgresql, database: orders, backup: { schedule: "0 3 * * *", keep: 7, to: offsite } }
  cache: { type: redis, backup: { schedule: "0 */6 * * *", keep: 8, to: store } }
  store: { type: minio }
  offsite: { type: external, url: "https://s3.eu-west-1.amazonaws.com/acme-backups/prod", secrets: [OFFSITE_ACCESS_KEY_ID, OFFSITE_SECRET_ACCESS_KEY] }
security: { networkPolicies: true }
monitoring: { serviceMonitor: true, alerts: true }
`;

describe("scheduled backups of builtin backings", () => {
  const r = renderSpec(SPEC);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  const objects = r.value.objects;

  it("runs the engine's own dump in its image, then the upload, one at a time", () => {
    const cron = find(objects, "CronJob", "db-backup")["spec"] as {
      schedule: string;
      concurrencyPolicy: string;
      jobTemplate: {
        spec: {
          template: {
            spec: {
              initContainers: { image: string; env: { name: string }[] }[];
              containers: { image: string; env: { name: string; value?: string }[] }[];
            };
          };
        };
      };
    };
    expect(cron.schedule).toBe("0 3 * * *");
    expect(cron.concurrencyPolicy).toBe("Forbid");
    const pod = cron.jobTemplate.spec.template.spec;
    expect(pod.initContainers[0]?.image).toBe("postgres:16.6");
    expect(pod.containers[0]?.image).toMatch(/^minio\/mc:RELEASE\./);
    const env = Object.fromEntries((pod.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    expect(env["S3_ENDPOINT"]).toBe("https://s3.eu-west-1.amazonaws.com");
    expect(env["S3_PATH"]).toBe("acme-backups/prod/db");
    expect(env["KEEP"]).toBe("7");
    const scripts = find(objects, "ConfigMap", "db-backup")["data"] as Record<string, string>;
    expect(scripts["dump.sh"]).toContain("pg_dump");
    expect(scripts["restore.sh"]).toContain("pg_restore");
  });

  it("lets the backup jobs reach their database and their store only, and the store admit them", () => {
    const policy = find(objects, "NetworkPolicy", "cache-backup")["spec"] as {
      ingress?: unknown[];
      egress: { ports: { port: number }[] }[];
    };
    expect(policy.ingress ?? []).toEqual([]);
    expect(policy.egress.map((e) => e.ports.map((p) => p.port))).toEqual([[6379], [9000]]);
    const offsite = find(objects, "NetworkPolicy", "db-backup")["spec"] as {
      egress: { to: unknown[]; ports: { port: number }[] }[];
    };
    expect(offsite.egress[1]).toEqual({
      to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
      ports: [{ protocol: "TCP", port: 443 }],
    });
    const store = find(objects, "NetworkPolicy", "store")["spec"] as { ingress: { from: unknown[] }[] };
    expect(store.ingress[0]?.from).toContainEqual({
      podSelector: {
        matchLabels: { "app.kubernetes.io/name": "cache-backup", "app.kubernetes.io/instance": "bk" },
      },
    });
  });

  it("alerts when the last good backup is older than twice the schedule, and on a failed one", () => {
    const groups = (
      find(objects, "PrometheusRule", "bk-alerts")["spec"] as {
        groups: { rules: { alert: string; expr: string }[] }[];
      }
    ).groups;
    const rules = groups.flatMap((g) => g.rules).filter((x) => x.alert.startsWith("KubeshipBackup"));
    expect(rules.map((x) => x.alert)).toEqual([
      "KubeshipBackupTooOld",
      "KubeshipBackupFailed",
      "KubeshipBackupTooOld",
      "KubeshipBackupFailed",
    ]);
    expect(rules[0]?.expr).toContain("> 43200"); // every 6 hours: twice is 12 h
    expect(rules[2]?.expr).toContain("> 172800"); // daily: 2 days
  });

  it("renders a suspended restore CronJob: the download, then the engine's restore; Redis's onto its stopped volume", () => {
    const restore = find(objects, "CronJob", "cache-restore");
    expect(restore.metadata.annotations?.["kubeship.io/backup-extension"]).toBe(".rdb");
    const spec = restore["spec"] as {
      suspend: boolean;
      jobTemplate: {
        spec: {
          template: {
            spec: {
              securityContext: { runAsUser: number };
              volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
            };
          };
        };
      };
    };
    expect(spec.suspend).toBe(true);
    const pod = spec.jobTemplate.spec.template.spec;
    expect(pod.volumes.find((v) => v.name === "data")?.persistentVolumeClaim?.claimName).toBe("data-cache-0");
    expect(pod.securityContext.runAsUser).toBe(999);
  });

  it("refuses a restore without --yes when there is no terminal to confirm on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeship-restore-"));
    writeFileSync(join(dir, "kubeship.yaml"), SPEC);
    const run = await runCli(["restore", "db"], dir);
    expect(run.code).toBe(2);
    expect(run.err).toContain("pass --yes to restore");
  });

  it("writes a Velero Schedule of the namespace, volumes included, that a chart points at its release's namespace", async () => {
    const v = renderSpec(
      `${SPEC}backup:\n  velero: { schedule: "0 4 * * *", ttl: 720h, volumes: snapshot, storageLocation: offsite }\n`,
    );
    if (!v.ok) throw new Error(JSON.stringify(v.diagnostics));
    const schedule = find(v.value.objects, "Schedule", "bk");
    expect(schedule.metadata.namespace).toBe("velero");
    expect(schedule["spec"]).toEqual({
      schedule: "0 4 * * *",
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: ["bk"],
        ttl: "720h",
        snapshotVolumes: true,
        storageLocation: "offsite",
      },
    });
    expect((await lintText(emitStream(v.value.objects))).findings).toEqual([]);
    const dir = await writeTemp(emitHelmChart(v.value));
    const rendered = parseObjects(run(HELM, ["template", "x", dir, "--namespace", "elsewhere"]));
    expect(
      (
        rendered.find((o) => o.kind === "Schedule")?.["spec"] as {
          template: { includedNamespaces: string[] };
        }
      ).template.includedNamespaces,
    ).toEqual(["elsewhere"]);
    expect(errorCodes(`${SPEC}backup:\n  velero: { schedule: "0 4 * *" }\n`)).toContain(
      "spec/invalid-schedule backup.velero.schedule",
    );
  });

  it("lints clean at restricted", async () => {
    const report = await lintText(emitStream(objects));
    expect(report.findings).toEqual([]);
  });
});

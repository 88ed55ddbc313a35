import { describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { resolveBackings } from "../../src/catalog/catalog.js";
import { retentionDays, schedulePeriodDays } from "../../src/catalog/backup-target.js";
import { emitHelmChart } from "../../src/emit/helm/chart.js";
import { emitStream } from "../../src/emit/yaml.js";
import { runbook } from "../../src/report/runbook.js";
import { deploySteps } from "../../src/render/deploy-order.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { errorCodes, find, ofKind, readRepoFile, renderFile } from "../helpers/render.js";
import { HELM, keyed, parseObjects, run, writeTemp } from "../helpers/tools.js";
import { lintText } from "../helpers/lint.js";
import { schemaError } from "../helpers/validate.js";

const FIXTURE = "test/fixtures/operators.kubeship.yaml";
const ENVS = ["dev", "prod", "cloud"] as const;

/** Per workload, the names of the variables its main container gets. */
function variables(objects: readonly KubeObject[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of ofKind(objects, "Deployment").filter((o) => ["api", "indexer"].includes(o.metadata.name))) {
    const spec = d["spec"] as { template: { spec: { containers: { env?: { name: string }[] }[] } } };
    out[d.metadata.name] = (spec.template.spec.containers[0]?.env ?? []).map((e) => e.name).sort();
  }
  return out;
}

describe("backing modes: builtin in dev, operators in prod, managed services in the cloud", () => {
  const rendered = Object.fromEntries(ENVS.map((e) => [e, renderFile(FIXTURE, e)]));
  const prod = rendered["prod"];
  if (prod === undefined) throw new Error("renders");

  it("gives every workload the same variables in all three modes", () => {
    const base = variables(renderFile(FIXTURE).objects);
    expect(Object.keys(base).sort()).toEqual(["api", "indexer"]);
    expect(base["api"]).toEqual(
      expect.arrayContaining([
        "LEDGER_DB_READ_URL",
        "EVENTS_BOOTSTRAP_SERVERS",
        "SEARCH_PASSWORD",
        "JOBS_QUEUE_URL",
      ]),
    );
    for (const env of ENVS) expect(variables(rendered[env]?.objects ?? []), env).toEqual(base);
  });

  it("writes each operator's resources in prod and no StatefulSet for them", () => {
    const objects = prod.objects;
    expect(ofKind(objects, "StatefulSet").map((o) => o.metadata.name)).toEqual(["backups"]);
    const cluster = find(objects, "Cluster", "ledger-db")["spec"] as Record<string, unknown>;
    expect(cluster["instances"]).toBe(3);
    expect(cluster["bootstrap"]).toEqual({ initdb: { database: "ledger", owner: "app" } });
    expect(cluster["plugins"]).toEqual([
      {
        name: "barman-cloud.cloudnative-pg.io",
        isWALArchiver: true,
        parameters: { barmanObjectName: "ledger-db-backups" },
      },
    ]);
    const store = find(objects, "ObjectStore", "ledger-db-backups")["spec"] as Record<string, unknown>;
    // 14 daily backups: 14 days of base backups and WAL.
    expect(store["retentionPolicy"]).toBe("14d");
    expect(find(objects, "ScheduledBackup", "ledger-db")["spec"]).toMatchObject({
      schedule: "0 0 3 * * *",
      method: "plugin",
    });
    expect(find(objects, "PodMonitor", "ledger-db")["spec"]).toMatchObject({
      selector: { matchLabels: { "cnpg.io/cluster": "ledger-db" } },
    });
    expect(find(objects, "KafkaNodePool", "events-nodes").metadata.labels?.["strimzi.io/cluster"]).toBe(
      "events",
    );
    const kafka = find(objects, "Kafka", "events")["spec"] as { kafka: { config: Record<string, number> } };
    expect(kafka.kafka.config["min.insync.replicas"]).toBe(2);
    // A topic name that is no DNS name keeps its name in spec.topicName.
    expect(find(objects, "KafkaTopic", "audit-log-04bd7792")["spec"]).toMatchObject({
      topicName: "audit_log",
      replicas: 3,
    });
    expect(find(objects, "Elasticsearch", "search")["spec"]).toMatchObject({
      version: "8.15.5",
      http: { tls: { selfSignedCertificate: { disabled: true } } },
    });
    expect(find(objects, "RabbitmqCluster", "jobs-queue")["spec"]).toMatchObject({
      replicas: 3,
      image: "rabbitmq:4.1.4-management",
    });
  });

  it("makes the MinIO a backup store: the bucket, a user of its own, generated keys the ObjectStore reads", () => {
    const secret = prod.secrets.find((s) => s.name === "backups-credentials");
    expect(secret?.keys).toEqual(["password", "app-password", "backup-access-key", "backup-secret-key"]);
    const files = find(prod.objects, "ConfigMap", "backups-files")["data"] as Record<string, string>;
    expect(files["init.sh"]).toContain('admin user add target "$BACKUP_ACCESS_KEY" "$BACKUP_SECRET_KEY"');
    expect(JSON.parse(files["backup-policy.json"] ?? "{}")).toMatchObject({
      Statement: [{ Resource: ["arn:aws:s3:::backups"] }, {}],
    });
    // Without a backup to it, a MinIO is as before.
    const dev = rendered["dev"];
    expect(dev?.secrets.find((s) => s.name === "backups-credentials")?.keys).toEqual([
      "password",
      "app-password",
    ]);
  });

  it("deploys the store before the database that archives to it, topics once their Kafka is ready", () => {
    const steps = deploySteps(prod.model, prod.objects);
    expect(steps.before.flatMap((w) => w.objects).some((o) => o.kind === "ObjectStore")).toBe(true);
    expect(prod.model.graph.dependenciesOf("ledger-db")).toContain("backups");
    const events = steps.nodes.get("events") ?? [];
    expect(events.map((s) => [s.name, s.objects.map((o) => o.kind).sort()])).toEqual([
      ["events", ["Kafka", "KafkaNodePool"]],
      ["events-init", ["KafkaTopic", "KafkaTopic"]],
    ]);
  });

  it("lets exactly the users, the operator and the peers reach the operators' pods", () => {
    const policy = find(prod.objects, "NetworkPolicy", "ledger-db")["spec"] as {
      podSelector: unknown;
      ingress: { from: unknown[]; ports?: unknown[] }[];
      egress: { to: unknown[]; ports?: unknown[] }[];
    };
    expect(policy.podSelector).toEqual({ matchLabels: { "cnpg.io/cluster": "ledger-db" } });
    expect(policy.ingress[0]).toEqual({
      from: [
        {
          podSelector: {
            matchLabels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "ledger" },
          },
        },
      ],
      ports: [{ protocol: "TCP", port: 5432 }],
    });
    expect(policy.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cnpg-system" } } }],
    });
    expect(policy.egress).toContainEqual({
      to: [
        {
          podSelector: {
            matchLabels: { "kubeship.io/backing": "backups", "app.kubernetes.io/instance": "ledger" },
          },
        },
      ],
      ports: [{ protocol: "TCP", port: 9000 }],
    });
    // The store admits the database's pods by the operator's labels.
    const minio = find(prod.objects, "NetworkPolicy", "backups")["spec"] as {
      ingress: { from: unknown[] }[];
    };
    expect(minio.ingress[0]?.from).toContainEqual({
      podSelector: { matchLabels: { "cnpg.io/cluster": "ledger-db" } },
    });
    const api = find(prod.objects, "NetworkPolicy", "api")["spec"] as { egress: unknown[] };
    expect(api.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { "strimzi.io/cluster": "events" } } }],
      ports: [{ protocol: "TCP", port: 9092 }],
    });
  });

  it.each(ENVS)(
    "lints clean at restricted in %s, every operator resource checked against its schema",
    async (env) => {
      const report = await lintText(emitStream(rendered[env]?.objects ?? []));
      expect(report.findings).toEqual([]);
      expect(report.unvalidated).toBeUndefined();
      for (const o of (rendered[env]?.objects ?? []).filter((x) =>
        /^(kafka\.strimzi\.io|postgresql\.cnpg\.io)\//.test(x.apiVersion),
      ))
        expect(await schemaError(o), `${o.kind}/${o.metadata.name}`).toBeUndefined();
    },
  );

  it("supplies the managed services' credentials at deploy time, under the variables' own names", () => {
    const cloud = rendered["cloud"];
    const secret = cloud?.secrets.find((s) => s.name === "ledger-db-credentials");
    expect(secret).toEqual({
      name: "ledger-db-credentials",
      keys: ["LEDGER_DB_PASSWORD"],
      source: "external",
    });
    const backings = resolveBackings(cloud?.model ?? prod.model);
    expect(backings.get("search")?.exports.map((e) => e.name)).toEqual([
      "SEARCH_HOST",
      "SEARCH_PORT",
      "SEARCH_USER",
      "SEARCH_PASSWORD",
      "SEARCH_URL",
    ]);
    expect(ofKind(cloud?.objects ?? [], "StatefulSet").map((o) => o.metadata.name)).toEqual(["backups"]);
  });

  it("writes a runbook that connects through the operators' pods and says how to change a mode", () => {
    const doc = runbook(prod, FIXTURE);
    expect(doc).toContain("| ledger-db | Cluster on CloudNativePG (postgresql 16) |");
    expect(doc).toContain("exec -it ledger-db-1 -c postgres -- psql -d ledger");
    expect(doc).toContain("## Changing a backing's mode");
    expect(doc).toContain(`kubeship deploy ${FIXTURE} --env prod --migrate-backing ledger-db`);
    expect(doc).toContain("pg_dump -U postgres -Fc ledger > ledger-db.dump");
    const dev = runbook(rendered["dev"] ?? prod, FIXTURE);
    expect(dev).toContain("### ledger-db (postgresql, now mode builtin)");
    expect(dev).toContain("Set `mode: operator` for this environment");
  });

  it("renders a Helm chart of prod that helm lints and templates into the same objects", async () => {
    const dir = await writeTemp(emitHelmChart(prod));
    expect(run(HELM, ["lint", "--strict", dir])).toContain("0 chart(s) failed");
    const objects = parseObjects(run(HELM, ["template", "ledger", dir, "--namespace", "ledger"]))
      .filter((o) => o.kind !== "Secret")
      .map((o) => {
        const labels = { ...(o.metadata.labels ?? {}) };
        delete labels["helm.sh/chart"];
        return { ...o, metadata: { ...o.metadata, labels } };
      });
    expect(keyed(objects)).toEqual(keyed(prod.objects.filter((o) => o.kind !== "Namespace")));
  });
});

describe("backing modes: what the spec refuses", () => {
  const spec = (backing: string, env = "") =>
    `app: shop\nservices:\n  api: { image: api:1.0.0, port: 8080, uses: [db] }\nbacking:\n${backing}\n${env}`;
  it.each([
    ["  db: { type: mysql, mode: operator }", "spec/mode-not-supported backing.db.mode"],
    [
      "  db: { type: external, url: https://x.example.com, mode: operator }",
      "spec/mode-not-supported backing.db.mode",
    ],
    [
      "  db: { type: kafka, mode: operator, uses: [zk] }\n  zk: { type: zookeeper }",
      "spec/mode-not-supported backing.db.uses",
    ],
    ["  db: { type: kafka, mode: operator, version: '3.9' }", "catalog/unknown-version backing.db.version"],
    [
      "  db: { type: cassandra, backup: { schedule: '0 3 * * *', to: s3 } }\n  s3: { type: minio }",
      "spec/backup-not-supported backing.db.backup",
    ],
    [
      "  db: { type: kafka, mode: operator, backup: { schedule: '0 3 * * *', to: s3 } }\n  s3: { type: minio }",
      "spec/backup-not-supported backing.db.backup",
    ],
    [
      "  db: { type: postgresql, mode: operator, backup: { schedule: '0 3 * * *', to: cache } }\n  cache: { type: redis }",
      "spec/bad-reference backing.db.backup.to",
    ],
    [
      "  db: { type: postgresql, mode: operator, backup: { schedule: '0 3 * * *', to: s3 } }\n  s3: { type: external, url: https://s3.example.com/b, secrets: [S3_TOKEN] }",
      "spec/bad-reference backing.db.backup.to",
    ],
    [
      "  db: { type: postgresql, mode: operator, backup: { schedule: '0 25 * * *', to: s3 } }\n  s3: { type: minio }",
      "spec/invalid-schedule backing.db.backup.schedule",
    ],
    [
      "  db: { type: postgresql, mode: operator, backup: { schedule: '0 3 * * *', to: s4 } }\n  s3: { type: minio }",
      "spec/unknown-reference backing.db.backup.to",
    ],
    [
      "  db: { type: postgresql, readUrl: 'postgresql://a@b/c' }",
      "spec/option-not-supported backing.db.readUrl",
    ],
    [
      "  db: { type: postgresql, operator: { namespace: cnpg } }",
      "spec/option-not-supported backing.db.operator",
    ],
    ["  db: { type: postgresql, mode: external }", "spec/missing-field backing.db.url"],
    ["  db: { type: postgresql, mode: external, url: 'not a url' }", "catalog/invalid-url backing.db.url"],
  ])("%s", (backing, code) => {
    expect(errorCodes(spec(backing))).toContain(code);
  });

  it("checks a mode set per environment with what that environment sees", () => {
    const text = spec(
      "  db: { type: postgresql }",
      "environments:\n  prod:\n    backing:\n      db: { mode: operator, backup: { schedule: '@daily', to: nowhere } }\n",
    );
    expect(errorCodes(text)).toContain("spec/unknown-reference backing.db.backup.to");
    const ok = renderSpec(
      spec(
        "  db: { type: postgresql }",
        "environments:\n  prod:\n    backing:\n      db: { mode: operator }\n",
      ),
      { env: "prod" },
    );
    expect(ok.ok).toBe(true);
  });

  it("keeps backups for keep times the schedule's period", () => {
    expect(schedulePeriodDays("0 3 * * *")).toBe(1);
    expect(schedulePeriodDays("@weekly")).toBe(7);
    expect(schedulePeriodDays("0 */6 * * *")).toBe(0.25);
    expect(schedulePeriodDays("30 2 * * 1,4")).toBe(3.5);
    expect(retentionDays("0 */6 * * *", 10)).toBe(3);
    expect(retentionDays("0 3 * * 0", 4)).toBe(28);
    expect(readRepoFile(FIXTURE)).toContain("keep: 14");
  });
});

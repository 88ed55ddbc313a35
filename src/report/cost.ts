import { z } from "zod";
import type { AppModel } from "../model/app-model.js";
import { scaleTargetOf } from "../render/horizontal-pod-autoscaler.js";
import type { KubeObject } from "../render/kube-object.js";
import { type NodeRole, objectsByNode } from "../render/node-objects.js";
import type { Diagnostic } from "../spec/diagnostic.js";
import { recordOf, recordsOf } from "../spec/plain-data.js";
import { quantityValue } from "../spec/quantity.js";
import { parsePositioned } from "../spec/source.js";
import { issuesToDiagnostics } from "../spec/zod-issues.js";

/** What compute and storage cost: per CPU-hour, GiB-hour of memory and GiB-month of volume. */
export interface PriceTable {
  readonly currency: string;
  /** One CPU (core) requested for one hour. */
  readonly cpuHour: number;
  /** One GiB of memory requested for one hour. */
  readonly memoryGiBHour: number;
  /** One GiB of persistent volume for one month (730 hours). */
  readonly storageGiBMonth: number;
  /** Where the prices come from, shown beside the totals. */
  readonly source: string;
}

/**
 * The default prices: on-demand list prices of general-purpose nodes split into their CPU and memory
 * parts (AWS m7i / GCP n2 / Azure Dsv5 in the US, late 2026: about $0.0316 per vCPU-hour and
 * $0.0042 per GiB-hour), and a block-storage SSD volume (gp3 / pd-balanced: about $0.10 per
 * GiB-month). A rough guide for comparing designs, not a bill: replace them with `--prices FILE`.
 */
export const DEFAULT_PRICES: PriceTable = {
  currency: "USD",
  cpuHour: 0.0316,
  memoryGiBHour: 0.0042,
  storageGiBMonth: 0.1,
  source: "kubeship's default (on-demand general-purpose list prices, US regions)",
};

/** Hours in the average month, as cloud price lists count them. */
export const HOURS_PER_MONTH = 730;

const GIB = 2 ** 30;

/** A price file: any of the fields, the rest from the default. */
export const PRICE_FILE_SCHEMA = z
  .object({
    currency: z.string().min(1).max(12).optional(),
    cpuHour: z.number().nonnegative().optional(),
    memoryGiBHour: z.number().nonnegative().optional(),
    storageGiBMonth: z.number().nonnegative().optional(),
  })
  .strict();

/**
 * Reads a price file (YAML or JSON): the fields it gives over the default's, or the problems with
 * file:line:col. `source` names the file.
 */
export function parsePriceFile(
  text: string,
  file: string,
): { prices?: PriceTable; diagnostics: readonly Diagnostic[] } {
  const parsed = parsePositioned(text, file);
  if (parsed.diagnostics.length > 0) return { diagnostics: parsed.diagnostics };
  const data = parsed.data ?? {};
  const result = PRICE_FILE_SCHEMA.safeParse(data);
  if (!result.success)
    return {
      diagnostics: issuesToDiagnostics(result.error.issues, PRICE_FILE_SCHEMA, data).map((d) => ({
        ...d,
        position: parsed.locator.locate(d.path, { key: true }),
      })),
    };
  const given = Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined));
  return { prices: { ...DEFAULT_PRICES, ...given, source: file }, diagnostics: [] };
}

/** A row of the cost table: one workload or backing service. */
export interface CostRow {
  readonly node: string;
  readonly nodeKind: "workload" | "backing";
  /** `always` runs all the time; `per-run` are Jobs and CronJobs, priced per hour they run. */
  readonly runs: "always" | "per-run";
  /** Its pods at the autoscalers' minimum and maximum (equal without an autoscaler). */
  readonly podsMin: number;
  readonly podsMax: number;
  /** Requests of all its pods at the minimum and maximum: cores and GiB. */
  readonly cpuMin: number;
  readonly cpuMax: number;
  readonly memoryGiBMin: number;
  readonly memoryGiBMax: number;
  /** Persistent volumes requested, GiB (every replica's claims, at the maximum: claims stay). */
  readonly storageGiB: number;
  /** Cost per month at the minimum and at the maximum; for `per-run`, per hour of running. */
  readonly min: number;
  readonly max: number;
  /** Containers without a request, which the table cannot price. */
  readonly unpriced: readonly string[];
}

/** The cost of an app in one environment. */
export interface CostReport {
  readonly app: string;
  readonly env?: string;
  readonly prices: PriceTable;
  readonly rows: readonly CostRow[];
  /** Per month, everything that runs all the time, at the autoscalers' minimum and maximum. */
  readonly totalMin: number;
  readonly totalMax: number;
}

const int = (v: unknown, fallback: number): number => (typeof v === "number" ? v : fallback);

/** What one object runs: pods of a size, how many, with which volumes. */
interface Footprint {
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly replicas: number;
  readonly storageGiB: number;
  readonly runs: "always" | "per-run";
  readonly unpriced: readonly string[];
}

/** The requests of a pod spec: its containers and its sidecars (init containers that keep running). */
function podRequests(
  podSpec: Readonly<Record<string, unknown>>,
  where: string,
): { cpu: number; memoryGiB: number; unpriced: string[] } {
  const containers = [
    ...recordsOf(podSpec["containers"]),
    ...recordsOf(podSpec["initContainers"]).filter((c) => c["restartPolicy"] === "Always"),
  ];
  let cpu = 0;
  let memory = 0;
  const unpriced: string[] = [];
  for (const c of containers) {
    const requests = recordOf(recordOf(c["resources"])["requests"]);
    if (requests["cpu"] === undefined || requests["memory"] === undefined)
      unpriced.push(`${where} container ${String(c["name"])}`);
    cpu += quantityValue(requests["cpu"]);
    memory += quantityValue(requests["memory"]);
  }
  return { cpu, memoryGiB: memory / GIB, unpriced };
}

const claimGiB = (claims: unknown): number =>
  recordsOf(claims).reduce(
    (sum, c) =>
      sum + quantityValue(recordOf(recordOf(recordOf(c["spec"])["resources"])["requests"])["storage"]) / GIB,
    0,
  );

/** The pods an object runs, by its kind (operators' resources by their documented fields). */
function footprint(o: KubeObject): Footprint | undefined {
  const spec = recordOf(o["spec"]);
  const where = `${o.kind}/${o.metadata.name}`;
  const requestsOf = (resources: unknown) => {
    const r = recordOf(recordOf(resources)["requests"]);
    const unpriced = r["cpu"] === undefined || r["memory"] === undefined ? [where] : [];
    return { cpu: quantityValue(r["cpu"]), memoryGiB: quantityValue(r["memory"]) / GIB, unpriced };
  };
  switch (o.kind) {
    case "Deployment":
    case "StatefulSet": {
      const replicas = int(spec["replicas"], 1);
      return {
        ...podRequests(recordOf(recordOf(spec["template"])["spec"]), where),
        replicas,
        storageGiB: claimGiB(spec["volumeClaimTemplates"]),
        runs: "always",
      };
    }
    case "Job":
    case "CronJob": {
      // A suspended CronJob (a restore kept ready) never runs on its own.
      if (spec["suspend"] === true) return undefined;
      const job = o.kind === "Job" ? spec : recordOf(recordOf(spec["jobTemplate"])["spec"]);
      return {
        ...podRequests(recordOf(recordOf(job["template"])["spec"]), where),
        replicas: 1,
        storageGiB: 0,
        runs: "per-run",
      };
    }
    // CloudNativePG: `instances` pods of `resources`, each with `storage.size` (and a WAL volume).
    case "Cluster":
      return {
        ...requestsOf(spec["resources"]),
        replicas: int(spec["instances"], 1),
        storageGiB:
          (quantityValue(recordOf(spec["storage"])["size"]) +
            quantityValue(recordOf(spec["walStorage"])["size"])) /
          GIB,
        runs: "always",
      };
    // Strimzi: the node pools run the pods; the Kafka resource itself runs only the entity operator.
    case "KafkaNodePool":
      return {
        ...requestsOf(spec["resources"]),
        replicas: int(spec["replicas"], 1),
        storageGiB:
          recordsOf(recordOf(spec["storage"])["volumes"]).reduce((s, v) => s + quantityValue(v["size"]), 0) /
            GIB +
          quantityValue(recordOf(spec["storage"])["size"]) / GIB,
        runs: "always",
      };
    // ECK: every node set runs `count` pods of its pod template, with its claims.
    case "Elasticsearch": {
      const sets = recordsOf(spec["nodeSets"]);
      const first = sets[0];
      if (first === undefined) return undefined;
      const pods = podRequests(recordOf(recordOf(first["podTemplate"])["spec"]), where);
      return {
        ...pods,
        replicas: sets.reduce((n, s) => n + int(s["count"], 1), 0),
        storageGiB: claimGiB(first["volumeClaimTemplates"]),
        runs: "always",
      };
    }
    case "RabbitmqCluster":
      return {
        ...requestsOf(spec["resources"]),
        replicas: int(spec["replicas"], 1),
        storageGiB: quantityValue(recordOf(spec["persistence"])["storage"]) / GIB,
        runs: "always",
      };
    default:
      return undefined;
  }
}

/** The autoscaler range of each scaled object, by `Kind/name`. */
function autoscaled(objects: readonly KubeObject[]): Map<string, { min: number; max: number }> {
  const out = new Map<string, { min: number; max: number }>();
  for (const o of objects) {
    if (o.kind !== "HorizontalPodAutoscaler") continue;
    const spec = recordOf(o["spec"]);
    out.set(scaleTargetOf(o), {
      min: int(spec["minReplicas"], 1),
      max: int(spec["maxReplicas"], 1),
    });
  }
  return out;
}

const ROLE_RUNS: Readonly<Record<NodeRole, boolean>> = {
  main: true,
  exporter: true,
  init: false,
  backup: false,
  restore: false,
};

/**
 * What each workload and backing service costs per month: the requests of its pods (what the
 * scheduler reserves, and so what the nodes must have) × its replicas, at the autoscaler's minimum
 * and maximum, × the price table, plus its volumes. Jobs and CronJobs (and a backing's init and
 * backup Jobs) are priced per hour they run and left out of the totals. Pure: from rendered objects.
 */
export function costOf(
  model: AppModel,
  objects: readonly KubeObject[],
  prices: PriceTable = DEFAULT_PRICES,
  env?: string,
): CostReport {
  const scaled = autoscaled(objects);
  const rows: CostRow[] = [];
  const hourly = (cpu: number, memoryGiB: number): number =>
    cpu * prices.cpuHour + memoryGiB * prices.memoryGiBHour;
  for (const node of objectsByNode(model, objects)) {
    const t = { podsMin: 0, podsMax: 0, cpuMin: 0, cpuMax: 0, memMin: 0, memMax: 0, storage: 0 };
    let perRun: { cpu: number; mem: number } | undefined;
    const unpriced: string[] = [];
    for (const { object, role } of node.objects) {
      const f = footprint(object);
      if (f === undefined) continue;
      if (f.runs === "per-run" || !ROLE_RUNS[role]) {
        // A workload that is a Job or CronJob is priced per run; a backing's helper Jobs do not count.
        if (node.nodeKind === "workload" && role === "main") {
          perRun = { cpu: (perRun?.cpu ?? 0) + f.cpu, mem: (perRun?.mem ?? 0) + f.memoryGiB };
          unpriced.push(...f.unpriced);
        }
        continue;
      }
      unpriced.push(...f.unpriced);
      const range = scaled.get(`${object.kind}/${object.metadata.name}`) ?? {
        min: f.replicas,
        max: f.replicas,
      };
      t.podsMin += range.min;
      t.podsMax += range.max;
      t.cpuMin += f.cpu * range.min;
      t.cpuMax += f.cpu * range.max;
      t.memMin += f.memoryGiB * range.min;
      t.memMax += f.memoryGiB * range.max;
      t.storage += f.storageGiB * range.max;
    }
    const base = { node: node.node, nodeKind: node.nodeKind, unpriced };
    if (t.podsMax > 0) {
      const month = (cpu: number, mem: number): number =>
        hourly(cpu, mem) * HOURS_PER_MONTH + t.storage * prices.storageGiBMonth;
      rows.push({
        ...base,
        runs: "always",
        podsMin: t.podsMin,
        podsMax: t.podsMax,
        cpuMin: t.cpuMin,
        cpuMax: t.cpuMax,
        memoryGiBMin: t.memMin,
        memoryGiBMax: t.memMax,
        storageGiB: t.storage,
        min: month(t.cpuMin, t.memMin),
        max: month(t.cpuMax, t.memMax),
      });
    } else if (perRun !== undefined)
      rows.push({
        ...base,
        runs: "per-run",
        podsMin: 1,
        podsMax: 1,
        cpuMin: perRun.cpu,
        cpuMax: perRun.cpu,
        memoryGiBMin: perRun.mem,
        memoryGiBMax: perRun.mem,
        storageGiB: 0,
        min: hourly(perRun.cpu, perRun.mem),
        max: hourly(perRun.cpu, perRun.mem),
      });
  }
  const sum = (pick: (r: CostRow) => number): number =>
    rows.filter((r) => r.runs === "always").reduce((s, r) => s + pick(r), 0);
  return {
    app: model.app,
    ...(env === undefined ? {} : { env }),
    prices,
    rows,
    totalMin: sum((r) => r.min),
    totalMax: sum((r) => r.max),
  };
}

/** A unit price as given (up to 6 decimals): $0.0316. */
const unitPrice = (n: number, currency: string): string =>
  `${currency === "USD" ? "$" : `${currency} `}${String(Math.round(n * 1e6) / 1e6)}`;

const money = (n: number, currency: string): string =>
  `${currency === "USD" ? "$" : `${currency} `}${n.toFixed(2)}`;

/** The cost report as a text table. */
export function formatCost(report: CostReport): string {
  const c = report.prices.currency;
  const header = ["NAME", "KIND", "PODS", "CPU", "MEMORY", "STORAGE", "PER MONTH"];
  const range = (lo: string, hi: string): string => (lo === hi ? lo : `${lo}-${hi}`);
  const rows = report.rows.map((r) => [
    r.node,
    r.nodeKind,
    r.runs === "per-run" ? "per run" : range(String(r.podsMin), String(r.podsMax)),
    range(trim(r.cpuMin), trim(r.cpuMax)),
    `${range(trim(r.memoryGiBMin), trim(r.memoryGiBMax))}Gi`,
    r.storageGiB === 0 ? "-" : `${trim(r.storageGiB)}Gi`,
    r.runs === "per-run"
      ? `${unitPrice(r.min, c)}/hour running`
      : r.min === r.max
        ? money(r.min, c)
        : `${money(r.min, c)} - ${money(r.max, c)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const total =
    report.totalMin === report.totalMax
      ? money(report.totalMin, c)
      : `${money(report.totalMin, c)} - ${money(report.totalMax, c)}`;
  const unpriced = report.rows.flatMap((r) => r.unpriced);
  return [
    line(header),
    ...rows.map(line),
    "",
    `TOTAL per month (CPU and memory requests, volumes; autoscalers at min - max): ${total}`,
    `prices: ${unitPrice(report.prices.cpuHour, c)}/CPU-hour, ${unitPrice(report.prices.memoryGiBHour, c)}/GiB-hour, ${unitPrice(report.prices.storageGiBMonth, c)}/GiB-month of volume; ${report.prices.source}`,
    ...(unpriced.length === 0 ? [] : [`without requests (not priced): ${unpriced.join(", ")}`]),
  ].join("\n");
}

/** A number with at most 3 decimals, without trailing zeros. */
function trim(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

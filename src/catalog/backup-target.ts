import type { AppModel, Backing } from "../model/app-model.js";
import { credentialsSecretName, serviceHost } from "./helpers.js";
import type { BackupEgress } from "./operators/types.js";

/** The bucket of a minio backing that backups of the app's other backings go to. */
export const BACKUP_BUCKET = "backups";
/** The keys of a minio backing's credentials Secret that hold its backup user's keys. */
export const BACKUP_KEYS = { accessKey: "backup-access-key", secretKey: "backup-secret-key" } as const;

/** Where a backing's backups go, as an S3 client needs it. */
export interface BackupTarget {
  readonly endpointURL: string;
  /** `s3://bucket/prefix`. */
  readonly destinationPath: string;
  readonly secret: string;
  readonly accessKeyKey: string;
  readonly secretKeyKey: string;
  readonly egress: BackupEgress;
}

/** Whether some backing of the model sends its backups to this minio backing. */
export function isBackupStore(model: AppModel, name: string): boolean {
  return model.backings.some((b) => b.backup?.to === name && b.mode !== "external");
}

/** The bucket and prefix (`bucket/prefix`) of a backing's backups in their store. */
export function backupPath(target: BackupTarget, backing: string): string {
  return `${target.destinationPath.replace(/^s3:\/\//, "").replace(/\/+$/, "")}/${backing}`;
}

/** The name of an external backing's supplied secret that holds the access key id, or the secret key. */
export function s3KeyNames(b: Backing): { accessKey?: string; secretKey?: string } {
  const accessKey = b.secrets.find((k) => /ACCESS_KEY(_ID)?$/.test(k) && !/SECRET/.test(k));
  const secretKey = b.secrets.find((k) => /SECRET(_ACCESS)?_KEY$/.test(k));
  return {
    ...(accessKey === undefined ? {} : { accessKey }),
    ...(secretKey === undefined ? {} : { secretKey }),
  };
}

/**
 * Resolves `backup.to`: a minio backing of the app (its `backups` bucket, under the app's name, with
 * the backup user its init job makes), or an external S3 endpoint whose url's path names the bucket
 * (and a prefix). Undefined when the spec check has already refused the reference.
 */
export function backupTarget(model: AppModel, backing: Backing): BackupTarget | undefined {
  const to = backing.backup?.to;
  const target = model.backings.find((b) => b.name === to);
  if (target === undefined) return undefined;
  if (target.type === "minio" && target.mode === "builtin")
    return {
      endpointURL: `http://${serviceHost(target.name, model)}:9000`,
      destinationPath: `s3://${BACKUP_BUCKET}/${model.app}`,
      secret: credentialsSecretName(target.name),
      accessKeyKey: BACKUP_KEYS.accessKey,
      secretKeyKey: BACKUP_KEYS.secretKey,
      egress: { backing: target.name, port: 9000 },
    };
  if (target.type !== "external" || target.url === undefined || !URL.canParse(target.url)) return undefined;
  const url = new URL(target.url);
  const keys = s3KeyNames(target);
  if (keys.accessKey === undefined || keys.secretKey === undefined) return undefined;
  const path = url.pathname.replace(/^\/+|\/+$/g, "");
  return {
    endpointURL: url.origin,
    destinationPath: `s3://${path}`,
    secret: credentialsSecretName(target.name),
    accessKeyKey: keys.accessKey,
    secretKeyKey: keys.secretKey,
    egress: {
      external: true,
      port: url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port),
    },
  };
}

/**
 * How long a time-based retention (CloudNativePG keeps backups and WAL by age) must be to keep
 * `keep` scheduled backups: `keep` times the schedule's period, in whole days (at least one).
 */
export function retentionDays(schedule: string, keep: number): number {
  return Math.max(1, Math.ceil(keep * schedulePeriodDays(schedule)));
}

const DESCRIPTOR_DAYS: Readonly<Record<string, number>> = {
  "@yearly": 365,
  "@annually": 365,
  "@monthly": 31,
  "@weekly": 7,
  "@daily": 1,
  "@midnight": 1,
  "@hourly": 1 / 24,
};

/** The average time between runs of a (valid) cron schedule, in days. */
export function schedulePeriodDays(schedule: string): number {
  const s = schedule.trim();
  if (s in DESCRIPTOR_DAYS) return DESCRIPTOR_DAYS[s] ?? 1;
  const every = /^@every\s+(.+)$/.exec(s);
  if (every !== null) return durationHours(every[1] ?? "") / 24 || 1;
  const [minute = "*", hour = "*", dom = "*", , dow = "*"] = s.split(/\s+/);
  const perDay = count(minute, 0, 59) * count(hour, 0, 23);
  const days =
    dom !== "*" && dom !== "?"
      ? 31 / count(dom, 1, 31)
      : dow !== "*" && dow !== "?"
        ? 7 / count(dow, 0, 6)
        : 1;
  return days / perDay;
}

/** How many values a cron field takes in [min, max]. */
function count(field: string, min: number, max: number): number {
  let n = 0;
  for (const item of field.split(",")) {
    const [range = "*", step = "1"] = item.split("/");
    const [lo, hi] =
      range === "*" || range === "?"
        ? [min, max]
        : range.includes("-")
          ? range.split("-").map(Number)
          : [Number(range), step === "1" ? Number(range) : max];
    n += Math.floor(((hi ?? max) - (lo ?? min)) / Number(step)) + 1;
  }
  return Math.max(1, Number.isFinite(n) ? n : 1);
}

function durationHours(text: string): number {
  const units: Record<string, number> = { h: 1, m: 1 / 60, s: 1 / 3600, ms: 1 / 3_600_000 };
  let hours = 0;
  for (const [, v, u] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g))
    hours += Number(v) * (units[u ?? "h"] ?? 0);
  return hours;
}

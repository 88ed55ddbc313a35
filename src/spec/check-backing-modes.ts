import { cronProblem } from "./cron.js";
import { error, type Diagnostic } from "./diagnostic.js";
import {
  type AppSpec,
  BUILTIN_BACKUP_TYPES,
  OPERATOR_BACKUP_TYPES,
  OPERATOR_OF,
  type OperatorType,
} from "./schema.js";
import { didYouMean } from "./suggest.js";

const isOperatorType = (t: string): t is OperatorType => t in OPERATOR_OF;

/**
 * The checks of `backing.*.mode`, `operator` and `backup`: which types an operator runs, what each
 * mode takes, and where backups go. Run on the merged spec of each environment, so that a mode set
 * per environment is checked with the fields that environment sees.
 */
export function checkBackingModes(out: Diagnostic[], spec: AppSpec): void {
  const velero = spec.backup?.velero;
  const veleroProblem = velero === undefined ? undefined : cronProblem(velero.schedule);
  if (velero !== undefined && veleroProblem !== undefined)
    out.push(
      error(
        "spec/invalid-schedule",
        ["backup", "velero", "schedule"],
        `'${velero.schedule}' is not a cron schedule: ${veleroProblem}`,
        'use five fields: minute hour day-of-month month day-of-week, e.g. "0 4 * * *"',
      ),
    );
  const backings = spec.backing ?? {};
  for (const [name, b] of Object.entries(backings)) {
    const at = (...path: string[]) => ["backing", name, ...path];
    if (b.type === "external" && b.mode !== undefined && b.mode !== "external")
      out.push(
        error(
          "spec/mode-not-supported",
          at("mode"),
          `a backing of type external runs outside the cluster; mode ${b.mode} does not apply`,
          "remove 'mode', or give the service's own type (postgresql, kafka...) to run it in the cluster",
        ),
      );
    const mode = b.type === "external" ? "external" : (b.mode ?? "builtin");
    if (mode === "operator" && !isOperatorType(b.type))
      out.push(
        error(
          "spec/mode-not-supported",
          at("mode"),
          `kubeship has no operator mode for ${b.type}`,
          `operator mode is there for ${Object.entries(OPERATOR_OF)
            .map(([t, o]) => `${t} (${o})`)
            .join(", ")}; use mode builtin or external`,
        ),
      );
    if (mode === "operator" && b.type === "kafka" && (b.uses ?? []).length > 0)
      out.push(
        error(
          "spec/mode-not-supported",
          at("uses"),
          "Strimzi runs Kafka in KRaft mode only: it does not use a ZooKeeper",
          "remove 'uses' (the operator runs the KRaft controllers itself)",
        ),
      );
    if (mode === "operator" && b.type === "postgresql" && b.sync === true)
      out.push(
        error(
          "spec/option-not-supported",
          at("sync"),
          "'sync' is kubeship's own replication setting; in mode operator CloudNativePG manages replication",
          "remove 'sync' for this environment (CloudNativePG's synchronous replication is set on the Cluster)",
        ),
      );
    if (mode !== "operator" && b.operator !== undefined)
      out.push(
        error(
          "spec/option-not-supported",
          at("operator"),
          "'operator' is read only in mode operator",
          "set mode: operator, or remove 'operator'",
        ),
      );
    if (b.readUrl !== undefined && (mode !== "external" || !["postgresql", "mysql"].includes(b.type)))
      out.push(
        error(
          "spec/option-not-supported",
          at("readUrl"),
          "'readUrl' is read only for a postgresql or mysql backing in mode external",
          "remove it, or set mode: external",
        ),
      );
    if (b.backup !== undefined) checkBackup(out, spec, name, mode, b.type, b.backup);
  }
}

function checkBackup(
  out: Diagnostic[],
  spec: AppSpec,
  name: string,
  mode: string,
  type: string,
  backup: { schedule: string; to: string },
): void {
  const at = (...path: string[]) => ["backing", name, "backup", ...path];
  const supported =
    mode === "operator"
      ? isOperatorType(type) && OPERATOR_BACKUP_TYPES.includes(type)
      : mode === "builtin" && (BUILTIN_BACKUP_TYPES as readonly string[]).includes(type);
  if (!supported)
    out.push(
      error(
        "spec/backup-not-supported",
        at(),
        mode === "external"
          ? "a service outside the cluster is backed up by whoever runs it"
          : mode === "operator"
            ? `backups in mode operator are the operator's own, configured for ${OPERATOR_BACKUP_TYPES.join(", ")}`
            : `kubeship backs up ${BUILTIN_BACKUP_TYPES.join(", ")} (their own dump tools), not ${type}`,
        mode === "external"
          ? "remove 'backup' for this environment"
          : "remove 'backup' and back the volume up with Velero (backup.velero), or use a type kubeship backs up",
      ),
    );
  const problem = cronProblem(backup.schedule);
  if (problem !== undefined)
    out.push(
      error(
        "spec/invalid-schedule",
        at("schedule"),
        `'${backup.schedule}' is not a cron schedule: ${problem}`,
        'use five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *"',
      ),
    );
  const names = Object.keys(spec.backing ?? {});
  const target = spec.backing?.[backup.to];
  if (target === undefined) {
    out.push(
      error(
        "spec/unknown-reference",
        at("to"),
        `unknown backing '${backup.to}'${didYouMean(backup.to, names)}`,
        "name a minio backing, or an external one with the S3 endpoint's url and its key names in secrets",
      ),
    );
    return;
  }
  const targetMode = target.type === "external" ? "external" : (target.mode ?? "builtin");
  const s3 = (target.secrets ?? []).some((k) => /ACCESS_KEY(_ID)?$/.test(k) && !/SECRET/.test(k));
  const s3Secret = (target.secrets ?? []).some((k) => /SECRET(_ACCESS)?_KEY$/.test(k));
  if (target.type === "minio" && targetMode === "builtin") return;
  if (target.type === "external" && /^https?:\/\//.test(target.url ?? "") && s3 && s3Secret) return;
  out.push(
    error(
      "spec/bad-reference",
      at("to"),
      target.type === "external"
        ? `backups go to an S3-compatible endpoint: '${backup.to}' needs an http(s) url and supplied secrets named *_ACCESS_KEY_ID and *_SECRET_ACCESS_KEY`
        : `backups go to a minio backing (mode builtin) or an external S3 endpoint, not a ${target.type}${targetMode === "builtin" ? "" : ` in mode ${targetMode}`}`,
      "e.g. backup-store: { type: external, url: https://s3.eu-west-1.amazonaws.com/my-backups, secrets: [BACKUP_ACCESS_KEY_ID, BACKUP_SECRET_ACCESS_KEY] }",
    ),
  );
}

import type { IEnvVar } from "kubernetes-models/v1";
import type { AppModel, Backing } from "../model/app-model.js";
import { credentialsSecretName, databaseName, env, secretEnv, serviceHost } from "./helpers.js";
import { MONGO_ROOT_USER } from "./mongodb.js";
import { POSTGRES_SUPERUSER } from "./postgresql.js";
import type { BackingRuntime } from "./types.js";

/**
 * How one engine is backed up: a dump by its own client (run in the backing's own image, so that the
 * client matches the server), into `$BACKUP_DIR/<name>-<UTC time><extension>`, whose name the
 * script writes to `$BACKUP_DIR/NAME` for the upload. The restore reads `$BACKUP_DIR/$BACKUP_NAME`.
 */
export interface BackupMethod {
  /** What the backup is, for docs and the runbook. */
  readonly kind: string;
  readonly extension: string;
  /** Shell lines (POSIX sh, `set -eu` before them) that write `$BACKUP_DIR/$FILE`. */
  readonly dump: string;
  /** Shell lines that load `$BACKUP_DIR/$BACKUP_NAME` into the running server. */
  readonly restore: string;
  /** Where the server is and the credentials the tool reads (from the backing's own Secret). */
  readonly env: readonly IEnvVar[];
}

/** The backup method of a builtin backing, or undefined for a type kubeship does not back up. */
export function backupMethod(spec: Backing, b: BackingRuntime, model: AppModel): BackupMethod | undefined {
  const secret = credentialsSecretName(b.group);
  const host = [env("DB_HOST", serviceHost(b.group, model)), env("DB_PORT", String(b.ports[0]?.port ?? 0))];
  switch (b.type) {
    case "postgresql":
      return {
        kind: "pg_dump in the custom format (compressed; one consistent snapshot of the database)",
        extension: ".dump",
        dump: `pg_dump --host "$DB_HOST" --port "$DB_PORT" --username "$DB_USER" --format custom --file "$BACKUP_DIR/$FILE" "$DB_NAME"`,
        // --clean drops what the dump recreates, in one transaction: the database is as it was or as
        // the dump has it, never half.
        restore: `pg_restore --host "$DB_HOST" --port "$DB_PORT" --username "$DB_USER" --dbname "$DB_NAME" --clean --if-exists --single-transaction --exit-on-error "$BACKUP_DIR/$BACKUP_NAME"`,
        env: [
          ...host,
          env("DB_USER", POSTGRES_SUPERUSER),
          env("DB_NAME", databaseName(spec)),
          secretEnv("PGPASSWORD", secret, "superuser-password"),
        ],
      };
    case "mysql":
      return {
        kind: "mysqldump --single-transaction (InnoDB: one consistent snapshot), gzip-compressed SQL",
        extension: ".sql.gz",
        dump: `mysqldump --host "$DB_HOST" --port "$DB_PORT" --user root --single-transaction --routines --triggers --events --databases "$DB_NAME" | gzip > "$BACKUP_DIR/$FILE"`,
        restore: `gunzip -c "$BACKUP_DIR/$BACKUP_NAME" | mysql --host "$DB_HOST" --port "$DB_PORT" --user root`,
        env: [...host, env("DB_NAME", databaseName(spec)), secretEnv("MYSQL_PWD", secret, "root-password")],
      };
    case "mongodb":
      return {
        kind: "mongodump --archive --gzip of the app's database",
        extension: ".archive.gz",
        dump: `mongodump --host "$DB_HOST" --port "$DB_PORT" --username ${MONGO_ROOT_USER} --password "$DB_PASSWORD" --authenticationDatabase admin --db "$DB_NAME" --archive="$BACKUP_DIR/$FILE" --gzip`,
        restore: `mongorestore --host "$DB_HOST" --port "$DB_PORT" --username ${MONGO_ROOT_USER} --password "$DB_PASSWORD" --authenticationDatabase admin --drop --archive="$BACKUP_DIR/$BACKUP_NAME" --gzip`,
        env: [
          ...host,
          env("DB_NAME", databaseName(spec)),
          secretEnv("DB_PASSWORD", secret, "superuser-password"),
        ],
      };
    case "redis":
      return {
        kind: "an RDB snapshot taken over the replication protocol (redis-cli --rdb)",
        extension: ".rdb",
        dump: `redis-cli -h "$DB_HOST" -p "$DB_PORT" --no-auth-warning --rdb "$BACKUP_DIR/$FILE"`,
        // An RDB file is loaded only at start: the restore puts it in place of the server's own while
        // the server is stopped (kubeship restore scales it down and up around it).
        restore: `cp "$BACKUP_DIR/$BACKUP_NAME" "$DATA_DIR/dump.rdb" && rm -rf "$DATA_DIR/appendonlydir"`,
        env: [...host, secretEnv("REDISCLI_AUTH", secret, "password")],
      };
    // Elasticsearch snapshots go to a repository the cluster registers, Cassandra snapshots stay on
    // each node, and the rest hold no data worth a dump of their own: Velero backs their volumes up.
    case "cassandra":
    case "elasticsearch":
    case "kafka":
    case "minio":
    case "nats":
    case "rabbitmq":
    case "tarantool":
    case "zookeeper":
    case "external":
      return undefined;
  }
}

/** The dump script of the backup job's first container: the tool, then the name for the upload. */
export function dumpScript(method: BackupMethod): string {
  return `#!/bin/sh
# kubeship: ${method.kind}.
set -eu
FILE="$BACKUP_NAME_PREFIX-$(date -u +%Y%m%dT%H%M%SZ)${method.extension}"
${method.dump}
test -s "$BACKUP_DIR/$FILE" || { echo "kubeship: the backup $FILE is empty" >&2; exit 1; }
printf '%s' "$FILE" > "$BACKUP_DIR/NAME"
echo "kubeship: wrote $FILE ($(wc -c < "$BACKUP_DIR/$FILE") bytes)"
`;
}

/**
 * The upload script of the backup job's second container (the MinIO client): the dump to
 * `$S3_PATH/`, then every backup beyond the newest `$KEEP` deleted (their names sort by time).
 */
export const UPLOAD_SCRIPT = `#!/bin/sh
# kubeship: upload the backup, then keep the newest $KEEP.
set -eu
mc="mc --config-dir /tmp/.mc"
name=$(cat "$BACKUP_DIR/NAME")
$mc alias set store "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >/dev/null
$mc cp --quiet "$BACKUP_DIR/$name" "store/$S3_PATH/$name"
echo "kubeship: uploaded $S3_PATH/$name"
list=$($mc ls "store/$S3_PATH/" | sed 's/.* //')
count=$(printf '%s\\n' "$list" | grep -c . || true)
excess=$((count - KEEP))
if [ "$excess" -gt 0 ]; then
  printf '%s\\n' "$list" | head -n "$excess" | while read -r old; do
    $mc rm --quiet "store/$S3_PATH/$old"
    echo "kubeship: deleted $S3_PATH/$old (keeping $KEEP)"
  done
fi
# The backups now in the store ("name size time" lines), as the pod's termination message, which
# \`kubeship backups\` reads (the last 3900 bytes: the message holds 4096).
$mc ls "store/$S3_PATH/" | sed -n 's/^\\[\\(.*\\)\\] *\\([^ ]*\\) [^ ]* \\(.*\\)$/\\3 \\2 \\1/p' | tail -c 3900 > "\${TERMINATION_LOG:-/dev/termination-log}" || true
`;

/** The download script of a restore job's first container: the named backup, or the newest. */
export const DOWNLOAD_SCRIPT = `#!/bin/sh
# kubeship: fetch the backup to restore.
set -eu
mc="mc --config-dir /tmp/.mc"
$mc alias set store "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >/dev/null
name="\${BACKUP_NAME:-}"
if [ -z "$name" ]; then name=$($mc ls "store/$S3_PATH/" | sed 's/.* //' | tail -n 1); fi
[ -n "$name" ] || { echo "kubeship: no backup in $S3_PATH" >&2; exit 1; }
$mc cp --quiet "store/$S3_PATH/$name" "$BACKUP_DIR/$name"
printf '%s' "$name" > "$BACKUP_DIR/NAME"
echo "kubeship: fetched $S3_PATH/$name"
`;

/** The restore script of a restore job's second container (the backing's own image). */
export function restoreScript(method: BackupMethod): string {
  return `#!/bin/sh
# kubeship: restore a backup (${method.kind}).
set -eu
BACKUP_NAME=$(cat "$BACKUP_DIR/NAME")
${method.restore}
echo "kubeship: restored $BACKUP_NAME"
`;
}

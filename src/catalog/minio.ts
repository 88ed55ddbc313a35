import {
  credentialsSecretName,
  env,
  envPrefix,
  headlessName,
  probeSet,
  secretEnv,
  serviceHost,
  standardExports,
} from "./helpers.js";
import { BACKUP_BUCKET, BACKUP_KEYS, isBackupStore } from "./backup-target.js";
import type { BackingPreset } from "./types.js";

/** The client the init job runs (the data-plane tests build the same release from its Go module). */
export const MC_IMAGE = "minio/mc:RELEASE.2024-11-21T17-21-54Z";
const ROOT_USER = "kubeship-admin";
/** The access key of the app's own user: buckets only, no administration. */
const APP_ACCESS_KEY = "app";
const FILES = "/opt/kubeship/minio";
/** Distributed MinIO erasure-codes over at least four drives (one a pod here). */
export const MINIO_MIN_DISTRIBUTED = 4;

/**
 * The init job: waits until the server (every pod of a distributed one) answers, creates the buckets,
 * then the app's user with a policy limited to them; safe to re-run (existing buckets stay, the
 * user's key and policy are set again).
 */
const INIT_SCRIPT = `#!/bin/sh
# kubeship: buckets and the app's least-privilege user of a MinIO.
set -eu
mc="mc --config-dir /tmp/.mc"
until $mc alias set target "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1 && $mc ls target >/dev/null 2>&1; do
  echo "waiting for MinIO..."; sleep 5
done
for bucket in $BUCKETS; do $mc mb --ignore-existing "target/$bucket"; done
$mc admin policy create target "$APP_POLICY" "$FILES/app-policy.json"
$mc admin user add target "$APP_ACCESS_KEY" "$APP_SECRET_KEY" >/dev/null
if ! out=$($mc admin policy attach target "$APP_POLICY" --user "$APP_ACCESS_KEY" 2>&1); then
  case "$out" in
    *"already in effect"*) ;;
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
echo "kubeship: user $APP_ACCESS_KEY has policy $APP_POLICY"
`;

/**
 * Added to the init script where other backings back up to this MinIO: the `backups` bucket and a
 * user of its own for them (both keys generated), whose policy reaches that bucket only.
 */
const BACKUP_USER_SCRIPT = `
# kubeship: the backup user, for the backings whose backups go to this MinIO.
$mc mb --ignore-existing "target/$BACKUP_BUCKET"
$mc admin policy create target "$BACKUP_POLICY" "$FILES/backup-policy.json"
$mc admin user add target "$BACKUP_ACCESS_KEY" "$BACKUP_SECRET_KEY" >/dev/null
if ! out=$($mc admin policy attach target "$BACKUP_POLICY" --user "$BACKUP_ACCESS_KEY" 2>&1); then
  case "$out" in
    *"already in effect"*) ;;
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
echo "kubeship: the backup user has policy $BACKUP_POLICY on bucket $BACKUP_BUCKET"
`;

/**
 * The app user's policy: list and read-write objects of the spec's buckets; with no buckets named,
 * every bucket (the app makes its own), still without MinIO administration.
 */
export function appPolicy(buckets: readonly string[]): string {
  const statements =
    buckets.length === 0
      ? [{ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] }]
      : [
          {
            Effect: "Allow",
            Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            Resource: buckets.map((b) => `arn:aws:s3:::${b}`),
          },
          {
            Effect: "Allow",
            Action: [
              "s3:GetObject",
              "s3:PutObject",
              "s3:DeleteObject",
              "s3:AbortMultipartUpload",
              "s3:ListMultipartUploadParts",
            ],
            Resource: buckets.map((b) => `arn:aws:s3:::${b}/*`),
          },
        ];
  return `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`;
}

/**
 * MinIO (S3-compatible object store): single node, or with `replicas: N` (4 to 16) distributed
 * mode, erasure-coded over one drive a pod. An init job creates the buckets and the app's own user.
 */
export const minio: BackingPreset = {
  type: "minio",
  versions: { "2024": "minio/minio:RELEASE.2024-11-07T00-52-20Z" },
  defaultVersion: "2024",
  defaultStorage: "20Gi",
  defaultResources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  maxReplicas: 16,
  replicasProblem: (replicas) =>
    replicas < MINIO_MIN_DISTRIBUTED
      ? `distributed MinIO needs at least ${MINIO_MIN_DISTRIBUTED} pods (one drive each) to erasure-code: use 1 or ${MINIO_MIN_DISTRIBUTED} to 16`
      : undefined,
  summary:
    "MinIO (S3 API), single node or distributed (4 to 16 pods); buckets and a bucket-scoped app user made by a job; built-in metrics",
  build({ backing, model }) {
    const secret = credentialsSecretName(backing.name);
    const port = { name: "s3", port: 9000 };
    const p = envPrefix(backing.name);
    const host = serviceHost(backing.name, model);
    const distributed = backing.replicas > 1;
    // MinIO's own expansion notation: {0...3} names pods 0 to 3 (MinIO, not a shell, expands it).
    const volumes = distributed
      ? `http://${backing.name}-{0...${backing.replicas - 1}}.${headlessName(backing.name)}.${model.namespace}.svc/data`
      : "/data";
    const rootEnv = [env("MINIO_ROOT_USER", ROOT_USER), secretEnv("MINIO_ROOT_PASSWORD", secret, "password")];
    const backups = isBackupStore(model, backing.name);
    return {
      ports: [port, { name: "console", port: 9001 }],
      env: [
        ...rootEnv,
        // Metrics are scraped inside the cluster; the NetworkPolicy limits who reaches the port.
        env("MINIO_PROMETHEUS_AUTH_TYPE", "public"),
      ],
      command: ["minio", "server", volumes, "--address", ":9000", "--console-address", ":9001"],
      ...probeSet(
        { httpGet: { path: "/minio/health/ready", port: "s3" }, timeoutSeconds: 3 },
        { httpGet: { path: "/minio/health/live", port: "s3" }, timeoutSeconds: 3 },
      ),
      dataPath: "/data",
      writablePaths: ["/tmp"],
      readOnlyRootFilesystem: true,
      user: { uid: 1000, gid: 1000, fsGroup: 1000 },
      // The pods of a distributed MinIO must all resolve each other before any is ready.
      publishNotReadyAddresses: distributed,
      parallel: distributed,
      metrics: { port, path: "/minio/v2/metrics/cluster" },
      init: {
        image: MC_IMAGE,
        command: ["sh", `${FILES}/init.sh`],
        env: [
          env("MINIO_URL", `http://${host}:9000`),
          ...rootEnv,
          env("BUCKETS", backing.buckets.join(" ")),
          env("APP_ACCESS_KEY", APP_ACCESS_KEY),
          secretEnv("APP_SECRET_KEY", secret, "app-password"),
          env("APP_POLICY", `kubeship-${backing.name}-app`),
          env("FILES", FILES),
          ...(backups
            ? [
                env("BACKUP_BUCKET", BACKUP_BUCKET),
                secretEnv("BACKUP_ACCESS_KEY", secret, BACKUP_KEYS.accessKey),
                secretEnv("BACKUP_SECRET_KEY", secret, BACKUP_KEYS.secretKey),
                env("BACKUP_POLICY", `kubeship-${backing.name}-backup`),
              ]
            : []),
        ],
        files: {
          mountPath: FILES,
          files: {
            "init.sh": backups ? `${INIT_SCRIPT}${BACKUP_USER_SCRIPT}` : INIT_SCRIPT,
            "app-policy.json": appPolicy(backing.buckets),
            ...(backups ? { "backup-policy.json": appPolicy([BACKUP_BUCKET]) } : {}),
          },
          executable: true,
        },
      },
      secrets: [
        {
          name: secret,
          keys: [
            "password",
            "app-password",
            ...(backups ? [BACKUP_KEYS.accessKey, BACKUP_KEYS.secretKey] : []),
          ],
          source: "generated",
        },
      ],
      exports: standardExports(backing, model, port, (v) => `http://${v.host}:${v.port}`, {
        user: APP_ACCESS_KEY,
        password: { key: "app-password" },
        extra: [
          { name: `${p}_ENDPOINT`, value: `${host}:9000` },
          { name: `${p}_ACCESS_KEY`, value: APP_ACCESS_KEY },
          { name: `${p}_SECRET_KEY`, secret: { name: secret, key: "app-password" } },
        ],
      }),
    };
  },
};

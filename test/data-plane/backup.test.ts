import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { IContainer } from "kubernetes-models/v1";
import { afterAll, describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { postgres15, redis7 } from "../tools/debian.mjs";
import { ensureMc, ensureMinio } from "../tools/go-tools.mjs";
import {
  configMapData,
  containerEnv,
  freePort,
  ownedDir,
  Server,
  userIds,
  waitFor,
  writeFiles,
} from "./processes.js";

/**
 * Backups of builtin backings with the real programs as local processes: PostgreSQL 15 and Redis 7
 * (Debian's), MinIO and its client (the catalog's releases, built from their Go modules). The exact
 * scripts and environment of the rendered objects run: MinIO's init job (its bucket and backup
 * user), each backup CronJob's dump and upload containers, and the restore scripts kubeship ships
 * beside them. What differs on this machine: hosts and ports, directories, and PATH.
 */
const pgBin = postgres15();
const redisBin = redis7();
const minioBin = ensureMinio();
const mcDir = dirname(ensureMc());
const pg = userIds("postgres");
const servers: Server[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop("SIGTERM");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SECRETS = {
  "db-credentials": {
    password: "app-password-1",
    "superuser-password": "super-password-2",
    "replication-password": "replication-password-3",
    "monitoring-password": "monitoring-password-4",
  },
  "cache-credentials": { password: "cache-password-5", "sentinel-password": "sentinel-password-6" },
  "store-credentials": {
    password: "root-password-7",
    "app-password": "app-password-8",
    "backup-access-key": "B4ckupAccessKey0123456789abcdefgh",
    "backup-secret-key": "B4ckupSecretKey0123456789abcdefgh",
  },
};

function render(): readonly KubeObject[] {
  const r = renderSpec(`app: bk
services:
  api: { image: ghcr.io/acme/api:1.0.0, port: 8080, uses: [db, cache, store] }
backing:
  db: { type: postgresql, version: "15", database: orders, backup: { schedule: "0 3 * * *", keep: 2, to: store } }
  cache: { type: redis, backup: { schedule: "0 */6 * * *", keep: 2, to: store } }
  store: { type: minio, buckets: [uploads] }
`);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value.objects;
}

/** The containers of a CronJob's pod template, init containers first. */
function cronContainers(objects: readonly KubeObject[], name: string): IContainer[] {
  const o = objects.find((x) => x.kind === "CronJob" && x.metadata.name === name);
  const pod = (
    o?.["spec"] as
      | {
          jobTemplate: {
            spec: { template: { spec: { initContainers?: IContainer[]; containers: IContainer[] } } };
          };
        }
      | undefined
  )?.jobTemplate.spec.template.spec;
  if (pod === undefined) throw new Error(`no CronJob ${name}`);
  return [...(pod.initContainers ?? []), ...pod.containers];
}

function run(script: string, env: Record<string, string>): string {
  const r = spawnSync("sh", [script], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${script} failed (${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe("backups of builtin backings, with the real servers, client tools and MinIO", () => {
  const objects = render();
  const path = `${pgBin}:${mcDir}:${redisBin}:/usr/bin:/bin`;

  it("dumps, uploads, keeps the newest two, and restores the rows and keys they had", async () => {
    const base = mkdtempSync(join(tmpdir(), "kubeship-backup-"));
    dirs.push(base);
    // MinIO, and its init job: the buckets and the backup user with its policy.
    const minioPort = await freePort();
    const endpoint = `http://127.0.0.1:${minioPort}`;
    const minio = new Server(
      "minio",
      minioBin,
      ["server", join(base, "minio"), "--address", `127.0.0.1:${minioPort}`],
      {
        env: {
          MINIO_ROOT_USER: "kubeship-admin",
          MINIO_ROOT_PASSWORD: SECRETS["store-credentials"].password,
          PATH: path,
          HOME: base,
        },
      },
    );
    servers.push(minio);
    const files = join(base, "store-files");
    writeFiles(files, configMapData(objects, "store-files"), 0o555);
    const initJob = objects.find((o) => o.kind === "Job" && o.metadata.name === "store-init");
    const init = (initJob?.["spec"] as { template: { spec: { containers: IContainer[] } } }).template.spec
      .containers[0];
    if (init === undefined) throw new Error("no init container");
    run(join(files, "init.sh"), {
      ...containerEnv(init, SECRETS, { MINIO_URL: endpoint, FILES: files }),
      PATH: path,
      HOME: base,
    });
    expect(minio.running).toBe(true);

    // PostgreSQL with a password for its superuser, and a table of the app's database.
    const pgPort = await freePort();
    const data = ownedDir("kubeship-pgdata-", pg);
    dirs.push(data);
    const pw = join(data, "..", `pw-${pgPort}`);
    writeFileSync(pw, SECRETS["db-credentials"]["superuser-password"]);
    execFileSync("chown", [`${pg.uid}:${pg.gid}`, pw]);
    execFileSync(
      join(pgBin, "initdb"),
      ["-D", join(data, "pg"), "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pw}`],
      { uid: pg.uid, gid: pg.gid, stdio: "ignore" },
    );
    const postgres = new Server(
      "postgres",
      join(pgBin, "postgres"),
      ["-D", join(data, "pg"), "-p", String(pgPort), "-k", data, "-c", "listen_addresses=127.0.0.1"],
      {
        env: { PATH: path },
        user: pg,
      },
    );
    servers.push(postgres);
    const psql = (q: string, db = "orders") =>
      execFileSync(
        join(pgBin, "psql"),
        ["-h", "127.0.0.1", "-p", String(pgPort), "-U", "postgres", "-d", db, "-tAc", q],
        {
          env: { PGPASSWORD: SECRETS["db-credentials"]["superuser-password"], PATH: path },
          encoding: "utf8",
        },
      ).trim();
    await waitFor("postgres", () => psql("select 1", "postgres") === "1", 30, [postgres]);
    psql("create database orders", "postgres");
    psql(
      "create table items (id int primary key, name text); insert into items select g, 'item ' || g from generate_series(1, 500) g",
    );

    const scripts = (name: string) => {
      const dir = join(base, name);
      writeFiles(dir, configMapData(objects, name), 0o555);
      return dir;
    };
    let lastList = "";
    const backupOnce = (name: string, overrides: Record<string, string>) => {
      const dir = mkdtempSync(join(base, "run-"));
      const [dump, upload] = cronContainers(objects, name);
      if (dump === undefined || upload === undefined) throw new Error("two containers");
      const s = scripts(name);
      const local = {
        BACKUP_DIR: dir,
        S3_ENDPOINT: endpoint,
        TERMINATION_LOG: join(dir, "termination-log"),
        ...overrides,
      };
      run(join(s, "dump.sh"), { ...containerEnv(dump, SECRETS, local), PATH: path, HOME: base });
      const out = run(join(s, "upload.sh"), {
        ...containerEnv(upload, SECRETS, local),
        PATH: path,
        HOME: base,
      });
      lastList = readFileSync(local.TERMINATION_LOG, "utf8");
      return out;
    };
    const mc = (args: string[]) =>
      execFileSync(join(mcDir, "mc"), ["--config-dir", join(base, ".mc"), ...args], { encoding: "utf8" });
    mc(["alias", "set", "root", endpoint, "kubeship-admin", SECRETS["store-credentials"].password]);
    const listed = (prefix: string) =>
      mc(["ls", `root/backups/bk/${prefix}/`])
        .trim()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.split(" ").at(-1) ?? "");

    // Three backups a second apart, keep 2: the first is gone.
    const pgLocal = { DB_HOST: "127.0.0.1", DB_PORT: String(pgPort) };
    const outputs: string[] = [];
    for (let i = 0; i < 3; i++) {
      outputs.push(backupOnce("db-backup", pgLocal));
      await new Promise((r) => setTimeout(r, 1100));
    }
    const kept = listed("db");
    expect(kept).toHaveLength(2);
    // What `kubeship backups` reads: the store's list after the retention, "name size time" a line.
    expect(
      lastList
        .trim()
        .split("\n")
        .map((l) => l.split(" ")[0]),
    ).toEqual(kept);
    expect(lastList).toMatch(/^db-\d{8}T\d{6}Z\.dump \S+B \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
    expect(kept.every((n) => /^db-\d{8}T\d{6}Z\.dump$/.test(n))).toBe(true);
    expect(outputs[2]).toContain("deleted backups/bk/db/");
    // The backup user reaches its bucket only.
    const backupKeys = SECRETS["store-credentials"];
    mc([
      "alias",
      "set",
      "backup",
      endpoint,
      backupKeys["backup-access-key"],
      backupKeys["backup-secret-key"],
    ]);
    expect(
      spawnSync(join(mcDir, "mc"), ["--config-dir", join(base, ".mc"), "ls", "backup/uploads/"]).status,
    ).not.toBe(0);

    // Lose the data, restore the newest backup: every row is back.
    psql("delete from items where id > 10; update items set name = 'changed'");
    const restoreDir = mkdtempSync(join(base, "restore-"));
    const [dump, upload] = cronContainers(objects, "db-backup");
    if (dump === undefined || upload === undefined) throw new Error("two containers");
    const s = scripts("db-backup");
    const local = { BACKUP_DIR: restoreDir, S3_ENDPOINT: endpoint, ...pgLocal };
    run(join(s, "download.sh"), { ...containerEnv(upload, SECRETS, local), PATH: path, HOME: base });
    run(join(s, "restore.sh"), { ...containerEnv(dump, SECRETS, local), PATH: path, HOME: base });
    expect(psql("select count(*), min(name), max(name) from items")).toBe("500|item 1|item 99");

    // Redis: an RDB over the replication protocol, restored by putting it in place while stopped.
    const redisPort = await freePort();
    const redisDir = ownedDir("kubeship-redis-");
    dirs.push(redisDir);
    const startRedis = () => {
      const r = new Server(
        "redis",
        join(redisBin, "redis-server"),
        [
          "--port",
          String(redisPort),
          "--bind",
          "127.0.0.1",
          "--dir",
          redisDir,
          "--requirepass",
          SECRETS["cache-credentials"].password,
        ],
        { env: { PATH: path } },
      );
      servers.push(r);
      return r;
    };
    const cli = (...args: string[]) =>
      execFileSync(join(redisBin, "redis-cli"), ["-p", String(redisPort), "--no-auth-warning", ...args], {
        env: { REDISCLI_AUTH: SECRETS["cache-credentials"].password, PATH: path },
        encoding: "utf8",
      }).trim();
    let redis = startRedis();
    await waitFor("redis", () => cli("ping") === "PONG", 30, [redis]);
    for (let i = 0; i < 100; i++) cli("set", `session:${i}`, `user-${i}`);
    backupOnce("cache-backup", { DB_HOST: "127.0.0.1", DB_PORT: String(redisPort) });
    expect(listed("cache")).toHaveLength(1);
    cli("flushall");
    await redis.stop();
    const cacheRestore = mkdtempSync(join(base, "restore-cache-"));
    const [cdump, cupload] = cronContainers(objects, "cache-backup");
    if (cdump === undefined || cupload === undefined) throw new Error("two containers");
    const cs = scripts("cache-backup");
    const clocal = { BACKUP_DIR: cacheRestore, S3_ENDPOINT: endpoint, DATA_DIR: redisDir };
    run(join(cs, "download.sh"), { ...containerEnv(cupload, SECRETS, clocal), PATH: path, HOME: base });
    run(join(cs, "restore.sh"), { ...containerEnv(cdump, SECRETS, clocal), PATH: path, HOME: base });
    redis = startRedis();
    await waitFor("redis", () => cli("ping") === "PONG", 30, [redis]);
    expect(cli("dbsize")).toBe("100");
    expect(cli("get", "session:42")).toBe("user-42");
  });
});

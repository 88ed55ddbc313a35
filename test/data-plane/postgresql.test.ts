import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { FAILOVER } from "../../src/catalog/postgresql.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { postgres15 } from "../tools/debian.mjs";
import { ROOT } from "../helpers/render.js";
import {
  configMapData,
  containerEnv,
  containerOf,
  freePort,
  ownedDir,
  probe,
  Server,
  userIds,
  waitFor,
  writeFiles,
} from "./processes.js";

/**
 * Replicated PostgreSQL with the real server programs (Debian's PostgreSQL 15), as local processes on
 * 127.0.0.1: the scripts (the roles script the image's entrypoint runs, the replicas' start script),
 * the server arguments, the environment and the probes are taken from the rendered objects and run
 * unchanged. What differs on this machine is given as environment: the data directories, the ports
 * (PGPORT), the primary's address (127.0.0.1 instead of its pod's DNS name), the scripts' directory;
 * and the image's entrypoint is a stand-in doing its documented steps
 * (test/data-plane/postgres-entrypoint.sh).
 */
const bin = postgres15();
const pg = userIds("postgres");
const servers: Server[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function render(sync: boolean): readonly KubeObject[] {
  const r = renderSpec(`app: ai
services:
  gateway: { image: ghcr.io/acme/gateway:1.0.0, port: 8080, uses: [db] }
backing:
  db: { type: postgresql, version: "15", replicas: 3, database: platform${sync ? ", sync: true" : ""} }
`);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value.objects;
}

const SECRETS = {
  "db-credentials": {
    password: "app-password-1",
    "superuser-password": "super-password-2",
    "replication-password": "replication-password-3",
    "monitoring-password": "monitoring-password-4",
  },
};

/** psql as a role with a password, over TCP, like an app. */
function sql(port: number, user: string, password: string, query: string, db = "platform"): string {
  return execFileSync(
    join(bin, "psql"),
    ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", db, "-tAc", query],
    {
      env: { PGPASSWORD: password, PATH: process.env["PATH"] ?? "" },
      encoding: "utf8",
    },
  ).trim();
}

/** A primary and two replicas from the rendered objects; returns their ports and a restart of replica 1. */
async function cluster(objects: readonly KubeObject[]) {
  const base = ownedDir("kubeship-pg-", pg);
  dirs.push(base);
  const scripts = join(base, "scripts");
  writeFiles(scripts, configMapData(objects, "db-files"), 0o555, pg);
  chownSync(scripts, pg.uid, pg.gid);
  const stand = join(base, "bin");
  writeFiles(stand, {}, 0o555, pg);
  copyFileSync(join(ROOT, "test/data-plane/postgres-entrypoint.sh"), join(stand, "docker-entrypoint.sh"));
  chownSync(stand, pg.uid, pg.gid);
  const path = `${stand}:${bin}:/usr/bin:/bin`;
  const primary = containerOf(objects, "StatefulSet", "db", "postgresql");
  const replica = containerOf(objects, "StatefulSet", "db-read", "postgresql");
  const ports = { primary: await freePort(), replicas: [await freePort(), await freePort()] };
  const local = (port: number, data: string): Record<string, string> => ({
    PGDATA: join(base, data),
    PGPORT: String(port),
    PATH: path,
    KUBESHIP_INITDB_DIR: scripts,
  });
  const primaryEnv = containerEnv(primary, SECRETS, local(ports.primary, "primary"));
  const start = (name: string, c: typeof primary, env: Record<string, string>): Server => {
    // The rendered command (the replicas' script) or the image's entrypoint with the rendered args.
    const [cmd = "docker-entrypoint.sh", ...rest] = [
      ...(c.command ?? ["docker-entrypoint.sh"]).map((x) =>
        x.replace("/docker-entrypoint-initdb.d", scripts),
      ),
      ...(c.args ?? []),
    ];
    const s = new Server(name, cmd === "docker-entrypoint.sh" ? join(stand, cmd) : cmd, rest, {
      env,
      user: pg,
      cwd: base,
    });
    servers.push(s);
    return s;
  };
  const ready = (c: typeof primary, env: Record<string, string>): boolean =>
    probe(c.readinessProbe?.exec?.command ?? [], env, pg);
  const p = start("primary", primary, primaryEnv);
  await waitFor("the primary is ready (its readiness probe)", () => ready(primary, primaryEnv), 90, [p]);
  const replicaEnv = (i: number): Record<string, string> =>
    containerEnv(replica, SECRETS, {
      ...local(ports.replicas[i] ?? 0, `replica-${i}`),
      PRIMARY_HOST: "127.0.0.1",
      PRIMARY_PORT: String(ports.primary),
    });
  const replicas = [0, 1].map((i) => start(`replica-${i}`, replica, replicaEnv(i)));
  for (const [i, r] of replicas.entries())
    await waitFor(`replica ${i} streams (its readiness probe)`, () => ready(replica, replicaEnv(i)), 120, [
      p,
      r,
    ]);
  return {
    ports,
    primary: p,
    replicas,
    replicaEnv,
    restartReplica: async (i: number): Promise<Server> => {
      await replicas[i]?.stop();
      const again = start(`replica-${i}-again`, replica, replicaEnv(i));
      await waitFor(`replica ${i} streams again`, () => ready(replica, replicaEnv(i)), 60, [again]);
      return again;
    },
  };
}

describe("replicated PostgreSQL, with the real server programs", () => {
  it("copies the primary to each replica, streams writes to them, and resumes after a restart without a new copy", async () => {
    const c = await cluster(render(false));
    const app = SECRETS["db-credentials"].password;
    sql(c.ports.primary, "app", app, "CREATE TABLE orders (id int PRIMARY KEY, item text)");
    sql(c.ports.primary, "app", app, "INSERT INTO orders VALUES (1, 'first')");
    for (const port of c.ports.replicas)
      await waitFor(
        "the row is on the replica",
        () => sql(port, "app", app, "SELECT item FROM orders WHERE id = 1") === "first",
        30,
      );
    // Replicas are read-only.
    expect(() => sql(c.ports.replicas[0] ?? 0, "app", app, "INSERT INTO orders VALUES (2, 'x')")).toThrow(
      /read-only/,
    );
    // A replica that restarts follows again, from its own data: no second base backup.
    const again = await c.restartReplica(0);
    sql(c.ports.primary, "app", app, "INSERT INTO orders VALUES (3, 'after restart')");
    await waitFor(
      "the new row is on the restarted replica",
      () =>
        sql(c.ports.replicas[0] ?? 0, "app", app, "SELECT item FROM orders WHERE id = 3") === "after restart",
      30,
    );
    expect(again.log()).not.toMatch(/pg_basebackup|waiting for the primary/);
    expect(again.log()).toMatch(/started streaming WAL/);
    // The primary reports both replicas, asynchronous.
    const states = sql(
      c.ports.primary,
      "postgres",
      SECRETS["db-credentials"]["superuser-password"],
      "SELECT sync_state FROM pg_stat_replication ORDER BY 1",
      "postgres",
    );
    expect(states.split("\n")).toEqual(["async", "async"]);
  });

  it("hands apps a role that owns its database and is no superuser; replication and monitoring roles do only that", async () => {
    const c = await cluster(render(false));
    const s = SECRETS["db-credentials"];
    const superuser = (role: string): string =>
      sql(
        c.ports.primary,
        "postgres",
        s["superuser-password"],
        `SELECT rolsuper FROM pg_roles WHERE rolname = '${role}'`,
        "postgres",
      );
    expect(superuser("app")).toBe("f");
    expect(superuser("replicator")).toBe("f");
    expect(superuser("kubeship_monitor")).toBe("f");
    expect(sql(c.ports.primary, "app", s.password, "SELECT current_user")).toBe("app");
    sql(c.ports.primary, "app", s.password, "CREATE TABLE mine (x int)");
    expect(() => sql(c.ports.primary, "app", s.password, "CREATE DATABASE other")).toThrow(
      /permission denied/,
    );
    expect(() =>
      sql(c.ports.primary, "kubeship_monitor", s["monitoring-password"], "SELECT * FROM mine"),
    ).toThrow(/permission denied/);
    expect(
      sql(
        c.ports.primary,
        "kubeship_monitor",
        s["monitoring-password"],
        "SELECT count(*) FROM pg_stat_replication",
      ),
    ).toBe("2");
  });

  it("fails over by the runbook's commands: the replica with the most WAL is promoted, the other follows it", async () => {
    const c = await cluster(render(false));
    const s = SECRETS["db-credentials"];
    sql(c.ports.primary, "app", s.password, "CREATE TABLE events (id int PRIMARY KEY, what text)");
    sql(c.ports.primary, "app", s.password, "INSERT INTO events VALUES (1, 'before')");
    for (const port of c.ports.replicas)
      await waitFor(
        "the row is on each replica",
        () => sql(port, "app", s.password, "SELECT count(*) FROM events") === "1",
        30,
      );
    // The primary's node is lost.
    await c.primary.stop("SIGKILL");
    // In a replica's container, with its environment, as `kubectl exec ... sh -c` runs them.
    const inReplica = (i: number, command: string): string => {
      const r = spawnSync("sh", ["-c", command], {
        env: c.replicaEnv(i),
        uid: pg.uid,
        gid: pg.gid,
        encoding: "utf8",
        timeout: 90_000,
      });
      if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
      return r.stdout.trim();
    };
    expect(inReplica(0, FAILOVER.receivedLsn)).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(inReplica(1, FAILOVER.receivedLsn)).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(inReplica(0, FAILOVER.promote)).toBe("t");
    // The promoted replica takes writes (through the Service, which the runbook points at it).
    const promoted = c.ports.replicas[0] ?? 0;
    sql(promoted, "app", s.password, "INSERT INTO events VALUES (2, 'after failover')");
    // The other replica follows the new primary: the host and port of its pod, here 127.0.0.1.
    inReplica(1, FAILOVER.follow("127.0.0.1", promoted, "db-read-1"));
    await waitFor(
      "the other replica streams the new primary's writes",
      () =>
        sql(c.ports.replicas[1] ?? 0, "app", s.password, "SELECT what FROM events WHERE id = 2") ===
        "after failover",
      60,
      c.replicas,
    );
    expect(
      sql(
        promoted,
        "postgres",
        s["superuser-password"],
        "SELECT application_name, state FROM pg_stat_replication",
        "postgres",
      ),
    ).toBe("db-read-1|streaming");
    // The replication password stayed in the environment: nothing in the commands holds it.
    expect(FAILOVER.follow("h", 1, "n")).not.toContain(s["replication-password"]);
  });

  it("with sync: true, one replica confirms every commit", async () => {
    const c = await cluster(render(true));
    const s = SECRETS["db-credentials"];
    // Each replica becomes a candidate once it has caught up.
    await waitFor(
      "both replicas are quorum candidates",
      () =>
        sql(
          c.ports.primary,
          "postgres",
          s["superuser-password"],
          "SELECT sync_state FROM pg_stat_replication ORDER BY 1",
          "postgres",
        ) === "quorum\nquorum",
      30,
    );
    sql(c.ports.primary, "app", s.password, "CREATE TABLE t (x int)");
    // With both replicas stopped, a commit waits; it completes once one replica is back.
    for (const r of c.replicas) await r.stop();
    const insert = new Server(
      "insert",
      join(bin, "psql"),
      [
        "-h",
        "127.0.0.1",
        "-p",
        String(c.ports.primary),
        "-U",
        "app",
        "-d",
        "platform",
        "-c",
        "INSERT INTO t VALUES (1)",
      ],
      { env: { PGPASSWORD: s.password, PATH: process.env["PATH"] ?? "" } },
    );
    servers.push(insert);
    await new Promise((r) => setTimeout(r, 3000));
    expect(insert.running).toBe(true);
    await c.restartReplica(1);
    await waitFor("the commit completes once a replica confirms it", () => !insert.running, 30, [insert]);
    expect(insert.log()).toMatch(/INSERT 0 1/);
  });
});

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { redis7 } from "../tools/debian.mjs";
import {
  configMapData,
  containerEnv,
  containerOf,
  ownedDir,
  probe,
  Server,
  waitFor,
  writeFiles,
} from "./processes.js";

/**
 * Redis with Sentinel, with the real programs (Debian's Redis 7.0) as local processes: three Redis and
 * three Sentinels running the start scripts, configuration and probes of the rendered objects. Each
 * process has its own loopback address (127.0.0.x) and the ports of the manifests (6379, 26379), so
 * that hostnames and ports are used exactly as in the cluster; what differs on this machine is given
 * as environment: those addresses instead of the pods' DNS names, and the directories.
 */
const bin = redis7();
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

const PASSWORDS = {
  "cache-credentials": { password: "redis-pass-1", "sentinel-password": "sentinel-pass-2" },
};
const REDIS = ["127.0.0.101", "127.0.0.102", "127.0.0.103"];
const SENTINEL_IPS = ["127.0.0.111", "127.0.0.112", "127.0.0.113"];

function cli(host: string, port: number, password: string, ...args: string[]): string {
  return execFileSync(
    join(bin, "redis-cli"),
    ["--no-auth-warning", "-h", host, "-p", String(port), ...args],
    {
      env: { REDISCLI_AUTH: password },
      encoding: "utf8",
      timeout: 5000,
    },
  ).trim();
}

describe("Redis with Sentinel, with the real server programs", () => {
  it("replicates from the master, and when the master stops the Sentinels promote a replica that a Sentinel-aware client finds", async () => {
    const r = renderSpec(`app: ai
services:
  gateway: { image: ghcr.io/acme/gateway:1.0.0, port: 8080, uses: [cache] }
backing:
  cache: { type: redis, replicas: 3 }
`);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const objects = r.value.objects;
    const base = ownedDir("kubeship-redis-");
    const scripts = join(base, "scripts");
    writeFiles(scripts, configMapData(objects, "cache-files"), 0o555);
    const redisC = containerOf(objects, "StatefulSet", "cache", "redis");
    const sentinelC = containerOf(objects, "StatefulSet", "cache-sentinel", "redis");
    // What a Sentinel-aware client reads: the exports of the workload.
    const gateway = containerOf(objects, "Deployment", "gateway");
    const exported = containerEnv(gateway, PASSWORDS);
    expect(exported["CACHE_SENTINEL_MASTER"]).toBe("cache");
    expect(exported["CACHE_SENTINEL_HOSTS"]?.split(",")).toHaveLength(3);
    const sentinels = SENTINEL_IPS.map((ip) => `${ip}:26379`).join(" ");
    const local = (ip: string, name: string): Record<string, string> => ({
      ANNOUNCE: ip,
      BIND_ADDRESS: ip,
      FIRST_MASTER: REDIS[0] ?? "",
      SENTINELS: sentinels,
      DATA_DIR: ownedDir(`kubeship-redis-${name}-`),
      CONF_DIR: ownedDir(`kubeship-redis-${name}-conf-`),
      PATH: `${bin}:/usr/bin:/bin`,
    });
    const envs = new Map<string, Record<string, string>>();
    const start = (name: string, c: typeof redisC, ip: string): Server => {
      const env = envs.get(name) ?? containerEnv(c, PASSWORDS, local(ip, name));
      envs.set(name, env);
      const [cmd = "", ...args] = (c.command ?? []).map((x) => x.replace("/opt/kubeship", scripts));
      const s = new Server(name, cmd, args, { env });
      servers.push(s);
      return s;
    };
    const ready = (c: typeof redisC, name: string): boolean =>
      probe(
        (c.readinessProbe?.exec?.command ?? []).map((x) =>
          x.replace("-h 127.0.0.1", `-h ${envs.get(name)?.["ANNOUNCE"] ?? ""}`),
        ),
        envs.get(name) ?? {},
      );
    const redises = REDIS.map((ip, i) => start(`redis-${i}`, redisC, ip));
    for (let i = 0; i < 3; i++)
      await waitFor(
        `redis ${i} is ready (master, or its link to the master is up)`,
        () => ready(redisC, `redis-${i}`),
        30,
        redises,
      );
    const sentinelServers = SENTINEL_IPS.map((ip, i) => start(`sentinel-${i}`, sentinelC, ip));
    for (let i = 0; i < 3; i++)
      await waitFor(`sentinel ${i} is ready`, () => ready(sentinelC, `sentinel-${i}`), 30, sentinelServers);
    const pw = PASSWORDS["cache-credentials"];
    const master = (): string =>
      cli(
        SENTINEL_IPS[1] ?? "",
        26379,
        pw["sentinel-password"],
        "sentinel",
        "get-master-addr-by-name",
        "cache",
      ).split("\n")[0] ?? "";
    expect(master()).toBe(REDIS[0]);
    cli(REDIS[0] ?? "", 6379, pw.password, "set", "order:1", "paid");
    for (const ip of REDIS.slice(1))
      await waitFor(
        `the key is on the replica ${ip}`,
        () => cli(ip, 6379, pw.password, "get", "order:1") === "paid",
        20,
      );
    // Sentinels authenticate: without the password they refuse.
    expect(cli(SENTINEL_IPS[0] ?? "", 26379, "wrong", "sentinel", "masters")).toMatch(/WRONGPASS|NOAUTH/);
    expect(cli(REDIS[1] ?? "", 6379, "wrong", "get", "order:1")).toMatch(/WRONGPASS|NOAUTH/);
    // The master goes away: two Sentinels agree it is down and promote a replica.
    await redises[0]?.stop("SIGKILL");
    await waitFor(
      "a Sentinel names a new master",
      () => REDIS.slice(1).includes(master()),
      60,
      sentinelServers,
    );
    const promoted = master();
    // A pod restarts in seconds, by which time every Sentinel has heard of the failover.
    await waitFor(
      "every Sentinel names the new master",
      () =>
        SENTINEL_IPS.every(
          (ip) =>
            cli(ip, 26379, pw["sentinel-password"], "sentinel", "get-master-addr-by-name", "cache").split(
              "\n",
            )[0] === promoted,
        ),
      30,
      sentinelServers,
    );
    expect(cli(promoted, 6379, pw.password, "role").split("\n")[0]).toBe("master");
    cli(promoted, 6379, pw.password, "set", "order:2", "shipped");
    // The old master comes back as a replica of the new one, as its start script asks the Sentinels.
    const back = start("redis-0", redisC, REDIS[0] ?? "");
    await waitFor(
      "the old master follows the new one",
      () => cli(REDIS[0] ?? "", 6379, pw.password, "get", "order:2") === "shipped",
      30,
      [back],
    );
    expect(back.log()).toContain(`kubeship: master is ${promoted}`);
    expect(cli(REDIS[0] ?? "", 6379, pw.password, "role").split("\n")[0]).toBe("slave");
  });
});

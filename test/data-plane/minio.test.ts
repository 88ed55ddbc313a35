import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { ensureMc, ensureMinio } from "../tools/go-tools.mjs";
import {
  configMapData,
  containerEnv,
  containerOf,
  freePort,
  ownedDir,
  Server,
  waitFor,
  writeFiles,
} from "./processes.js";

/**
 * Distributed MinIO with the real programs (the server and `mc` at the catalog's releases, built
 * from their Go modules) as four local processes: the server arguments, environment, init script and
 * app policy of the rendered objects. What differs on this machine: each server has a port of its own
 * on one address of this machine instead of a pod's DNS name, a data directory of its own, and MINIO_CI_CD (MinIO
 * refuses drives on the root disk outside CI).
 */
const minioBin = ensureMinio();
const mcBin = ensureMc();
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop("SIGTERM");
});

/**
 * The address the servers listen on. MinIO in a container (this machine may be one: /.dockerenv)
 * waits for every endpoint to resolve to something other than a loopback address, as pods' names do:
 * the machine's own non-loopback address then, 127.0.0.1 where there is none.
 */
const HOST =
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address ?? "127.0.0.1";

const SECRETS = { "objects-credentials": { password: "root-pass-12345", "app-password": "app-pass-67890" } };

describe("distributed MinIO, with the real server and client", () => {
  it("forms one erasure-coded store over four pods, gives the app a user limited to its buckets, and keeps serving with a pod down", async () => {
    const r = renderSpec(`app: ai
services:
  agent: { image: ghcr.io/acme/agent:1.0.0, port: 8080, uses: [objects] }
backing:
  objects: { type: minio, replicas: 4, buckets: [workspaces, artifacts] }
`);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const objects = r.value.objects;
    const server = containerOf(objects, "StatefulSet", "objects");
    const [cmd, volumes, ...rest] = server.command ?? [];
    expect(cmd).toBe("minio");
    // The rendered server list: every pod by its DNS name, in MinIO's own {0...N-1} notation.
    expect(volumes).toBe("server");
    const pattern = rest[0] ?? "";
    const m = /^http:\/\/objects-\{0\.\.\.3\}\.objects-headless\.ai\.svc(\/data)$/.exec(pattern);
    expect(m, pattern).not.toBeNull();
    const dataPath = m?.[1] ?? "";
    const ports = await Promise.all([0, 1, 2, 3].map(() => freePort()));
    const consolePorts = await Promise.all([0, 1, 2, 3].map(() => freePort()));
    const base = ownedDir("kubeship-minio-");
    // The same four endpoints on this machine: one port each on HOST, a directory each for /data.
    const endpoints = ports.map(
      (p, i) => `http://${HOST}:${String(p)}${join(base, `pod-${String(i)}`)}${dataPath}`,
    );
    const env = containerEnv(server, SECRETS, { MINIO_CI_CD: "on", HOME: base, PATH: "/usr/bin:/bin" });
    const flags = rest.slice(1);
    expect(flags).toEqual(["--address", ":9000", "--console-address", ":9001"]);
    const start = (i: number): Server => {
      mkdirSync(join(base, `pod-${String(i)}`, "data"), { recursive: true });
      const s = new Server(
        `minio-${String(i)}`,
        minioBin,
        [
          "server",
          ...endpoints,
          "--address",
          `${HOST}:${String(ports[i])}`,
          "--console-address",
          `${HOST}:${String(consolePorts[i])}`,
        ],
        { env },
      );
      servers.push(s);
      return s;
    };
    const pods = [0, 1, 2, 3].map(start);
    const ready = async (i: number): Promise<boolean> => {
      const path = server.readinessProbe?.httpGet?.path ?? "";
      const res = await fetch(`http://${HOST}:${String(ports[i])}${path}`);
      return res.status === 200;
    };
    for (let i = 0; i < 4; i++) await waitFor(`minio ${String(i)} is ready`, () => ready(i), 90, pods);

    // The init job's script, with its environment and files, against the first pod (the Service).
    const job = containerOf(objects, "Job", "objects-init");
    const files = configMapData(objects, "objects-files");
    const filesDir = join(base, "files");
    writeFiles(filesDir, files, 0o555);
    const mcDir = join(base, "bin");
    mkdirSync(mcDir, { recursive: true });
    writeFileSync(join(mcDir, "mc"), `#!/bin/sh\nexec ${mcBin} "$@"\n`, { mode: 0o755 });
    const jobEnv = containerEnv(job, SECRETS, {
      MINIO_URL: `http://${HOST}:${String(ports[0])}`,
      FILES: filesDir,
      PATH: `${mcDir}:/usr/bin:/bin`,
    });
    const script = (job.command ?? [])[1] ?? "";
    expect(job.command?.[0]).toBe("sh");
    expect(script).toBe("/opt/kubeship/minio/init.sh");
    const init = () =>
      spawnSync("sh", [join(filesDir, "init.sh")], { env: jobEnv, encoding: "utf8", timeout: 120_000 });
    const first = init();
    expect(first.status, first.stderr + first.stdout).toBe(0);
    // Safe to re-run: the buckets exist, the user and policy are set again.
    const again = init();
    expect(again.status, again.stderr + again.stdout).toBe(0);

    // The app's credentials, as a workload gets them.
    const agent = containerEnv(containerOf(objects, "Deployment", "agent"), SECRETS);
    expect(agent["OBJECTS_ACCESS_KEY"]).toBe("app");
    expect(agent["OBJECTS_SECRET_KEY"]).toBe(SECRETS["objects-credentials"]["app-password"]);
    const mcEnv = {
      PATH: "/usr/bin:/bin",
      [`MC_HOST_app`]: `http://${agent["OBJECTS_ACCESS_KEY"] ?? ""}:${agent["OBJECTS_SECRET_KEY"] ?? ""}@${HOST}:${String(ports[1])}`,
    };
    const mc = (...args: string[]) =>
      spawnSync(mcBin, ["--config-dir", join(base, ".mc-app"), ...args], {
        env: mcEnv,
        encoding: "utf8",
        timeout: 30_000,
      });
    const payload = join(base, "payload.txt");
    writeFileSync(payload, "hello from the agent\n");
    expect(mc("cp", payload, "app/workspaces/w1/readme.txt").status).toBe(0);
    expect(mc("cat", "app/workspaces/w1/readme.txt").stdout).toBe("hello from the agent\n");
    expect(mc("ls", "app/artifacts").status).toBe(0);
    // Least privilege: no other bucket, no new buckets, no administration.
    expect(mc("mb", "app/other").status).not.toBe(0);
    expect(mc("admin", "user", "list", "app").status).not.toBe(0);

    // A pod is lost (a node goes away): the store keeps its read and write quorum.
    await pods[3]?.stop("SIGKILL");
    writeFileSync(payload, "written with a pod down\n");
    await waitFor(
      "a write succeeds with three of four pods",
      () => mc("cp", payload, "app/workspaces/w1/later.txt").status === 0,
      60,
      pods,
    );
    expect(mc("cat", "app/workspaces/w1/readme.txt").stdout).toBe("hello from the agent\n");
    expect(mc("cat", "app/workspaces/w1/later.txt").stdout).toBe("written with a pod down\n");
  });
});

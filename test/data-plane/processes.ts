import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IContainer, IEnvVar } from "kubernetes-models/v1";
import type { KubeObject } from "../../src/render/kube-object.js";

/**
 * Running the servers kubeship configures as local processes on 127.0.0.1, with the commands, scripts
 * and environment of the rendered objects. Servers that refuse to run as root (PostgreSQL) run as
 * their Debian system user.
 */

/** A system user's ids (`id -u NAME`, `id -g NAME`). */
export function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string): number => Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** A fresh directory owned by `owner`. */
export function ownedDir(prefix: string, owner?: { uid: number; gid: number }): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

/** Writes files (name -> content) into `dir`, each with `mode`, owned by `owner`. */
export function writeFiles(
  dir: string,
  files: Readonly<Record<string, string>>,
  mode: number,
  owner?: { uid: number; gid: number },
): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, content);
    chmodSync(path, mode);
    if (owner !== undefined) chownSync(path, owner.uid, owner.gid);
  }
}

/** The named container of a StatefulSet (or Deployment, Job) among rendered objects. */
export function containerOf(
  objects: readonly KubeObject[],
  kind: string,
  name: string,
  container?: string,
): IContainer {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  const spec = o?.["spec"] as { template: { spec: { containers: IContainer[] } } } | undefined;
  const c =
    container === undefined
      ? spec?.template.spec.containers[0]
      : spec?.template.spec.containers.find((x) => x.name === container);
  if (c === undefined) throw new Error(`no container ${container ?? "(first)"} in ${kind}/${name}`);
  return c;
}

/** The data of a ConfigMap among rendered objects. */
export function configMapData(objects: readonly KubeObject[], name: string): Record<string, string> {
  const o = objects.find((x) => x.kind === "ConfigMap" && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ConfigMap ${name}`);
  return (o["data"] as Record<string, string> | undefined) ?? {};
}

/**
 * A container's environment as the kubelet would give it: plain values, Secret keys from `secrets`
 * (Secret name -> key -> value), `$(VAR)` expanded from the variables before it, then `overrides`
 * (what differs on this machine: data directories, hosts and ports).
 */
export function containerEnv(
  c: IContainer,
  secrets: Readonly<Record<string, Readonly<Record<string, string>>>>,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of c.env ?? ([] as IEnvVar[])) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref !== undefined) {
      const v = ref.name === undefined ? undefined : secrets[ref.name]?.[ref.key];
      if (v === undefined) throw new Error(`no value for Secret ${ref.name ?? "?"} key ${ref.key}`);
      out[e.name] = v;
    } else if (e.value !== undefined)
      out[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => out[n] ?? m);
  }
  return { ...out, ...overrides };
}

/** A server process, with its output kept for the test's messages. */
export class Server {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  private exited = false;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: { env: Record<string, string>; user?: { uid: number; gid: number }; cwd?: string },
  ) {
    this.child = spawn(command, args, {
      env: options.env,
      ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (b: Buffer): void => {
      this.output.push(b.toString());
      if (this.output.length > 2000) this.output.splice(0, 1000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.child.on("exit", () => {
      this.exited = true;
    });
  }

  get running(): boolean {
    return !this.exited;
  }

  log(): string {
    return this.output.join("");
  }

  /** Stops the process (SIGINT: PostgreSQL's fast shutdown, Redis's save and exit) and waits. */
  async stop(signal: NodeJS.Signals = "SIGINT"): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) =>
      this.child.once("exit", () => {
        resolve();
      }),
    );
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 20_000);
    await done;
    clearTimeout(timer);
  }
}

/** Runs a shell command (a rendered probe) as `user`; true when it exits 0. */
export function probe(
  command: readonly string[],
  env: Record<string, string>,
  user?: { uid: number; gid: number },
): boolean {
  const [cmd = "", ...args] = command;
  const r = spawnSync(cmd, args, {
    env,
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
    stdio: "ignore",
    timeout: 10_000,
  });
  return r.status === 0;
}

/** Waits until `check` holds, or fails after `seconds` with `what` and the servers' output. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  seconds: number,
  servers: readonly Server[] = [],
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    // A check that throws (a server not listening yet) has not held yet.
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${seconds} s\n${servers.map((s) => `--- ${s.name}\n${s.log().slice(-3000)}`).join("\n")}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (the kernel's choice). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

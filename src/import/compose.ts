import { PRESETS } from "../catalog/catalog.js";
import type { BackingType } from "../spec/schema.js";
import { asArray, recordOf } from "../spec/plain-data.js";
import { CREDENTIAL_NAME } from "../spec/credentials.js";
import { hostTokens } from "../spec/hosts.js";

/**
 * Translates a Docker Compose file into a kubeship spec: services with ports become services, the
 * others workers; well-known images become backing services of the right type; `depends_on` and
 * hosts named in the environment become `uses`; named volumes of databases become their storage.
 * Whatever has no translation is listed with the reason, never dropped silently.
 * https://docs.docker.com/reference/compose-file/services/
 */
export interface ImportNote {
  /** The compose service (or `(file)`), and the key concerned. */
  readonly service: string;
  readonly key: string;
  readonly reason: string;
}

/** The spec, as plain data in the order it should be written, and the notes. */
export interface ComposeImport {
  readonly spec: Record<string, unknown>;
  readonly notes: readonly ImportNote[];
}

type Rec = Readonly<Record<string, unknown>>;
const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;

/** Image repository (last path segment, no tag or digest) to the catalog type it is. */
const WELL_KNOWN: readonly (readonly [RegExp, BackingType])[] = [
  [/^(postgres|postgresql|postgis)$/, "postgresql"],
  [/^(mysql|mariadb|percona)$/, "mysql"],
  [/^(mongo|mongodb)$/, "mongodb"],
  [/^(redis|redis-stack-server|valkey)$/, "redis"],
  [/^rabbitmq$/, "rabbitmq"],
  [/^(kafka|cp-kafka)$/, "kafka"],
  [/^(zookeeper|cp-zookeeper)$/, "zookeeper"],
  [/^(elasticsearch|opensearch)$/, "elasticsearch"],
  [/^minio$/, "minio"],
  [/^cassandra$/, "cassandra"],
  [/^(nats|nats-streaming)$/, "nats"],
  [/^tarantool$/, "tarantool"],
];

/** Environment variables of the official images that name the database to create. */
const DATABASE_ENV = ["POSTGRES_DB", "MYSQL_DATABASE", "MARIADB_DATABASE", "MONGO_INITDB_DATABASE"];

function imageParts(image: string): { repo: string; tag: string | undefined } {
  const noDigest = image.split("@")[0] ?? image;
  const last = noDigest.slice(noDigest.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  return colon < 0
    ? { repo: last, tag: undefined }
    : { repo: last.slice(0, colon), tag: last.slice(colon + 1) };
}

/** The catalog type of an image, if it is a well-known one. */
export function backingTypeOf(image: string): BackingType | undefined {
  const { repo } = imageParts(image);
  return WELL_KNOWN.find(([re]) => re.test(repo.toLowerCase()))?.[1];
}

function environment(v: unknown): [string, string][] {
  if (Array.isArray(v))
    return v.flatMap((e) => {
      const s = str(e);
      if (s === undefined) return [];
      const eq = s.indexOf("=");
      return eq < 0 ? [] : [[s.slice(0, eq), s.slice(eq + 1)] as [string, string]];
    });
  return Object.entries(recordOf(v)).flatMap(([k, x]) => {
    const s = str(x);
    return s === undefined ? [] : [[k, s] as [string, string]];
  });
}

/** Container ports of a compose service (`ports` targets, then `expose`). */
function containerPorts(svc: Rec): number[] {
  const out: number[] = [];
  for (const p of asArray(svc.ports)) {
    if (typeof p === "object" && p !== null) {
      const t = Number(recordOf(p).target);
      if (Number.isInteger(t)) out.push(t);
      continue;
    }
    const s = (str(p) ?? "").split("/")[0] ?? "";
    const target = s.split(":").at(-1) ?? "";
    const n = Number(target.split("-")[0]);
    if (Number.isInteger(n) && n > 0) out.push(n);
  }
  for (const e of asArray(svc.expose)) {
    const n = Number((str(e) ?? "").split("/")[0]);
    if (Number.isInteger(n) && n > 0) out.push(n);
  }
  return out;
}

/** Splits a shell-like command string into words (quotes respected), as compose does. */
function words(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map((x) => str(x) ?? "");
  const s = str(v);
  if (s === undefined) return undefined;
  return [...s.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

function cpu(v: unknown): string | undefined {
  const n = Number(str(v));
  return Number.isFinite(n) && n > 0
    ? n >= 1 && Number.isInteger(n)
      ? String(n)
      : `${Math.round(n * 1000)}m`
    : undefined;
}

function memory(v: unknown): string | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(str(v) ?? "");
  if (m === null) return undefined;
  const unit = { "": "", k: "Ki", m: "Mi", g: "Gi", t: "Ti" }[(m[2] ?? "").toLowerCase()] ?? "";
  return `${m[1] ?? ""}${unit}`;
}

function healthOf(svc: Rec, port: number | undefined): string | undefined {
  const test = words(recordOf(svc.healthcheck).test)?.join(" ") ?? "";
  const m = /https?:\/\/(?:localhost|127\.0\.0\.1)(?::(\d+))?(\/[^\s"'|;&]*)?/.exec(test);
  if (m === null) return undefined;
  if (m[1] !== undefined && port !== undefined && Number(m[1]) !== port) return undefined;
  return m[2] ?? "/";
}

/** Compose service names a value points at: `db`, `db:5432`, `postgres://u:p@db:5432/x`, `http://api:8080/y`. */
function hostsIn(value: string): string[] {
  return hostTokens(value)
    .filter((t) => /^[a-z0-9][a-z0-9_-]*$/i.test(t.host) && (t.url || t.port !== undefined || t.whole))
    .map((t) => t.host);
}

const specName = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50) || "app";

/** Translates a parsed compose file. `app` names the app (and namespace). */
export function importCompose(compose: unknown, app: string): ComposeImport {
  const notes: ImportNote[] = [];
  const note = (service: string, key: string, reason: string): void => {
    notes.push({ service, key, reason });
  };
  const services = recordOf(recordOf(compose).services);
  const names = new Map(Object.keys(services).map((n) => [n, specName(n)]));
  const backing: Record<string, Rec> = {};
  const apps: Record<string, Record<string, unknown>> = {};
  const workers: Record<string, Record<string, unknown>> = {};
  for (const key of Object.keys(recordOf(compose))) {
    if (
      !["services", "volumes", "version", "name", "networks", "x-"].some(
        (k) => key === k || key.startsWith("x-"),
      )
    )
      note("(file)", key, "no kubeship equivalent; not translated");
  }
  for (const [composeName, raw] of Object.entries(services)) {
    const svc = recordOf(raw);
    const name = names.get(composeName) ?? composeName;
    if (name !== composeName)
      note(composeName, "name", `renamed to ${name} (Kubernetes names are lower-case DNS labels)`);
    const image = str(svc.image);
    const type = image === undefined ? undefined : backingTypeOf(image);
    const env = environment(svc.environment);
    if (svc.env_file !== undefined)
      note(
        composeName,
        "env_file",
        "not read; copy the variables it sets into `env` (secrets into `secrets`)",
      );
    for (const k of ["privileged", "cap_add", "network_mode", "pid", "ipc", "devices", "security_opt"])
      if (svc[k] !== undefined)
        note(
          composeName,
          k,
          "not translated: kubeship runs every pod with the restricted Pod Security Standard",
        );
    for (const k of ["networks", "links", "extra_hosts", "dns"])
      if (svc[k] !== undefined)
        note(
          composeName,
          k,
          "not needed: every workload reaches what it `uses` by name, and NetworkPolicies allow exactly that",
        );
    if (type !== undefined && image !== undefined) {
      const b: Record<string, unknown> = { type };
      const preset = PRESETS[type as Exclude<BackingType, "external">];
      const tag = imageParts(image).tag;
      const version = tag === undefined ? undefined : /^(\d+(?:\.\d+)?)/.exec(tag)?.[1];
      if (version !== undefined) {
        const known = Object.keys(preset.versions);
        // `redis:7` means the newest 7.x the catalog has.
        const sameMajor = known
          .filter((v) => v.split(".")[0] === version)
          .sort((a, b) => Number(b.split(".")[1] ?? 0) - Number(a.split(".")[1] ?? 0));
        const match = known.find((v) => v === version) ?? (version.includes(".") ? undefined : sameMajor[0]);
        if (match !== undefined) b.version = match;
        else
          note(
            composeName,
            "image",
            `version ${version} is not in the catalog (${known.join(", ")}); the default ${preset.defaultVersion} is used`,
          );
      }
      const db = env.find(([k]) => DATABASE_ENV.includes(k))?.[1];
      if (db !== undefined && ["postgresql", "mysql", "mongodb"].includes(type)) b.database = db;
      const creds = env.filter(([k]) => CREDENTIAL_NAME.test(k) || /USER(NAME)?$/.test(k)).map(([k]) => k);
      if (creds.length > 0)
        note(
          composeName,
          "environment",
          `${creds.join(", ")} dropped: kubeship generates the credentials and injects them into every workload that uses ${name}`,
        );
      const named = asArray(svc.volumes).filter((v) => {
        const source = typeof v === "object" ? str(recordOf(v).source) : (str(v) ?? "").split(":")[0];
        return (
          source !== undefined &&
          !source.startsWith(".") &&
          !source.startsWith("/") &&
          (str(v) ?? "").includes(":")
        );
      });
      if (named.length > 0) {
        // Compose volumes have no size: the catalog's default, written out so that it is seen and set.
        b.storage = preset.defaultStorage;
        note(
          composeName,
          "volumes",
          `the named volume becomes the StatefulSet's claim: storage ${preset.defaultStorage} (Compose gives no size; adjust backing.${name}.storage)`,
        );
      }
      const uses = new Set<string>();
      for (const d of Array.isArray(svc.depends_on)
        ? svc.depends_on
        : Object.keys(recordOf(svc.depends_on))) {
        const dn = names.get(str(d) ?? "");
        if (dn !== undefined) uses.add(dn);
      }
      if (uses.size > 0) b.uses = [...uses].sort();
      if (svc.ports !== undefined)
        note(
          composeName,
          "ports",
          "published ports are not exposed: backing services are reachable inside the namespace only",
        );
      backing[name] = b;
      continue;
    }
    // The app's own code.
    const ports = containerPorts(svc);
    const port = ports[0];
    const w: Record<string, unknown> = {};
    if (image !== undefined) {
      w.image = image;
      const tag = imageParts(image).tag;
      if (tag === undefined || tag === "latest")
        note(composeName, "image", "no version tag: pin one (lint reports `latest` as an error)");
    } else {
      w.image = `${name}:0.1.0`;
      note(
        composeName,
        "build",
        `built from ${str(recordOf(svc.build).context) ?? str(svc.build) ?? "."}: build and push the image, then set services.${name}.image`,
      );
    }
    if (port !== undefined) {
      w.port = port;
      if (ports.length > 1)
        note(
          composeName,
          "ports",
          `only the first port (${port}) is the service's; ${ports.slice(1).join(", ")} not exposed`,
        );
      const h = healthOf(svc, port);
      if (h !== undefined) w.health = h;
      if (asArray(svc.ports).length > 0)
        note(
          composeName,
          "ports",
          `published on the host in compose; to expose it, give services.${name} a \`route\` and the app a \`domain\``,
        );
    } else if (recordOf(svc.healthcheck).test !== undefined) {
      const test = words(recordOf(svc.healthcheck).test) ?? [];
      const cmd =
        test[0] === "CMD"
          ? test.slice(1)
          : test[0] === "CMD-SHELL"
            ? ["sh", "-c", test.slice(1).join(" ")]
            : test;
      if (cmd.length > 0) w.health = { exec: cmd };
    }
    const entrypoint = words(svc.entrypoint);
    const command = words(svc.command);
    if (entrypoint !== undefined && entrypoint.length > 0) {
      w.command = entrypoint;
      if (command !== undefined && command.length > 0) w.args = command;
    } else if (command !== undefined && command.length > 0) w.args = command;
    const uses = new Set<string>();
    for (const d of Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(recordOf(svc.depends_on))) {
      const dn = names.get(str(d) ?? "");
      if (dn !== undefined) uses.add(dn);
    }
    const plain: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [k, v] of env) {
      const targets = hostsIn(v).filter((h) => names.has(h));
      if (targets.length > 0) {
        for (const t of targets) uses.add(names.get(t) ?? t);
        note(
          composeName,
          `environment.${k}`,
          `points at ${targets.join(", ")}: now a \`uses\`; kubeship injects ${targets.map((t) => `${(names.get(t) ?? t).toUpperCase().replace(/-/g, "_")}_HOST/_PORT/_URL`).join(", ")} (rename in the code, or keep ${k} in env pointing at the injected value)`,
        );
        continue;
      }
      if (CREDENTIAL_NAME.test(k)) {
        secrets.push(k);
        note(
          composeName,
          `environment.${k}`,
          "a secret: moved to `secrets` (a random value kubeship generates once); its compose value was dropped",
        );
        continue;
      }
      plain[k] = v;
    }
    if (Object.keys(plain).length > 0) w.env = plain;
    if (secrets.length > 0) w.secrets = secrets.sort();
    if (uses.size > 0) w.uses = [...uses].sort();
    const replicas = Number(recordOf(svc.deploy).replicas);
    if (Number.isInteger(replicas) && replicas > 0) {
      w.replicas = replicas;
      w.autoscale = false;
    }
    const limits = recordOf(recordOf(recordOf(svc.deploy).resources).limits);
    const reservations = recordOf(recordOf(recordOf(svc.deploy).resources).reservations);
    const res = (r: Rec): Record<string, string> | undefined => {
      const c = cpu(r.cpus);
      const m = memory(r.memory);
      if (c === undefined || m === undefined) return undefined;
      return { cpu: c, memory: m };
    };
    const lim = res(limits);
    const req = res(reservations);
    if (lim !== undefined && req !== undefined) w.resources = { requests: req, limits: lim };
    else if (lim !== undefined || req !== undefined)
      note(
        composeName,
        "deploy.resources",
        "needs both reservations and limits with cpus and memory; the defaults are used",
      );
    for (const v of asArray(svc.volumes))
      note(
        composeName,
        "volumes",
        `${typeof v === "string" ? v : JSON.stringify(v)} not translated: services and workers are stateless in kubeship; keep state in a backing service, configuration in \`config\` or \`env\``,
      );
    if (port !== undefined) apps[name] = w;
    else workers[name] = w;
  }
  for (const v of Object.keys(recordOf(recordOf(compose).volumes)))
    if (
      !Object.values(services).some((s) =>
        asArray(recordOf(s).volumes).some(
          (x) => (str(x) ?? str(recordOf(x).source) ?? "").split(":")[0] === v,
        ),
      )
    )
      note("(file)", `volumes.${v}`, "not used by any service; not translated");
  // `uses` may name backing services and services (they have a port); not workers.
  const usable = new Set([...Object.keys(backing), ...Object.keys(apps)]);
  for (const [n, w] of [...Object.entries(apps), ...Object.entries(workers)]) {
    const uses = asArray(w.uses).map((u) => str(u) ?? "");
    const kept = uses.filter((u) => usable.has(u) && u !== n);
    for (const u of uses.filter((x) => !kept.includes(x)))
      note(
        n,
        "depends_on",
        `${u} dropped from \`uses\`: it has no port to connect to (a worker); start-up order does not need it`,
      );
    if (kept.length > 0) w.uses = kept;
    else delete w.uses;
  }
  const spec: Record<string, unknown> = { app };
  if (Object.keys(apps).length > 0) spec.services = apps;
  if (Object.keys(workers).length > 0) spec.workers = workers;
  if (Object.keys(backing).length > 0) spec.backing = backing;
  // Compose puts every container on one open network; kubeship allows exactly the `uses` edges.
  spec.security = { networkPolicies: true };
  return { spec, notes };
}

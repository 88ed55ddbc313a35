import { PRESETS } from "../catalog/catalog.js";
import type { BackingType } from "../spec/schema.js";
import { asArray, recordOf } from "../spec/plain-data.js";
import { BACKING_USES, NAME_LIMITS } from "../spec/check-spec.js";
import { credentialLeak, isCredentialName } from "../spec/credentials.js";
import { databaseNameProblem } from "../spec/identifiers.js";
import { parseImageRef } from "../spec/image-ref.js";
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
  // A port number no TCP port can have is not a port (Compose would refuse it too).
  return out.filter((n) => n <= 65535);
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

/**
 * A Compose service name as a kubeship name: a lower-case DNS label that starts with a letter and fits
 * `limit` characters (a name cut short keeps a hash of the whole, so that two long names stay apart).
 */
function specName(s: string, limit: number): string {
  let name =
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/-+/g, "-")
      .replace(/^-+|-+$/g, "") || "app";
  if (!/^[a-z]/.test(name)) name = `s-${name}`;
  if (name.length > limit) {
    let h = 0;
    for (const c of s) h = (Math.imul(h, 31) + (c.codePointAt(0) ?? 0)) >>> 0;
    name = `${name.slice(0, limit - 7).replace(/-+$/, "")}-${h.toString(36).padStart(6, "0").slice(0, 6)}`;
  }
  return name;
}

/**
 * Compose interpolation with what a file alone can know: `${VAR:-default}` and `${VAR-default}` take
 * their default, `$$` is a `$`; a variable without a default is unset here (Compose reads it from the
 * shell) and listed.
 */
export function interpolate(value: string): { value: string; unset: string[] } {
  const unset: string[] = [];
  const out = value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^}\\]|\\.)*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (
      match,
      braced: string | undefined,
      op: string | undefined,
      def: string | undefined,
      bare: string | undefined,
    ) => {
      if (match === "$$") return "$";
      const name = braced ?? bare ?? "";
      if (op === ":-" || op === "-") return def ?? "";
      unset.push(name);
      return "";
    },
  );
  return { value: out, unset };
}

/** The Compose services a service depends on (`depends_on` as a list or a mapping). */
function dependsOn(svc: Rec): string[] {
  return (Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(recordOf(svc.depends_on))).flatMap(
    (d) => {
      const n = str(d);
      return n === undefined ? [] : [n];
    },
  );
}

/** An image of the app as the spec can take it: interpolated, or undefined (with a note) when it is not a reference. */
function importImage(raw: string, note: (reason: string) => void): string | undefined {
  const { value, unset } = interpolate(raw);
  if (unset.length > 0) note(`\${${unset.join("}, ${")}} has no default: left out of the image name`);
  const ref = parseImageRef(value);
  if (!ref.ok) {
    note(`'${raw}' is not an image reference (${ref.problem}): a placeholder was written; set the image`);
    return undefined;
  }
  if (ref.digest === undefined && (ref.tag === undefined || ref.tag === "latest")) {
    note(
      "no version tag: a placeholder tag 0.1.0 was written; pin the image you deploy (lint reports `latest` as an error)",
    );
    return `${ref.name}:0.1.0`;
  }
  return value;
}

/**
 * Credentials an app makes up for itself, where a random value kubeship generates works: framework
 * keys (Django's SECRET_KEY, Rails' SECRET_KEY_BASE, Laravel's APP_KEY, NextAuth's secret), salts, and
 * session, cookie, JWT, signing and encryption keys. Other credentials (STRIPE_SECRET_KEY, an SMTP URL)
 * are issued by someone else and must be supplied.
 */
const SELF_GENERATED =
  /^(secret_key|secret_key_base|app_key|(django|flask|rails|laravel|nextauth|auth|session|cookie|csrf|jwt|signing|encryption|hmac)_[a-z0-9_]*(secret|key|salt)|[a-z0-9_]*_(salt|signing_key|encryption_key|session_secret|session_key|cookie_secret|jwt_secret|jwt_key)|jwt_secret|session_secret|encryption_key|signing_key)$/i;

/** Values of the official images' default credentials, which kubeship replaces with generated ones. */
const IMAGE_DEFAULT_CREDENTIALS = new Set(["minioadmin", "guest", "changeme", "elastic"]);

/** Translates a parsed compose file. `app` names the app (and namespace). */
export function importCompose(compose: unknown, app: string): ComposeImport {
  const notes: ImportNote[] = [];
  const note = (service: string, key: string, reason: string): void => {
    notes.push({ service, key, reason });
  };
  const all = recordOf(recordOf(compose).services);
  // Services under `profiles` start only when asked for (debugging tools, mail catchers): not production.
  const services: Record<string, unknown> = {};
  for (const [n, raw] of Object.entries(all)) {
    const profiles = asArray(recordOf(raw).profiles).map((p) => str(p) ?? "");
    if (profiles.length > 0)
      note(
        n,
        "profiles",
        `only in profile ${profiles.join(", ")} (not started by default): not imported; add it by hand if production needs it`,
      );
    else services[n] = raw;
  }
  const isBacking = (raw: unknown): boolean => {
    const image = str(recordOf(raw).image);
    return image !== undefined && backingTypeOf(image) !== undefined;
  };
  const names = new Map(
    Object.entries(services).map(([n, raw]) => [
      n,
      specName(n, isBacking(raw) ? NAME_LIMITS.backing : NAME_LIMITS.workload),
    ]),
  );
  // Credential values of the backing services (POSTGRES_PASSWORD: secret): an app's copy of one is
  // the same credential, which kubeship generates and wires instead.
  const backingCredentials = new Set<string>(IMAGE_DEFAULT_CREDENTIALS);
  for (const raw of Object.values(services))
    if (isBacking(raw))
      for (const [k, v] of environment(recordOf(raw).environment))
        if (isCredentialName(k) && v !== "") backingCredentials.add(v);
  // One-shot containers (they run to completion; others wait for that) become jobs, not workers.
  const completedBy = new Map<string, string[]>();
  for (const [n, raw] of Object.entries(services))
    for (const [dep, cond] of Object.entries(recordOf(recordOf(raw).depends_on)))
      if (recordOf(cond).condition === "service_completed_successfully")
        completedBy.set(dep, [...(completedBy.get(dep) ?? []), n]);
  const jobs: Record<string, Record<string, unknown>> = {};
  const bucketsFor = new Map<string, Set<string>>();
  const shared = new Map<string, Set<string>>();
  const supplied = new Set<string>();
  const backing: Record<string, Rec> = {};
  const apps: Record<string, Record<string, unknown>> = {};
  const workers: Record<string, Record<string, unknown>> = {};
  for (const key of Object.keys(recordOf(compose))) {
    if (
      !["services", "volumes", "version", "name", "networks", "x-"].some(
        (k) => key === k || key.startsWith("x-"),
      )
    )
      note(
        "(file)",
        key,
        key === "secrets"
          ? "Compose's secrets are files; each service that names one got a supplied secret of that name (an environment variable)"
          : key === "configs"
            ? "Compose's configs are files: not translated; put their content in `config` or `env`"
            : "no kubeship equivalent; not translated",
      );
  }
  for (const [composeName, raw] of Object.entries(services)) {
    const svc = recordOf(raw);
    const name = names.get(composeName) ?? composeName;
    if (name !== composeName)
      note(composeName, "name", `renamed to ${name} (Kubernetes names are lower-case DNS labels)`);
    const rawImage = str(svc.image);
    const type = rawImage === undefined ? undefined : backingTypeOf(rawImage);
    const image = rawImage;
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
      if (db !== undefined && ["postgresql", "mysql", "mongodb"].includes(type)) {
        const problem = databaseNameProblem(db);
        if (problem === undefined) b.database = db;
        else note(composeName, "environment", `database '${db}' not kept: ${problem}`);
      }
      const creds = env.filter(([k]) => isCredentialName(k) || /USER(NAME)?$/.test(k)).map(([k]) => k);
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
      for (const d of dependsOn(svc)) {
        const dn = names.get(d);
        const other = services[d];
        const otherType = other === undefined ? undefined : backingTypeOf(str(recordOf(other).image) ?? "");
        if (dn === undefined) continue;
        if (otherType !== undefined && (BACKING_USES[type] ?? []).includes(otherType)) uses.add(dn);
        else if (otherType === type)
          note(
            composeName,
            "depends_on",
            `depends on ${d}, another ${type}: if it is a replica of ${d}, delete it and give backing.${names.get(d) ?? d} replicas: 2 or more instead`,
          );
        else
          note(
            composeName,
            "depends_on",
            `${d} dropped: a ${type} backing service does not use a ${otherType ?? "service"}`,
          );
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
    const appImage =
      rawImage === undefined
        ? undefined
        : importImage(rawImage, (reason) => {
            note(composeName, "image", reason);
          });
    if (appImage !== undefined) w.image = appImage;
    else {
      w.image = `${name}:0.1.0`;
      if (rawImage === undefined)
        note(
          composeName,
          "build",
          `built from ${str(recordOf(svc.build).context) ?? str(svc.build) ?? "."}: build and push the image, then set ${name}'s image`,
        );
    }
    // A one-shot container that creates MinIO buckets (minio/mc with `mc mb`): the buckets of that backing.
    const script = [...(words(svc.entrypoint) ?? []), ...(words(svc.command) ?? [])].join(" ");
    if (rawImage !== undefined && imageParts(rawImage).repo === "mc" && /\bmc\s+mb\b/.test(script)) {
      const buckets = [
        ...script.matchAll(/\bmc\s+mb\s+(?:--?[a-z-]+\s+)*[^\s/]+\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/g),
      ].map((m) => m[1] ?? "");
      const minio = dependsOn(svc).find(
        (d) => backingTypeOf(str(recordOf(services[d]).image) ?? "") === "minio",
      );
      const target = minio === undefined ? undefined : names.get(minio);
      if (target !== undefined && buckets.length > 0) {
        const pending = bucketsFor.get(target) ?? new Set<string>();
        for (const b of buckets) pending.add(b);
        bucketsFor.set(target, pending);
        note(
          composeName,
          "command",
          `creates buckets ${buckets.join(", ")} in ${target}: they are now backing.${target}.buckets, created by its init job`,
        );
        continue;
      }
    }
    if (port !== undefined) {
      w.port = port;
      if (port < 1024)
        note(
          composeName,
          "ports",
          `port ${port}: kubeship runs containers as uid 10001 without capabilities; an image that binds a port under 1024 as root (nginx:*, httpd) fails: use its unprivileged variant or port 8080`,
        );
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
    for (const d of dependsOn(svc)) {
      const dn = names.get(d);
      if (dn !== undefined && !completedBy.get(d)?.includes(composeName)) uses.add(dn);
    }
    const plain: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [k, raw] of env) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
        note(composeName, "environment", `'${k}' is not an environment variable name: not imported`);
        continue;
      }
      const { value: v, unset } = interpolate(raw);
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
      if (backingCredentials.has(v)) {
        note(
          composeName,
          `environment.${k}`,
          "the same credential as a backing service's (or its image's default): dropped; kubeship generates the backing's credentials and injects <NAME>_USER/_PASSWORD/_URL into the workloads that use it",
        );
        continue;
      }
      const leak = credentialLeak(k, v);
      if (leak !== undefined || (isCredentialName(k) && unset.length > 0)) {
        if (backingCredentials.has(v)) {
          note(
            composeName,
            `environment.${k}`,
            "the same credential as a backing service's (or its image's default): dropped; kubeship generates the backing's credentials and injects <NAME>_USER/_PASSWORD/_URL into the workloads that use it",
          );
          continue;
        }
        secrets.push(k);
        if (SELF_GENERATED.test(k)) {
          shared.set(k, (shared.get(k) ?? new Set()).add(name));
          note(
            composeName,
            `environment.${k}`,
            "a secret: moved to `secrets` (a random value kubeship generates once); its Compose value was dropped",
          );
        } else {
          supplied.add(k);
          note(
            composeName,
            `environment.${k}`,
            `${leak ?? "a credential"}: moved to secrets.supplied (given at deploy time: KEY=value in the environment or --secrets-file); its Compose value was dropped`,
          );
        }
        continue;
      }
      if (unset.length > 0)
        note(
          composeName,
          `environment.${k}`,
          `\${${unset.join("}, ${")}} has no default and is read from the shell by Compose: replaced by an empty string; set the value in env`,
        );
      plain[k] = v;
    }
    for (const ref of asArray(svc.secrets)) {
      const source = str(ref) ?? str(recordOf(ref).source);
      if (source === undefined) continue;
      const key = source
        .toUpperCase()
        .replace(/[^A-Z0-9_]/g, "_")
        .replace(/^(\d)/, "_$1");
      if (!secrets.includes(key)) secrets.push(key);
      supplied.add(key);
      note(
        composeName,
        `secrets.${source}`,
        `a Compose secret (a file at /run/secrets/${source}): now the supplied secret ${key}, injected as the environment variable ${key}; give its value at deploy time`,
      );
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
    const res = (r: Rec): Record<string, string> => {
      const c = cpu(r.cpus);
      const m = memory(r.memory);
      return { ...(c === undefined ? {} : { cpu: c }), ...(m === undefined ? {} : { memory: m }) };
    };
    const lim = res(limits);
    // As Kubernetes does: a limit without a request requests the limit.
    const req = { ...lim, ...res(reservations) };
    const resources = {
      ...(Object.keys(req).length > 0 ? { requests: req } : {}),
      ...(Object.keys(lim).length > 0 ? { limits: lim } : {}),
    };
    if (Object.keys(resources).length > 0) w.resources = resources;
    for (const v of asArray(svc.volumes))
      note(
        composeName,
        "volumes",
        `${typeof v === "string" ? v : JSON.stringify(v)} not translated: services and workers are stateless in kubeship; keep state in a backing service, configuration in \`config\` or \`env\``,
      );
    const waiting = completedBy.get(composeName);
    if (waiting !== undefined) {
      // Others wait for it to complete: a job that runs before them on every deploy.
      delete w.replicas;
      delete w.autoscale;
      delete w.health;
      delete w.port;
      const before = waiting.filter((n) => !isBacking(services[n])).map((n) => names.get(n) ?? n);
      if (before.length > 0) w.before = before.sort();
      jobs[name] = w;
      note(
        composeName,
        "depends_on",
        `others wait for it to complete (service_completed_successfully): a job that runs before ${before.join(", ") || "them"}`,
      );
      continue;
    }
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
  for (const [target, buckets] of bucketsFor) {
    const b = backing[target];
    if (b !== undefined) backing[target] = { ...b, buckets: [...buckets].sort() };
  }
  // `uses` may name backing services and services (they have a port); not workers.
  const usable = new Set([...Object.keys(backing), ...Object.keys(apps)]);
  for (const [n, w] of [...Object.entries(apps), ...Object.entries(workers), ...Object.entries(jobs)]) {
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
  if (Object.keys(jobs).length > 0) spec.jobs = jobs;
  if (Object.keys(backing).length > 0) spec.backing = backing;
  const sharedNames = [...shared].filter(([, users]) => users.size > 1).map(([k]) => k);
  if (sharedNames.length > 0 || supplied.size > 0)
    spec.secrets = {
      ...(sharedNames.length > 0 ? { shared: sharedNames.sort() } : {}),
      ...(supplied.size > 0 ? { supplied: [...supplied].sort() } : {}),
    };
  for (const k of sharedNames)
    note(
      "(file)",
      `secrets.${k}`,
      `${[...(shared.get(k) ?? [])].join(" and ")} share ${k}: one generated value for all (secrets.shared)`,
    );
  // Compose puts every container on one open network; kubeship allows exactly the `uses` edges.
  spec.security = { networkPolicies: true };
  return { spec, notes };
}

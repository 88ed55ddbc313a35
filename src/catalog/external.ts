import type { AppModel, Backing } from "../model/app-model.js";
import type { BackingType } from "../spec/schema.js";
import { credentialsSecretName, databaseName, envPrefix, kubeLiteral, serviceHost } from "./helpers.js";
import type { ExportedVar, SecretRequirement } from "./types.js";

/** A service outside the cluster: nothing runs; workloads get its URL and the operator's secrets. */
export interface ExternalBacking {
  readonly name: string;
  /** `external`, or the service's own type in mode external (a managed database). */
  readonly type: BackingType;
  readonly mode: "external";
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly secrets: readonly SecretRequirement[];
  readonly exports: readonly ExportedVar[];
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  "http:": 80,
  "https:": 443,
  "postgresql:": 5432,
  "postgres:": 5432,
  "mysql:": 3306,
  "mongodb:": 27017,
  "redis:": 6379,
  "rediss:": 6379,
  "amqp:": 5672,
  "amqps:": 5671,
  "nats:": 4222,
  "kafka:": 9092,
};

/** Resolves an external backing: host and port from its URL, its secrets supplied at deploy time. */
export function resolveExternal(backing: Backing): ExternalBacking {
  const url = backing.url ?? "";
  let host = url;
  let port = 443;
  try {
    const parsed = new URL(url);
    host = parsed.hostname;
    port = parsed.port === "" ? (DEFAULT_PORTS[parsed.protocol] ?? 443) : Number(parsed.port);
  } catch {
    // The catalog check reports a URL that does not parse; keep going with what we have.
  }
  const p = envPrefix(backing.name);
  const secret = credentialsSecretName(backing.name);
  return {
    name: backing.name,
    type: "external",
    mode: "external",
    url,
    host,
    port,
    secrets: backing.secrets.length > 0 ? [{ name: secret, keys: backing.secrets, source: "external" }] : [],
    // The secrets come before the URL, so that a URL such as postgresql://app:$(PG_PASSWORD)@db/app
    // expands them (Kubernetes expands only variables defined earlier); any other $ is literal.
    exports: [
      { name: `${p}_HOST`, value: kubeLiteral(host) },
      { name: `${p}_PORT`, value: String(port) },
      ...backing.secrets.map((s) => ({ name: s, secret: { name: secret, key: s } })),
      { name: `${p}_URL`, value: kubeLiteral(url, new Set(backing.secrets)) },
    ],
  };
}

/**
 * A typed backing in mode external (a managed database, a hosted broker): the same variables the
 * builtin preset exports (`template`), their values from the spec's `url` (host, port, user,
 * database; `readUrl` for the read replicas) and, for every variable the preset reads from a Secret
 * (passwords, secret keys), a value supplied at deploy time under the variable's own name.
 */
export function resolveExternalMode(
  backing: Backing,
  model: AppModel,
  template: readonly ExportedVar[],
): ExternalBacking {
  const p = envPrefix(backing.name);
  const secret = credentialsSecretName(backing.name);
  const main = parseUrl(backing.url ?? "");
  const read = backing.readUrl === undefined ? main : parseUrl(backing.readUrl);
  const builtinHost = serviceHost(backing.name, model);
  const builtinPort = template.find((v) => v.name === `${p}_PORT`);
  const oldPort = builtinPort !== undefined && "value" in builtinPort ? builtinPort.value : "";
  const port = (u: ParsedUrl) => u.port ?? (Number(oldPort) || 443);
  const supplied: string[] = [];
  const user = main.user;
  const exports: ExportedVar[] = [];
  const urlOf = (u: ParsedUrl, withCredentials: boolean) =>
    kubeLiteral(
      `${u.scheme}//${withCredentials ? `$(${p}_USER):$(${p}_PASSWORD)@` : ""}${u.host}:${port(u)}${u.rest}`,
      new Set([`${p}_USER`, `${p}_PASSWORD`]),
    );
  for (const v of template) {
    if ("secret" in v || ((v.name === `${p}_USER` || v.name === `${p}_ACCESS_KEY`) && user === undefined)) {
      supplied.push(v.name);
      exports.push({ name: v.name, secret: { name: secret, key: v.name } });
      continue;
    }
    const suffix = v.name.slice(p.length + 1);
    const value = (() => {
      switch (suffix) {
        case "HOST":
          return kubeLiteral(main.host);
        case "READ_HOST":
          return kubeLiteral(read.host);
        case "PORT":
          return String(port(main));
        case "USER":
        case "ACCESS_KEY":
          return kubeLiteral(user ?? "");
        case "DATABASE":
          return kubeLiteral(main.database ?? databaseName(backing));
        case "URL":
          return urlOf(main, v.value.includes(`$(${p}_PASSWORD)`));
        case "READ_URL":
          return urlOf(read, v.value.includes(`$(${p}_PASSWORD)`));
        default:
          return kubeLiteral(
            v.value
              .replaceAll(`${builtinHost}:${oldPort}`, `${main.host}:${port(main)}`)
              .replaceAll(builtinHost, main.host),
          );
      }
    })();
    exports.push({ name: v.name, value });
  }
  const own = backing.secrets.filter((k) => !supplied.includes(k));
  const keys = [...supplied, ...own];
  return {
    name: backing.name,
    type: backing.type,
    mode: "external",
    url: backing.url ?? "",
    host: main.host,
    port: port(main),
    secrets: keys.length > 0 ? [{ name: secret, keys, source: "external" }] : [],
    exports: [...own.map((k) => ({ name: k, secret: { name: secret, key: k } })), ...exports],
  };
}

interface ParsedUrl {
  readonly scheme: string;
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  readonly database?: string;
  /** Path and query, as written. */
  readonly rest: string;
}

function parseUrl(text: string): ParsedUrl {
  if (!URL.canParse(text)) return { scheme: "", host: text, rest: "" };
  const u = new URL(text);
  const port = u.port === "" ? DEFAULT_PORTS[u.protocol] : Number(u.port);
  const path = decodeURIComponent(u.pathname.replace(/^\//, ""));
  return {
    scheme: u.protocol,
    host: u.hostname,
    ...(port === undefined ? {} : { port }),
    ...(u.username === "" ? {} : { user: decodeURIComponent(u.username) }),
    ...(path === "" || path.includes("/") ? {} : { database: path }),
    rest: `${u.pathname === "/" ? "" : u.pathname}${u.search}`,
  };
}

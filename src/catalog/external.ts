import type { Backing } from "../model/app-model.js";
import { credentialsSecretName, envPrefix, kubeLiteral } from "./helpers.js";
import type { ExportedVar, SecretRequirement } from "./types.js";

/** A service outside the cluster: nothing runs; workloads get its URL and the operator's secrets. */
export interface ExternalBacking {
  readonly name: string;
  readonly type: "external";
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

import type { AppModel, Backing, Resources } from "../model/app-model.js";
import { error, type Diagnostic } from "../spec/diagnostic.js";
import type { BackingType } from "../spec/schema.js";
import { quantityValue } from "../spec/quantity.js";
import { didYouMean } from "../spec/suggest.js";
import { cassandra } from "./cassandra.js";
import { elasticsearch } from "./elasticsearch.js";
import { type ExternalBacking, resolveExternal, resolveExternalMode } from "./external.js";
import { checkOperated, operatorOf, resolveOperated } from "./operators/index.js";
import type { OperatedBacking } from "./operators/types.js";
import { kafka } from "./kafka.js";
import { minio } from "./minio.js";
import { mongodb } from "./mongodb.js";
import { mysql } from "./mysql.js";
import { nats } from "./nats.js";
import { postgresql } from "./postgresql.js";
import { rabbitmq } from "./rabbitmq.js";
import { redis } from "./redis.js";
import { tarantool } from "./tarantool.js";
import type { BackingPreset, BackingRuntime } from "./types.js";
import { zookeeper } from "./zookeeper.js";

/** Every preset of the catalog, by type. */
export const PRESETS: Readonly<Record<Exclude<BackingType, "external">, BackingPreset>> = {
  cassandra,
  elasticsearch,
  kafka,
  minio,
  mongodb,
  mysql,
  nats,
  postgresql,
  rabbitmq,
  redis,
  tarantool,
  zookeeper,
};

/** A backing service resolved against the catalog: kubeship's StatefulSets, an operator's resources, or outside. */
export type ResolvedBacking = BackingRuntime | ExternalBacking | OperatedBacking;

/** True for a service outside the cluster (nothing to run). */
export function isExternal(b: ResolvedBacking): b is ExternalBacking {
  return "mode" in b && b.mode === "external";
}

/** True for a service its operator runs (kubeship writes the custom resources). */
export function isOperated(b: ResolvedBacking): b is OperatedBacking {
  return "mode" in b && b.mode === "operator";
}

/** True for a service kubeship runs itself (StatefulSets). */
export function isBuiltin(b: ResolvedBacking): b is BackingRuntime {
  return !("mode" in b);
}

/** Finds the catalog version a user's version means: exact, or the only one it prefixes (`7` -> `7.0`). */
export function matchVersion(preset: BackingPreset, version: string | undefined): string | undefined {
  if (version === undefined) return preset.defaultVersion;
  if (version in preset.versions) return version;
  const prefixed = Object.keys(preset.versions).filter((v) => v.startsWith(`${version}.`));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Checks the backing services against the catalog: versions, replica counts, URLs. */
export function checkBackings(backings: readonly Backing[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const b of backings) {
    if (b.type === "external") {
      if (b.url !== undefined && !URL.canParse(b.url))
        out.push(
          error(
            "catalog/invalid-url",
            ["backing", b.name, "url"],
            `'${b.url}' is not a URL`,
            "write scheme://host[:port][/path], e.g. https://api.example.com",
          ),
        );
      continue;
    }
    const preset = PRESETS[b.type];
    const operator = operatorOf(b);
    if (b.mode === "external") {
      out.push(...externalModeProblems(b));
      continue;
    }
    if (operator !== undefined) {
      out.push(...checkOperated(b, operator), ...resourceProblems(b, preset));
      continue;
    }
    if (matchVersion(preset, b.version) === undefined) {
      const known = Object.keys(preset.versions);
      out.push(
        error(
          "catalog/unknown-version",
          ["backing", b.name, "version"],
          `${b.type} version '${b.version ?? ""}' is not in the catalog${didYouMean(b.version ?? "", known)}`,
          `available: ${known.join(", ")} (default ${preset.defaultVersion})`,
        ),
      );
    }
    out.push(...resourceProblems(b, preset));
    if (b.replicas > preset.maxReplicas)
      out.push(
        error(
          "catalog/replicas-not-supported",
          ["backing", b.name, "replicas"],
          preset.maxReplicas === 1
            ? `the ${b.type} preset runs a single instance`
            : `the ${b.type} preset runs at most ${preset.maxReplicas} replicas`,
          preset.replicasHint ??
            (preset.maxReplicas === 1 ? "remove 'replicas'" : `use at most ${preset.maxReplicas}`),
        ),
      );
    const problem =
      b.replicas > 1
        ? preset.replicasProblem?.(b.replicas, matchVersion(preset, b.version) ?? preset.defaultVersion)
        : undefined;
    if (problem !== undefined)
      out.push(error("catalog/replicas-not-supported", ["backing", b.name, "replicas"], problem));
  }
  return out;
}

/** Resolves every backing service of the model (call `checkBackings` first). */
export function resolveBackings(model: AppModel): ReadonlyMap<string, ResolvedBacking> {
  const out = new Map<string, ResolvedBacking>();
  for (const b of model.backings) out.set(b.name, resolveBacking(b, model));
  return out;
}

function resolveBacking(b: Backing, model: AppModel): ResolvedBacking {
  if (b.type === "external") return resolveExternal(b);
  const preset = PRESETS[b.type];
  const resources = mergeResources(preset.defaultResources, b.resources);
  const storage = b.storage ?? preset.defaultStorage;
  const operator = operatorOf(b);
  if (operator !== undefined) return resolveOperated(b, model, operator, storage, resources);
  if (b.mode === "external") {
    // The variables of the builtin preset (its defaults: mode external has no version or replicas).
    const builtin = resolveBacking({ ...b, mode: "builtin", replicas: 1 }, model);
    return resolveExternalMode(b, model, builtin.exports);
  }
  const version = matchVersion(preset, b.version) ?? preset.defaultVersion;
  const image = preset.versions[version] ?? "";
  const built = preset.build({
    backing: b,
    model,
    version,
    image,
    storage,
    resources,
    monitoring: model.monitoring.serviceMonitor,
  });
  const { members = [], replicas, parallel, ...rest } = built;
  const common = {
    type: b.type,
    version,
    resources,
    ...(b.storageClass === undefined ? {} : { storageClass: b.storageClass }),
    placement: b.placement,
    group: b.name,
  };
  return {
    ...rest,
    ...common,
    name: b.name,
    image: built.image ?? image,
    storage,
    replicas: replicas ?? b.replicas,
    parallel: parallel ?? false,
    members: members.map(({ suffix, storage: memberStorage, parallel: memberParallel, ...m }) => ({
      ...m,
      ...common,
      name: `${b.name}${suffix}`,
      image: m.image ?? built.image ?? image,
      storage: memberStorage ?? storage,
      parallel: memberParallel ?? false,
      members: [],
      secrets: [],
      exports: [],
    })),
  };
}

/**
 * The preset's resources with the user's on top. A limit the user did not set never falls below the
 * request (the API server refuses requests above limits); one the user set and is below the request
 * is reported by `resourceProblems`.
 */
function mergeResources(base: Resources, over: Backing["resources"]): Resources {
  const side = (res: "cpu" | "memory") => {
    const request = over?.requests?.[res] ?? base.requests[res];
    const limit = over?.limits?.[res];
    if (limit !== undefined) return { request, limit };
    return {
      request,
      limit: quantityValue(request) > quantityValue(base.limits[res]) ? request : base.limits[res],
    };
  };
  const cpu = side("cpu");
  const memory = side("memory");
  return {
    requests: { cpu: cpu.request, memory: memory.request },
    limits: { cpu: cpu.limit, memory: memory.limit },
  };
}

function resourceProblems(b: Backing, preset: BackingPreset): Diagnostic[] {
  const merged = mergeResources(preset.defaultResources, b.resources);
  return (["cpu", "memory"] as const).flatMap((res) => {
    const limit = b.resources?.limits?.[res];
    const request = merged.requests[res];
    if (limit === undefined || quantityValue(request) <= quantityValue(limit)) return [];
    const own = b.resources?.requests?.[res] !== undefined;
    return [
      error(
        "spec/request-above-limit",
        ["backing", b.name, "resources", own ? "requests" : "limits", res],
        `the ${res} request ${request}${own ? "" : ` (the ${b.type} preset's)`} is above the limit ${limit}`,
        "the API server refuses requests above limits: raise the limit or lower the request",
      ),
    ];
  });
}

/** A typed backing in mode external: a URL that parses, with the user where the type has one. */
function externalModeProblems(b: Backing): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const field of ["url", "readUrl"] as const) {
    const url = b[field];
    if (url !== undefined && !URL.canParse(url))
      out.push(
        error(
          "catalog/invalid-url",
          ["backing", b.name, field],
          `'${url}' is not a URL`,
          `write scheme://[user@]host[:port][/database], e.g. ${EXAMPLE_URLS[b.type] ?? "https://host.example.com"}`,
        ),
      );
  }
  return out;
}

/** A URL of each type, as mode external takes it (for errors and the catalog page). */
export const EXAMPLE_URLS: Partial<Record<BackingType, string>> = {
  postgresql: "postgresql://app@orders.abc123.eu-west-1.rds.amazonaws.com:5432/orders",
  mysql: "mysql://app@db.example.com:3306/orders",
  mongodb: "mongodb://app@mongo.example.com:27017/orders?authSource=admin",
  redis: "rediss://default@cache.example.com:6380/0",
  kafka: "kafka://broker-1.example.com:9092",
  elasticsearch: "https://elastic@search.example.com:9243",
  rabbitmq: "amqps://app@mq.example.com:5671/%2F",
};

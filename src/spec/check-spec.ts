import { checkBackingModes } from "./check-backing-modes.js";
import { error, warning, type Diagnostic, type DocPath } from "./diagnostic.js";
import type { AppSpec, BackingType } from "./schema.js";
import { credentialLeak } from "./credentials.js";
import { cronProblem } from "./cron.js";
import { bucketProblem, databaseNameProblem, keyspaceProblem, topicProblem } from "./identifiers.js";
import { parseImageRef } from "./image-ref.js";
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from "./k8s-names.js";
import { checkRouting } from "./check-routing.js";
import { checkSecretsBackend } from "./check-secrets-backend.js";
import { checkWorkloadFeatures } from "./check-workload-features.js";
import { didYouMean } from "./suggest.js";

const MAX_NAME = 63;

/**
 * The longest name of each kind of entry, from the longest name kubeship derives from it and the
 * API server's own limits. Names are object names and label values (`app.kubernetes.io/name`), both
 * at most 63 characters.
 */
export const NAME_LIMITS = {
  /** `<app>-default-deny` (NetworkPolicy) is the longest name derived from the app. */
  app: MAX_NAME - "-default-deny".length,
  /** `<workload>-secrets` is the longest today; one character is kept for a longer suffix. */
  workload: 54,
  /**
   * A CronJob's Jobs are named `<cronjob>-<minutes since the epoch>`: the API server refuses CronJob
   * names over 52 characters.
   */
  cronJob: 52,
  /**
   * A StatefulSet's pods carry the label `controller-revision-hash: <name>-<hash of up to 10
   * characters>`: over 52 characters, the label is invalid and the controller creates no pod at all.
   */
  backing: 52,
} as const;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Service names must also be DNS-1035 labels: they start with a letter.
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Which type-specific backing options each backing type accepts. */
export const BACKING_OPTIONS: Readonly<Record<string, readonly BackingType[]>> = {
  database: ["postgresql", "mysql", "mongodb"],
  buckets: ["minio"],
  topics: ["kafka"],
  keyspace: ["cassandra"],
  sync: ["postgresql"],
  url: ["external"],
  secrets: ["external"],
};

/** The options a typed backing in mode external accepts besides its type's own. */
const EXTERNAL_MODE_OPTIONS: ReadonlySet<string> = new Set(["url", "secrets"]);

/** Which backing types may `use` which (Kafka on ZooKeeper). */
export const BACKING_USES: Partial<Record<BackingType, readonly BackingType[]>> = { kafka: ["zookeeper"] };

/**
 * Checks the rules a schema cannot express: names, references, type-specific options, ranges
 * between fields. Returns diagnostics; never throws.
 */
export function checkSpec(spec: AppSpec): Diagnostic[] {
  const out: Diagnostic[] = [];
  checkName(out, ["app"], spec.app, NAME_LIMITS.app);
  if (spec.namespace !== undefined) checkName(out, ["namespace"], spec.namespace, MAX_NAME, "namespace");

  const services = Object.keys(spec.services ?? {});
  const workers = Object.keys(spec.workers ?? {});
  const jobs = Object.keys(spec.jobs ?? {});
  const backings = Object.keys(spec.backing ?? {});
  const owner = new Map<string, string>();
  for (const [section, list] of [
    ["services", services],
    ["workers", workers],
    ["jobs", jobs],
    ["backing", backings],
  ] as const) {
    for (const name of list) {
      const limit =
        section === "backing"
          ? NAME_LIMITS.backing
          : section === "jobs" && spec.jobs?.[name]?.schedule !== undefined
            ? NAME_LIMITS.cronJob
            : NAME_LIMITS.workload;
      checkName(out, [section, name], name, limit);
      const first = owner.get(name);
      if (first !== undefined)
        out.push(
          error(
            "spec/duplicate-name",
            [section, name],
            `'${name}' is already defined in ${first}`,
            "names are shared by all sections: rename one",
          ),
        );
      else owner.set(name, section);
    }
  }

  // A volume's claim is named like it, its pod volume `vol-<name>`.
  for (const name of Object.keys(spec.volumes ?? {}))
    checkName(out, ["volumes", name], name, NAME_LIMITS.workload);

  const usable = [...backings, ...services];
  const rollouts = [...services, ...workers];
  const checkUses = (section: string, name: string, uses: readonly string[] | undefined): void => {
    (uses ?? []).forEach((target, i) => {
      const path = [section, name, "uses", i];
      if (target === name)
        out.push(error("spec/self-use", path, `'${name}' cannot use itself`, "remove it from 'uses'"));
      else if (workers.includes(target) || jobs.includes(target))
        out.push(
          error(
            "spec/bad-reference",
            path,
            `'${target}' is a ${workers.includes(target) ? "worker" : "job"}; only services and backing services can be used`,
            "workers and jobs have no address: remove it",
          ),
        );
      else if (!usable.includes(target))
        out.push(
          error(
            "spec/unknown-reference",
            path,
            `unknown backing or service '${target}'${didYouMean(target, usable)}`,
            usable.length > 0 ? `defined: ${usable.join(", ")}` : "define it under 'backing' or 'services'",
          ),
        );
      else if ((uses ?? []).indexOf(target) !== i)
        out.push(
          warning("spec/duplicate-reference", path, `'${target}' is listed twice`, "remove the repeat"),
        );
    });
  };

  for (const [name, s] of Object.entries(spec.services ?? {})) {
    checkUses("services", name, s.uses);
    checkWorkload(out, "services", name, s);
    if (
      typeof s.health === "object" &&
      s.health.exec === undefined &&
      s.health.grpc !== true &&
      s.health.tcp !== true &&
      s.health.readiness === undefined &&
      s.health.liveness === undefined &&
      s.health.startup === undefined
    )
      out.push(
        error(
          "spec/empty-health",
          ["services", name, "health"],
          "health names no check",
          "give a path, { grpc: true }, { tcp: true } or { exec: [...] }",
        ),
      );
    if (s.protocol === "grpc" && s.metrics?.port === s.port)
      out.push(
        warning(
          "spec/grpc-metrics-port",
          ["services", name, "metrics", "port"],
          "metrics on the gRPC port: Prometheus scrapes over HTTP/1.1, which a gRPC (HTTP/2) server does not answer",
          "serve /metrics on a port of its own and name it in metrics.port",
        ),
      );
    if (
      s.protocol === "grpc" &&
      s.route !== undefined &&
      spec.ingress?.tls === undefined &&
      spec.ingress?.api !== "gateway"
    )
      out.push(
        warning(
          "spec/grpc-route-without-tls",
          ["services", name, "route"],
          "a gRPC route without ingress.tls: ingress-nginx speaks gRPC to clients over TLS only (HTTP/2 needs ALPN)",
          "set ingress.tls to a cert-manager ClusterIssuer",
        ),
      );
    if (s.protocol === "grpc" && typeof s.health === "string")
      out.push(
        warning(
          "spec/grpc-http-health",
          ["services", name, "health"],
          "an HTTP health path on a gRPC service",
          "use health: { grpc: true } when the server implements grpc.health.v1",
        ),
      );
  }
  for (const [name, w] of Object.entries(spec.workers ?? {})) {
    checkUses("workers", name, w.uses);
    if (w.health === undefined)
      out.push(
        warning(
          "spec/worker-without-health",
          ["workers", name],
          "the worker has no health check: a hung process is never restarted",
          "add health: { exec: [command, ...] } that exits 0 when healthy",
        ),
      );
    checkWorkload(out, "workers", name, w);
    if (
      w.health !== undefined &&
      (typeof w.health === "string" || w.health.exec === undefined || Object.keys(w.health).length > 1)
    )
      out.push(
        error(
          "spec/worker-health",
          ["workers", name, "health"],
          "a worker has no port: its health can only be { exec: [command, ...] }",
          "use health: { exec: [cmd, arg] }",
        ),
      );
  }
  for (const [name, j] of Object.entries(spec.jobs ?? {})) {
    checkUses("jobs", name, j.uses);
    checkSecretsVsEnv(out, ["jobs", name], j.secrets, j.env);
    (j.before ?? []).forEach((target, i) => {
      const path = ["jobs", name, "before", i];
      if (!rollouts.includes(target))
        out.push(
          error(
            "spec/unknown-reference",
            path,
            `unknown service or worker '${target}'${didYouMean(target, rollouts)}`,
            "'before' names services and workers that wait for this job",
          ),
        );
    });
    if (j.schedule !== undefined) {
      if ((j.before ?? []).length > 0)
        out.push(
          error(
            "spec/cron-before",
            ["jobs", name, "before"],
            "a scheduled job (CronJob) cannot gate a rollout",
            "remove 'before' or 'schedule'",
          ),
        );
      const problem = cronProblem(j.schedule);
      if (problem !== undefined)
        out.push(
          error(
            "spec/invalid-schedule",
            ["jobs", name, "schedule"],
            `'${j.schedule}' is not a cron schedule: ${problem}`,
            'use five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *"',
          ),
        );
    }
  }

  for (const [name, b] of Object.entries(spec.backing ?? {})) {
    for (const [option, types] of Object.entries(BACKING_OPTIONS)) {
      // A typed backing in mode external takes a URL and supplied secrets too.
      if (b.mode === "external" && EXTERNAL_MODE_OPTIONS.has(option)) continue;
      if ((b as Record<string, unknown>)[option] !== undefined && !types.includes(b.type))
        out.push(
          error(
            "spec/option-not-supported",
            ["backing", name, option],
            `'${option}' does not apply to type ${b.type}`,
            `it applies to: ${types.join(", ")}`,
          ),
        );
    }
    if (b.type === "external" || b.mode === "external") {
      if (b.url === undefined)
        out.push(
          error(
            "spec/missing-field",
            ["backing", name, "url"],
            "an external backing service needs a 'url'",
            "add url: https://...",
          ),
        );
      // A typed backing keeps its builtin settings for the environments that run it; type external has none.
      for (const field of ["version", "storage", "storageClass", "replicas", "resources", "uses"] as const)
        if (b[field] !== undefined && b.type === "external")
          out.push(
            error(
              "spec/option-not-supported",
              ["backing", name, field],
              `'${field}' does not apply to an external service`,
              "remove it",
            ),
          );
    }
    (b.uses ?? []).forEach((target, i) => {
      const path = ["backing", name, "uses", i];
      const other = spec.backing?.[target];
      const allowed = BACKING_USES[b.type] ?? [];
      if (other === undefined)
        out.push(
          error("spec/unknown-reference", path, `unknown backing '${target}'${didYouMean(target, backings)}`),
        );
      else if (!allowed.includes(other.type))
        out.push(
          error(
            "spec/bad-reference",
            path,
            `a ${b.type} backing cannot use a ${other.type}`,
            allowed.length > 0 ? `it can use: ${allowed.join(", ")}` : "remove 'uses'",
          ),
        );
    });
  }

  const images: [string, Record<string, { image: string }> | undefined][] = [
    ["services", spec.services],
    ["workers", spec.workers],
    ["jobs", spec.jobs],
  ];
  for (const [section, entries] of images)
    for (const [name, w] of Object.entries(entries ?? {})) checkImage(out, [section, name, "image"], w.image);
  checkBackingModes(out, spec);
  checkRoutes(out, spec);
  for (const [name, b] of Object.entries(spec.backing ?? {})) checkBackingNames(out, name, b);
  checkReferencedNames(out, spec);
  checkPlacement(out, ["defaults"], spec.defaults ?? {});
  for (const [section, entries] of [
    ["services", spec.services],
    ["workers", spec.workers],
    ["jobs", spec.jobs],
    ["backing", spec.backing],
  ] as [string, Record<string, PlacementSpec> | undefined][])
    for (const [name, entry] of Object.entries(entries ?? {})) checkPlacement(out, [section, name], entry);
  checkAppSecrets(out, spec);
  checkPlainCredentials(out, spec);
  checkAutoscale(out, ["defaults", "autoscale"], spec.defaults?.autoscale);
  const domainNeeded = Object.values(spec.services ?? {}).some((s) => s.route !== undefined);
  if (spec.ingress?.tls !== undefined && spec.domain === undefined)
    out.push(error("spec/tls-without-domain", ["ingress", "tls"], "TLS needs a host name", "set 'domain'"));
  if (
    spec.domain !== undefined &&
    !/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(spec.domain)
  )
    out.push(
      error(
        "spec/invalid-domain",
        ["domain"],
        `'${spec.domain}' is not a DNS name`,
        "use lower-case letters, digits, '-' and '.'",
      ),
    );
  checkWorkloadFeatures(out, spec);
  checkRouting(out, spec);
  checkSecretsBackend(out, spec);
  if (!domainNeeded && spec.domain !== undefined)
    out.push(
      warning(
        "spec/unused-domain",
        ["domain"],
        "'domain' is set but no service has a 'route'",
        "add route: /path to the services to expose",
      ),
    );
  return out;
}

function checkName(
  out: Diagnostic[],
  path: (string | number)[],
  name: string,
  limit: number,
  what: "namespace" | "object" = "object",
): void {
  if (!DNS_1123_LABEL.test(name))
    out.push(
      error(
        "spec/invalid-name",
        path,
        `'${name}' is not a valid name`,
        "use lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)",
      ),
    );
  else if (what !== "namespace" && !DNS_1035_LABEL.test(name))
    out.push(
      error(
        "spec/invalid-name",
        path,
        `'${name}' must start with a letter`,
        "Kubernetes Service names are DNS-1035 labels",
      ),
    );
  if (name.length > limit)
    out.push(
      error(
        "spec/name-too-long",
        path,
        `'${name}' has ${name.length} characters; at most ${limit} fit`,
        "names become Kubernetes object names and labels (63 characters, with the suffixes kubeship adds)",
      ),
    );
}

function checkWorkload(
  out: Diagnostic[],
  section: string,
  name: string,
  w: {
    autoscale?: unknown;
    secrets?: readonly string[] | undefined;
    env?: Record<string, unknown> | undefined;
    replicas?: number | undefined;
  },
): void {
  checkAutoscale(out, [section, name, "autoscale"], w.autoscale);
  checkSecretsVsEnv(out, [section, name], w.secrets, w.env);
}

function checkSecretsVsEnv(
  out: Diagnostic[],
  path: string[],
  secrets: readonly string[] | undefined,
  env: Record<string, unknown> | undefined,
): void {
  (secrets ?? []).forEach((s, i) => {
    if ((secrets ?? []).indexOf(s) !== i)
      out.push(
        warning(
          "spec/duplicate-reference",
          [...path, "secrets", i],
          `'${s}' is listed twice`,
          "remove the repeat",
        ),
      );
    if (env?.[s] !== undefined)
      out.push(
        error(
          "spec/secret-env-clash",
          [...path, "secrets", i],
          `'${s}' is both a secret and a plain env entry`,
          "remove it from 'env'",
        ),
      );
  });
}

function checkAutoscale(out: Diagnostic[], path: (string | number)[], a: unknown): void {
  if (typeof a !== "object" || a === null) return;
  const { min, max } = a as { min?: number; max?: number };
  if (min !== undefined && max !== undefined && min > max)
    out.push(error("spec/autoscale-range", path, `min ${min} is greater than max ${max}`, "make min <= max"));
}

function checkImage(out: Diagnostic[], path: DocPath, image: string): void {
  const ref = parseImageRef(image);
  if (!ref.ok)
    out.push(
      error(
        "spec/invalid-image",
        path,
        `'${image}' is not an image reference: ${ref.problem}`,
        "write [registry/]name:tag, e.g. ghcr.io/acme/api:1.4.2 (the node would fail it as InvalidImageName)",
      ),
    );
  else if (ref.digest === undefined && (ref.tag === undefined || ref.tag === "latest"))
    out.push(
      error(
        "spec/unpinned-image",
        path,
        `'${image}' ${ref.tag === undefined ? "has no tag" : "uses the latest tag"}: every pull may bring other code`,
        `pin a version: ${ref.name}:1.2.3, or a digest @sha256:...`,
      ),
    );
}

/**
 * Ingress paths of `pathType: Prefix` as the API server and ingress-nginx's strict path validation
 * accept them (ingress-nginx refuses paths with other characters since 1.12), and no two routes alike.
 */
function checkRoutes(out: Diagnostic[], spec: AppSpec): void {
  const owners = new Map<string, string>();
  for (const [name, s] of Object.entries(spec.services ?? {})) {
    if (s.route === undefined) continue;
    const path = ["services", name, "route"];
    if (!/^\/[A-Za-z0-9._~/-]*$/.test(s.route) || /\/\/|\/\.\.?(\/|$)/.test(s.route))
      out.push(
        error(
          "spec/invalid-route",
          path,
          `'${s.route}' is not an Ingress path prefix`,
          "use '/' followed by letters, digits, '.', '_', '~', '-' and '/', without '//', '/./' or '/../'",
        ),
      );
    const key = s.route.length > 1 ? s.route.replace(/\/+$/, "") : s.route;
    const first = owners.get(key);
    if (first !== undefined)
      out.push(
        error(
          "spec/duplicate-route",
          path,
          `'${s.route}' is already the route of '${first}': the ingress controller would send it to either`,
          "give each service its own path prefix",
        ),
      );
    else owners.set(key, name);
  }
}

function checkBackingNames(
  out: Diagnostic[],
  name: string,
  b: NonNullable<AppSpec["backing"]>[string],
): void {
  const problems: [DocPath, string, string | undefined][] = [];
  const applies = (option: string): boolean => BACKING_OPTIONS[option]?.includes(b.type) ?? true;
  if (b.database !== undefined)
    problems.push([["backing", name, "database"], b.database, databaseNameProblem(b.database)]);
  if (b.keyspace !== undefined)
    problems.push([["backing", name, "keyspace"], b.keyspace, keyspaceProblem(b.keyspace)]);
  if (applies("topics"))
    (b.topics ?? []).forEach((t, i) => problems.push([["backing", name, "topics", i], t, topicProblem(t)]));
  if (applies("buckets"))
    (b.buckets ?? []).forEach((t, i) =>
      problems.push([["backing", name, "buckets", i], t, bucketProblem(t)]),
    );
  for (const [path, value, problem] of problems)
    if (problem !== undefined)
      out.push(error("spec/invalid-identifier", path, `'${value}' cannot be used: ${problem}`, "rename it"));
}

/** `secrets.shared` and `secrets.supplied`: each name in one list, used by some workload; a name several workloads generate separately is worth a word. */
function checkAppSecrets(out: Diagnostic[], spec: AppSpec): void {
  const shared = spec.secrets?.shared ?? [];
  const supplied = spec.secrets?.supplied ?? [];
  const listedBy = new Map<string, string[]>();
  for (const [section, entries] of [
    ["services", spec.services],
    ["workers", spec.workers],
    ["jobs", spec.jobs],
  ] as [string, Record<string, { secrets?: string[] | undefined }> | undefined][])
    for (const [name, w] of Object.entries(entries ?? {}))
      for (const key of w.secrets ?? [])
        listedBy.set(key, [...(listedBy.get(key) ?? []), `${section}.${name}`]);
  supplied.forEach((key, i) => {
    if (shared.includes(key))
      out.push(
        error(
          "spec/secret-both",
          ["secrets", "supplied", i],
          `'${key}' is both shared (generated) and supplied`,
          "keep it in one list: supplied when the value comes from elsewhere",
        ),
      );
  });
  for (const [list, keys] of [
    ["shared", shared],
    ["supplied", supplied],
  ] as const)
    keys.forEach((key, i) => {
      if (!listedBy.has(key))
        out.push(
          warning(
            "spec/unused-secret",
            ["secrets", list, i],
            `no workload lists '${key}' in its secrets`,
            "add it to the `secrets` of the workloads that read it, or remove it",
          ),
        );
    });
  for (const [key, users] of listedBy)
    if (users.length > 1 && !shared.includes(key) && !supplied.includes(key))
      out.push(
        warning(
          "spec/separate-secrets",
          [...(users[0] ?? "").split("."), "secrets"],
          `${users.join(" and ")} each get their own random '${key}'`,
          `to give them one value (a signing key both must know), list it under secrets.shared`,
        ),
      );
}

/** Credentials written in plain text into `env` or `config`: they would land in manifests, Git and `kubectl get` output. */
function checkPlainCredentials(out: Diagnostic[], spec: AppSpec): void {
  const check = (path: DocPath, env: Record<string, unknown> | undefined): void => {
    for (const [k, v] of Object.entries(env ?? {})) {
      if (typeof v !== "string") continue;
      const why = credentialLeak(k, v);
      if (why !== undefined)
        out.push(
          warning(
            "spec/plain-credential",
            [...path, k],
            `${k} holds ${why}; it would be written into the manifests`,
            "list the name in `secrets` (a generated value) or in secrets.supplied (a value given at deploy time), and remove it here",
          ),
        );
    }
  };
  check(["config"], spec.config);
  for (const [section, entries] of [
    ["services", spec.services],
    ["workers", spec.workers],
    ["jobs", spec.jobs],
  ] as [string, Record<string, { env?: Record<string, unknown> | undefined }> | undefined][])
    for (const [name, w] of Object.entries(entries ?? {})) check([section, name, "env"], w.env);
}

type PlacementSpec = Pick<
  NonNullable<AppSpec["backing"]>[string],
  "imagePullSecrets" | "nodeSelector" | "tolerations" | "annotations"
>;

/** Total size of a pod's annotations, keys and values, that the API server accepts. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Registry credentials, node selectors, tolerations and annotations as the API server validates them. */
function checkPlacement(out: Diagnostic[], path: DocPath, p: Partial<PlacementSpec>): void {
  (p.imagePullSecrets ?? []).forEach((name, i) => {
    for (const e of dns1123SubdomainErrors(name))
      out.push(
        error("spec/invalid-name", [...path, "imagePullSecrets", i], `'${name}' ${e}`, "name a Secret"),
      );
  });
  for (const [k, v] of Object.entries(p.nodeSelector ?? {})) {
    const problems = [
      ...qualifiedNameErrors(k).map((e) => `key: ${e}`),
      ...labelValueErrors(v).map((e) => `value: ${e}`),
    ];
    if (problems.length > 0)
      out.push(
        error(
          "spec/invalid-label",
          [...path, "nodeSelector", k],
          `'${k}: ${v}' is not a node label: ${problems.join("; ")}`,
        ),
      );
  }
  let bytes = 0;
  for (const [k, v] of Object.entries(p.annotations ?? {})) {
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
    const problems = qualifiedNameErrors(k);
    if (problems.length > 0)
      out.push(
        error(
          "spec/invalid-annotation",
          [...path, "annotations", k],
          `'${k}' is not an annotation key: ${problems.join("; ")}`,
        ),
      );
  }
  if (bytes > MAX_ANNOTATIONS_BYTES)
    out.push(
      error(
        "spec/invalid-annotation",
        [...path, "annotations"],
        `the annotations hold ${bytes} bytes; the API server allows ${MAX_ANNOTATIONS_BYTES}`,
        "keep large data in a ConfigMap",
      ),
    );
  (p.tolerations ?? []).forEach((t, i) => {
    const at = [...path, "tolerations", i];
    if ((t.key ?? "") === "" && t.operator !== "Exists")
      out.push(
        error(
          "spec/invalid-toleration",
          at,
          "a toleration without a key must have operator: Exists",
          "add a key, or operator: Exists to tolerate every taint",
        ),
      );
    if (t.operator === "Exists" && (t.value ?? "") !== "")
      out.push(
        error(
          "spec/invalid-toleration",
          at,
          "a toleration with operator Exists has no value",
          "remove the value",
        ),
      );
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute")
      out.push(
        error(
          "spec/invalid-toleration",
          at,
          "tolerationSeconds applies to effect NoExecute only",
          "set effect: NoExecute or remove tolerationSeconds",
        ),
      );
    if ((t.key ?? "") !== "")
      for (const e of qualifiedNameErrors(t.key ?? ""))
        out.push(error("spec/invalid-toleration", [...at, "key"], `'${t.key ?? ""}' ${e}`));
    if (t.value !== undefined && t.value !== "")
      for (const e of labelValueErrors(t.value))
        out.push(error("spec/invalid-toleration", [...at, "value"], `'${t.value}' ${e}`));
  });
}

/**
 * Names of things outside the app that land in object fields the API server validates: the
 * IngressClass, the cert-manager issuer, StorageClasses (DNS-1123 subdomains), the ingress controller's
 * and Prometheus's namespaces (DNS-1123 labels), and the ingress annotations' keys.
 */
function checkReferencedNames(out: Diagnostic[], spec: AppSpec): void {
  const check = (
    path: DocPath,
    value: string | undefined,
    errors: (v: string) => string[],
    what: string,
  ): void => {
    if (value === undefined) return;
    const problems = errors(value);
    if (problems.length > 0)
      out.push(error("spec/invalid-name", path, `'${value}' is not ${what}: ${problems.join("; ")}`));
  };
  check(["ingress", "className"], spec.ingress?.className, dns1123SubdomainErrors, "an IngressClass name");
  check(["ingress", "tls"], spec.ingress?.tls, dns1123SubdomainErrors, "a ClusterIssuer name");
  check(
    ["ingress", "controllerNamespace"],
    spec.ingress?.controllerNamespace,
    dns1123LabelErrors,
    "a namespace",
  );
  check(
    ["monitoring", "prometheusNamespace"],
    spec.monitoring?.prometheusNamespace,
    dns1123LabelErrors,
    "a namespace",
  );
  for (const [name, b] of Object.entries(spec.backing ?? {}))
    check(["backing", name, "storageClass"], b.storageClass, dns1123SubdomainErrors, "a StorageClass name");
  for (const k of Object.keys(spec.ingress?.annotations ?? {})) {
    const problems = qualifiedNameErrors(k);
    if (problems.length > 0)
      out.push(
        error(
          "spec/invalid-annotation",
          ["ingress", "annotations", k],
          `'${k}' is not an annotation key: ${problems.join("; ")}`,
        ),
      );
  }
}

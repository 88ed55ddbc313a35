import type { IContainer, IEnvVar, IProbe } from "kubernetes-models/v1";
import type { AppModel, Backing } from "../model/app-model.js";
import type { ExportedVar, NamedPort } from "./types.js";

/** The env prefix of a backing or service: `orders-db` -> `ORDERS_DB`. */
export function envPrefix(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

/** The name of the Secret holding a backing service's generated credentials. */
export function credentialsSecretName(backing: string): string {
  return `${backing}-credentials`;
}

/** The in-cluster DNS name of a backing's (or service's) client Service. */
export function serviceHost(name: string, model: AppModel): string {
  return `${name}.${model.namespace}.svc`;
}

/** The name of a backing's headless Service (stable pod DNS names). */
export function headlessName(name: string): string {
  return `${name}-headless`;
}

/** The DNS name of pod `ordinal` of a backing's StatefulSet. */
export function podHost(name: string, ordinal: number, model: AppModel): string {
  return `${name}-${ordinal}.${headlessName(name)}.${model.namespace}.svc`;
}

/**
 * A value from the spec made literal for Kubernetes' `$(VAR)` expansion in `env`, `command` and
 * `args`: every `$` is doubled (`$$` is how Kubernetes writes a literal `$`), except in `$(NAME)`
 * references to the variables in `references`, which are meant to expand.
 * https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
export function kubeLiteral(value: string, references: ReadonlySet<string> = new Set()): string {
  return value.replace(
    /\$(\(([A-Za-z_][A-Za-z0-9_]*)\))?/g,
    (match, ref: string | undefined, name: string | undefined) =>
      ref !== undefined && name !== undefined && references.has(name) ? match : `$$${ref ?? ""}`,
  );
}

/** An env var read from a Secret key. */
export function secretEnv(name: string, secret: string, key: string): IEnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** A plain env var. */
export function env(name: string, value: string): IEnvVar {
  return { name, value };
}

/** The pod's own name, for engines that derive their identity from the StatefulSet ordinal. */
export const POD_NAME_ENV: IEnvVar = {
  name: "POD_NAME",
  valueFrom: { fieldRef: { fieldPath: "metadata.name" } },
};

/** An exec probe. */
export function execProbe(command: string[], timeoutSeconds = 5): IProbe {
  return { exec: { command }, timeoutSeconds };
}

/** A shell-command exec probe (for `$VAR` expansion from the container's env). */
export function shellProbe(script: string, timeoutSeconds = 5): IProbe {
  return execProbe(["sh", "-c", script], timeoutSeconds);
}

/** Readiness/liveness/startup timing for stateful engines: patient start-up, quick readiness. */
export function probeSet(
  readiness: IProbe,
  liveness: IProbe = readiness,
  startupFailures = 60,
): { readiness: IProbe; liveness: IProbe; startup: IProbe } {
  return {
    readiness: { ...readiness, periodSeconds: 10, failureThreshold: 3, successThreshold: 1 },
    liveness: { ...liveness, periodSeconds: 20, failureThreshold: 6, successThreshold: 1 },
    // Databases can take minutes to recover on start: the startup probe holds liveness off until then.
    startup: { ...liveness, periodSeconds: 5, failureThreshold: startupFailures, successThreshold: 1 },
  };
}

/** The standard exports: HOST, PORT, then USER/PASSWORD/DATABASE where present, then URL. */
export function standardExports(
  backing: Backing,
  model: AppModel,
  port: NamedPort,
  url: (vars: { host: string; port: number; user: string; password: string; database: string }) => string,
  options: {
    user?: string;
    password?: { key: string };
    database?: string;
    extra?: ExportedVar[];
    /** Variables that refer to `_USER`/`_PASSWORD` too (a replicas' URL): after the URL. */
    extraAfterUrl?: ExportedVar[];
  } = {},
): ExportedVar[] {
  const p = envPrefix(backing.name);
  const host = serviceHost(backing.name, model);
  const secret = credentialsSecretName(backing.name);
  const out: ExportedVar[] = [
    { name: `${p}_HOST`, value: host },
    { name: `${p}_PORT`, value: String(port.port) },
  ];
  if (options.user !== undefined) out.push({ name: `${p}_USER`, value: options.user });
  if (options.password)
    out.push({ name: `${p}_PASSWORD`, secret: { name: secret, key: options.password.key } });
  if (options.database !== undefined) out.push({ name: `${p}_DATABASE`, value: options.database });
  out.push(...(options.extra ?? []));
  // Kubernetes expands $(VAR) from variables defined earlier in the list: URL comes last.
  out.push({
    name: `${p}_URL`,
    value: url({
      host,
      port: port.port,
      user: `$(${p}_USER)`,
      password: `$(${p}_PASSWORD)`,
      database: options.database ?? "",
    }),
  });
  out.push(...(options.extraAfterUrl ?? []));
  return out;
}

/** The database user kubeship creates in engines that have users. */
export const APP_USER = "app";

/** A database name from the spec, or one derived from the backing's name (`orders-db` -> `orders_db`). */
export function databaseName(backing: Backing): string {
  return backing.database ?? backing.name.replace(/-/g, "_");
}

/** An exporter sidecar: small, probed on its port, no privileges (render adds the securityContext). */
export function exporterSidecar(
  image: string,
  port: NamedPort,
  envVars: IEnvVar[] = [],
  args: string[] = [],
): IContainer {
  return {
    name: "exporter",
    image,
    ...(args.length > 0 ? { args } : {}),
    ...(envVars.length > 0 ? { env: envVars } : {}),
    ports: [{ name: port.name, containerPort: port.port, protocol: "TCP" }],
    readinessProbe: { tcpSocket: { port: port.name }, periodSeconds: 15, timeoutSeconds: 3 },
    livenessProbe: { tcpSocket: { port: port.name }, periodSeconds: 30, timeoutSeconds: 3 },
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
  };
}

/** Shell words joined for `sh -c`, each single-quoted. */
export function shellQuote(words: readonly string[]): string {
  return words.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(" ");
}

/** A script that retries `probe` every 5 s until it succeeds, then runs `then` (for init jobs). */
export function waitThen(probe: string, then: string): string {
  return `until ${probe}; do echo "waiting for the server..."; sleep 5; done; ${then}`;
}

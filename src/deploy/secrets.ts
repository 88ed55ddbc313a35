import { createHash, randomBytes } from "node:crypto";
import type { IPodTemplateSpec } from "kubernetes-models/v1";
import type { SecretRequirement } from "../catalog/types.js";
import { GENERATED_SECRET_LENGTH, renderSecret } from "../render/secret.js";
import { type KubeObject, toObject } from "../render/kube-object.js";
import { SECRET_FILES_HASH_ANNOTATION } from "../render/workload-volumes.js";
import type { AppModel } from "../model/app-model.js";
import type { Cluster } from "./kube/cluster.js";
import { DeployError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A cryptographically random alphanumeric value (rejection sampling: no modulo bias). */
export function generateSecretValue(length = GENERATED_SECRET_LENGTH): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62] ?? "";
    }
  }
  return out;
}

/**
 * Where operator-supplied values come from: the environment, then a secrets file; for a secret
 * file's key, the file (relative to the spec's directory). Undefined when there is none.
 */
export type ExternalValues = (key: string, file?: string) => string | undefined;

/** What `writeSecrets` will do to one Secret: its requirement, the live data, the values to add. */
export interface SecretPlan {
  readonly req: SecretRequirement;
  readonly existing: Readonly<Record<string, string>> | undefined;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Works out every Secret the app needs, changing nothing: generated values for keys that do not exist
 * yet (never regenerated), and supplied values from the operator. A supplied value that is neither
 * given nor already in the cluster is an error that names it, raised before the deploy records a
 * revision or changes anything. Values are never logged.
 */
export async function planSecrets(
  cluster: Cluster,
  model: AppModel,
  requirements: readonly SecretRequirement[],
  external: ExternalValues,
): Promise<SecretPlan[]> {
  const missingExternal: string[] = [];
  const unreadable: string[] = [];
  const plans: SecretPlan[] = [];
  for (const req of requirements) {
    const live = await cluster.get({
      apiVersion: "v1",
      kind: "Secret",
      name: req.name,
      namespace: model.namespace,
    });
    const existing = live ? ((live["data"] as Record<string, string> | undefined) ?? {}) : undefined;
    const values: Record<string, string> = {};
    for (const key of req.keys) {
      if (req.source === "generated") {
        if (existing?.[key] === undefined) values[key] = generateSecretValue();
      } else {
        const file = req.files?.[key];
        const supplied = external(key, file);
        if (supplied !== undefined) values[key] = supplied;
        else if (file !== undefined) unreadable.push(`${file} (Secret ${req.name}, key ${key})`);
        else if (existing?.[key] === undefined) missingExternal.push(`${key} (Secret ${req.name})`);
      }
    }
    plans.push({ req, existing, values });
  }
  if (unreadable.length > 0)
    throw new DeployError(
      `cannot read the secret files ${unreadable.join(", ")}; nothing was changed`,
      "secret files are read at deploy time, relative to the spec's directory: check the paths in files.*.from",
    );
  if (missingExternal.length > 0)
    throw new DeployError(
      `missing values for supplied secrets: ${missingExternal.join(", ")}; nothing was changed`,
      "set them as environment variables of the same name, or pass --secrets-file FILE with KEY=value lines",
    );
  return plans;
}

/** Creates or completes the planned Secrets: an existing key is never touched, a missing key is added. */
export async function writeSecrets(
  cluster: Cluster,
  model: AppModel,
  plans: readonly SecretPlan[],
  report: (
    name: string,
    action: "created" | "completed" | "kept" | "updated",
    keys: readonly string[],
  ) => void,
): Promise<void> {
  for (const { req, existing, values } of plans) {
    const data = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
    );
    if (existing === undefined) {
      await cluster.create(toObject(renderSecret(model, req, values)));
      report(req.name, "created", req.keys);
    } else if (Object.keys(data).length > 0) {
      const changed = Object.keys(data).filter((k) => existing[k] !== data[k]);
      if (changed.length > 0) {
        await cluster.mergePatch(
          { apiVersion: "v1", kind: "Secret", name: req.name, namespace: model.namespace },
          { data },
        );
        report(req.name, req.source === "generated" ? "completed" : "updated", changed);
      } else report(req.name, "kept", []);
    } else report(req.name, "kept", []);
  }
}

/** Who writes the Secrets, per backend, for the deploy's note. */
const WRITER: Readonly<Record<AppModel["secrets"]["backend"], string>> = {
  generate: "kubeship",
  "external-secrets": "External Secrets",
  "sealed-secrets": "the sealed-secrets controller",
  sops: "Flux (or whoever applies the SOPS files)",
};

/**
 * With a secrets backend (External Secrets, Sealed Secrets, SOPS), waits until every Secret the app needs
 * exists with all its keys, as the controller writes it; by the deadline, names each one missing
 * and, for an ExternalSecret, why ESO has not synced it (its Ready condition).
 */
export async function waitForSecrets(
  cluster: Cluster,
  model: AppModel,
  requirements: readonly SecretRequirement[],
  deadline: number,
  note: (message: string) => void,
): Promise<void> {
  const pending = new Map(requirements.map((r) => [r.name, r]));
  let said = false;
  for (;;) {
    for (const [name, req] of pending) {
      const live = await cluster.get({ apiVersion: "v1", kind: "Secret", name, namespace: model.namespace });
      const data = (live?.["data"] ?? {}) as Record<string, unknown>;
      if (live !== undefined && req.keys.every((k) => typeof data[k] === "string")) pending.delete(name);
    }
    if (pending.size === 0) return;
    if (!said) {
      note(`waiting for ${WRITER[model.secrets.backend]} to write ${[...pending.keys()].join(", ")}`);
      said = true;
    }
    if (Date.now() >= deadline) {
      const why = await Promise.all(
        [...pending.values()].map(
          async (r) => `${r.name} (keys ${r.keys.join(", ")})${await syncProblem(cluster, model, r.name)}`,
        ),
      );
      throw new DeployError(
        `these Secrets did not appear: ${why.join("; ")}`,
        model.secrets.backend === "external-secrets"
          ? "check the ExternalSecrets (kubectl describe externalsecret) and their store"
          : model.secrets.backend === "sops"
            ? "apply the files `kubeship seal --age` wrote through Flux (its Kustomization decrypts SOPS) or `sops decrypt FILE | kubectl apply -f -`"
            : "apply the SealedSecrets `kubeship seal` wrote (or let GitOps do it), and check the sealed-secrets controller",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Why an ExternalSecret has not written its Secret, from its Ready condition ("" when unknown). */
async function syncProblem(cluster: Cluster, model: AppModel, name: string): Promise<string> {
  if (model.secrets.backend !== "external-secrets") return "";
  const es = await cluster
    .get({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name, namespace: model.namespace })
    .catch(() => undefined);
  const conditions =
    (
      es?.["status"] as
        { conditions?: { type?: string; status?: string; reason?: string; message?: string }[] } | undefined
    )?.conditions ?? [];
  const ready = conditions.find((c) => c.type === "Ready");
  return ready === undefined
    ? ""
    : `: ExternalSecret Ready ${ready.status ?? "?"}, ${ready.reason ?? ""} ${ready.message ?? ""}`.trimEnd();
}

/** Parses a secrets file: `KEY=value` lines, `#` comments, optional quotes. */
export function parseSecretsFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))
      value = value.slice(1, -1);
    out.set(line.slice(0, eq).trim(), value);
  }
  return out;
}

/**
 * The objects with a hash of each secret file's content (as the deploy reads it) on the pod templates
 * that mount it: a changed file rolls those pods (a file mounted alone does not follow its Secret).
 * Only the hash is written; a file that cannot be read leaves the objects as they are (planSecrets
 * reports it).
 */
export function withSecretFileHashes(
  objects: readonly KubeObject[],
  requirements: readonly SecretRequirement[],
  external: ExternalValues,
): KubeObject[] {
  const hashes = new Map<string, string>();
  for (const req of requirements) {
    if (req.files === undefined) continue;
    const hash = createHash("sha256");
    let complete = true;
    for (const key of [...req.keys].sort()) {
      const value = external(key, req.files[key]);
      if (value === undefined) complete = false;
      else hash.update(`${key}\0${value}\0`);
    }
    if (complete) hashes.set(req.name, hash.digest("hex").slice(0, 16));
  }
  if (hashes.size === 0) return [...objects];
  return objects.map((o) => {
    const template = podTemplateOf(o);
    const mounted = (template?.spec?.volumes ?? []).flatMap((v) => {
      const h = v.secret?.secretName === undefined ? undefined : hashes.get(v.secret.secretName);
      return h === undefined ? [] : [h];
    });
    if (template === undefined || mounted.length === 0) return o;
    const copy = structuredClone(o);
    const t = podTemplateOf(copy);
    if (t !== undefined)
      t.metadata = {
        ...t.metadata,
        annotations: { ...t.metadata?.annotations, [SECRET_FILES_HASH_ANNOTATION]: mounted.join(",") },
      };
    return copy;
  });
}

/** The pod template of a Deployment, StatefulSet, Job or CronJob. */
function podTemplateOf(o: KubeObject): IPodTemplateSpec | undefined {
  const spec = o["spec"] as
    { template?: IPodTemplateSpec; jobTemplate?: { spec?: { template?: IPodTemplateSpec } } } | undefined;
  if (o.kind === "CronJob") return spec?.jobTemplate?.spec?.template;
  return ["Deployment", "StatefulSet", "Job"].includes(o.kind) ? spec?.template : undefined;
}

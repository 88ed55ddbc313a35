import { randomBytes } from "node:crypto";
import type { SecretRequirement } from "../catalog/types.js";
import { GENERATED_SECRET_LENGTH, renderSecret } from "../render/secret.js";
import { toObject } from "../render/kube-object.js";
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

/** Where operator-supplied values come from: the environment, then a secrets file. */
export type ExternalValues = (key: string) => string | undefined;

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
        const supplied = external(key);
        if (supplied !== undefined) values[key] = supplied;
        else if (existing?.[key] === undefined) missingExternal.push(`${key} (Secret ${req.name})`);
      }
    }
    plans.push({ req, existing, values });
  }
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

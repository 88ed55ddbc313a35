/**
 * SOPS-encrypted Secret manifests (`kubeship seal --age RECIPIENT`), as the real `sops` (v3) and
 * Flux's kustomize-controller decrypt them: every value under `stringData` is encrypted with
 * AES-256-GCM under one random data key (a 32-byte IV, the value's path `stringData:KEY:` as
 * additional data, `ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]`); the data key is encrypted
 * for each age recipient (an armored age file per recipient); the MAC is SHA-512 over every value of
 * the document in order, in upper-case hex, encrypted like a value with the last-modified time as
 * additional data. (getsops/sops: aes/cipher.go, sops.go Tree.Encrypt, cmd/sops/common.)
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { armor, Encrypter } from "age-encryption";
import { writeYaml } from "../emit/yaml-writer.js";
import type { SecretRequirement } from "../catalog/types.js";
import type { AppModel } from "../model/app-model.js";
import type { KubeObject } from "../render/kube-object.js";
import { objectLabels } from "../render/labels.js";
import { DeployError } from "./errors.js";
import type { SealSource } from "./seal.js";
import { generateSecretValue } from "./secrets.js";

/** What sops reads to choose the encrypted values: the Secret's data, its metadata left readable. */
export const SOPS_ENCRYPTED_REGEX = "^(data|stringData)$";
/** The sops version whose format this writes (and whose tool decrypts it in the tests). */
const SOPS_VERSION = "3.13.3";

function encryptValue(key: Buffer, value: string, additionalData: string): string {
  if (value === "") return "";
  const iv = randomBytes(32);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(additionalData));
  const data = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${iv.toString("base64")},tag:${cipher.getAuthTag().toString("base64")},type:str]`;
}

/** A time as sops stores and reads it (Go's RFC 3339, whole seconds, UTC). */
function rfc3339(t: Date): string {
  return `${t.toISOString().slice(0, 19)}Z`;
}

/**
 * A Secret manifest (values in `stringData`) encrypted for age recipients, as YAML text. Only
 * `stringData` is encrypted; everything else stays readable and is covered by the MAC.
 */
export async function sopsEncryptSecret(
  secret: KubeObject,
  recipients: readonly string[],
  now: Date,
): Promise<string> {
  const dataKey = randomBytes(32);
  const hash = createHash("sha512");
  const encrypt = (value: unknown, path: string[]): unknown => {
    if (typeof value === "string") {
      hash.update(value, "utf8");
      return path.some((p) => p === "data" || p === "stringData")
        ? encryptValue(dataKey, value, `${path.join(":")}:`)
        : value;
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encrypt(v, [...path, k])]));
    throw new Error(`a Secret to encrypt holds only strings (at ${path.join(".")})`);
  };
  const body = encrypt(secret, []) as Record<string, unknown>;
  const lastModified = rfc3339(now);
  const mac = encryptValue(dataKey, hash.digest("hex").toUpperCase(), lastModified);
  const age = await Promise.all(
    recipients.map(async (recipient) => {
      const e = new Encrypter();
      e.addRecipient(recipient);
      return { recipient, enc: armor.encode(await e.encrypt(new Uint8Array(dataKey))) };
    }),
  );
  return writeYaml({
    ...body,
    sops: {
      age,
      lastmodified: lastModified,
      mac,
      encrypted_regex: SOPS_ENCRYPTED_REGEX,
      version: SOPS_VERSION,
    },
  });
}

/** Whether a text is an age X25519 recipient (`age1` and 58 bech32 characters). */
export function isAgeRecipient(text: string): boolean {
  return /^age1[02-9ac-hj-np-z]{58}$/.test(text);
}

/** One Secret's file, and what was done with it (for the report; never a value). */
export interface SopsFile {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  readonly how: "supplied" | "generated" | "kept";
}

/**
 * The SOPS file of every Secret the app needs (`<name>.enc.yaml`). A generated Secret already in
 * `previous` (its file's text) is kept as it is, so sealing again never changes a password; a new
 * one gets fresh values. A supplied Secret (external values, secret files) is encrypted from what is
 * supplied, every time; a missing value stops it, named.
 */
export async function sopsSecrets(
  model: AppModel,
  secrets: readonly SecretRequirement[],
  recipients: readonly string[],
  supplied: SealSource,
  previous: ReadonlyMap<string, string>,
  now: Date,
): Promise<SopsFile[]> {
  const out: SopsFile[] = [];
  const missing: string[] = [];
  for (const s of secrets) {
    const file = `${s.name}.enc.yaml`;
    const generated = s.source === "generated" && s.files === undefined;
    const before = previous.get(s.name);
    if (generated && before !== undefined) {
      const lacking = s.keys.filter(
        (k) => !new RegExp(`^\\s+${k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: ENC\\[`, "m").test(before),
      );
      if (lacking.length > 0)
        throw new DeployError(
          `${file} lacks ${lacking.join(", ")}, and kubeship cannot add them without the private key`,
          `add them with \`sops edit ${file}\` (32 random letters and digits each), or remove the file to generate all values anew (this changes the passwords)`,
        );
      out.push({ name: s.name, file, text: before, how: "kept" });
      continue;
    }
    const stringData: Record<string, string> = {};
    for (const k of [...s.keys].sort()) {
      const path = s.files?.[k];
      const value = generated ? generateSecretValue() : supplied(s.name, k, path);
      if (value === undefined)
        missing.push(
          path === undefined ? `${s.name}.${k} (environment variable ${k})` : `${s.name}.${k} (file ${path})`,
        );
      else stringData[k] = typeof value === "string" ? value : value.toString("utf8");
    }
    if (missing.length > 0) continue;
    const labels = objectLabels(model, s.name, "secret");
    const secret: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: s.name, namespace: model.namespace, labels },
      type: "Opaque",
      stringData,
    };
    out.push({
      name: s.name,
      file,
      text: await sopsEncryptSecret(secret, recipients, now),
      how: generated ? "generated" : "supplied",
    });
  }
  if (missing.length > 0)
    throw new DeployError(
      `no value to encrypt for ${missing.join(", ")}`,
      "set the environment variable, or give --secrets-file with KEY=value lines (files are read next to the spec)",
    );
  return out;
}

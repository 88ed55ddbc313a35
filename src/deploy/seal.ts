/**
 * Sealed Secrets (`kubeship seal`): each Secret the app needs as a `SealedSecret` that only the
 * cluster's sealed-secrets controller can open. The encryption is the controller's own hybrid
 * scheme (bitnami-labs/sealed-secrets pkg/crypto): a fresh 32-byte AES-256-GCM session key per
 * value (zero nonce: the key is used once), encrypted with RSA-OAEP (SHA-256) for the controller's
 * public key with the label `namespace/name` (strict scope), laid out as the RSA ciphertext's length
 * (2 bytes, big-endian), the RSA ciphertext, then the AES-GCM ciphertext and tag.
 */
import {
  constants,
  createCipheriv,
  type KeyObject,
  publicEncrypt,
  randomBytes,
  X509Certificate,
} from "node:crypto";
import type { SecretRequirement } from "../catalog/types.js";
import type { AppModel } from "../model/app-model.js";
import type { KubeObject } from "../render/kube-object.js";
import { objectLabels } from "../render/labels.js";
import { DeployError } from "./errors.js";
import { generateSecretValue } from "./secrets.js";

export const SEALED_SECRET_API = "bitnami.com/v1alpha1";

/** The controller's public key, from its certificate (`kubeseal --fetch-cert`). */
export function sealingKey(pem: string): KeyObject {
  try {
    return new X509Certificate(pem).publicKey;
  } catch (e) {
    throw new DeployError(
      `the certificate cannot be read (${e instanceof Error ? e.message : String(e)})`,
      "give the controller's certificate: kubeseal --fetch-cert > cert.pem",
    );
  }
}

/** One value sealed for a Secret `namespace/name` (strict scope), base64 as in `encryptedData`. */
export function sealValue(key: KeyObject, namespace: string, name: string, value: string | Buffer): string {
  const sessionKey = randomBytes(32);
  const rsa = publicEncrypt(
    {
      key,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: "sha256",
      oaepLabel: Buffer.from(`${namespace}/${name}`),
    },
    sessionKey,
  );
  const cipher = createCipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
  const body = Buffer.concat([cipher.update(value), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsa.length);
  return Buffer.concat([length, rsa, body]).toString("base64");
}

/** Where a value comes from when sealing. */
export type SealSource = (
  secret: string,
  key: string,
  file: string | undefined,
) => string | Buffer | undefined;

/** What one `kubeship seal` did to each key, for the report (never a value). */
export interface SealedKey {
  readonly secret: string;
  readonly key: string;
  readonly how: "supplied" | "generated" | "kept";
}

/**
 * The SealedSecret of every Secret the app needs. A value is the one supplied (the environment, a
 * secrets file, a secret file next to the spec), else the one already sealed in `previous` (kept as
 * it is: sealing again must not change a database's password), else a fresh one for a generated
 * Secret; an external Secret without a value is an error naming the key.
 */
export function sealSecrets(
  model: AppModel,
  secrets: readonly SecretRequirement[],
  key: KeyObject,
  supplied: SealSource,
  previous: ReadonlyMap<string, Readonly<Record<string, string>>>,
): { objects: KubeObject[]; keys: SealedKey[] } {
  const objects: KubeObject[] = [];
  const report: SealedKey[] = [];
  const missing: string[] = [];
  for (const s of secrets) {
    const encryptedData: Record<string, string> = {};
    for (const k of s.keys) {
      const file = s.files?.[k];
      // Generated values are never taken from the environment (a variable of the same name in CI
      // must not become a database password): they are kept, or made here.
      const value = s.source === "generated" && file === undefined ? undefined : supplied(s.name, k, file);
      const kept = previous.get(s.name)?.[k];
      if (value !== undefined) {
        encryptedData[k] = sealValue(key, model.namespace, s.name, value);
        report.push({ secret: s.name, key: k, how: "supplied" });
      } else if (kept !== undefined) {
        encryptedData[k] = kept;
        report.push({ secret: s.name, key: k, how: "kept" });
      } else if (s.source === "generated" && file === undefined) {
        encryptedData[k] = sealValue(key, model.namespace, s.name, generateSecretValue());
        report.push({ secret: s.name, key: k, how: "generated" });
      } else
        missing.push(
          file === undefined ? `${s.name}.${k} (environment variable ${k})` : `${s.name}.${k} (file ${file})`,
        );
    }
    objects.push({
      apiVersion: SEALED_SECRET_API,
      kind: "SealedSecret",
      metadata: { name: s.name, namespace: model.namespace, labels: objectLabels(model, s.name, "secret") },
      spec: {
        encryptedData: Object.fromEntries(Object.entries(encryptedData).sort(([a], [b]) => (a < b ? -1 : 1))),
        template: {
          metadata: {
            name: s.name,
            namespace: model.namespace,
            labels: objectLabels(model, s.name, "secret"),
          },
          type: "Opaque",
        },
      },
    });
  }
  if (missing.length > 0)
    throw new DeployError(
      `no value to seal for ${missing.join(", ")}`,
      "set the environment variable, or give --secrets-file with KEY=value lines (files are read next to the spec)",
    );
  return { objects, keys: report };
}

import { field, stringMap } from "../spec/plain-data.js";
import type { KubeObject } from "./types.js";

// The generic accessors live in spec/plain-data.ts (shared with simulate, import and deploy); lint's
// rules import them from here with the two that know Kubernetes metadata.
export { asArray, asNumber, asRecord, asString, field, fieldAt, stringMap } from "../spec/plain-data.js";

/** Whether two lists hold the same items (the same objects, not equal ones) in the same order. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The object's annotations. */
export function annotationsOf(o: KubeObject): Readonly<Record<string, string>> {
  return stringMap(field(o, "metadata", "annotations"));
}

/** The object's labels. */
export function labelsOf(o: KubeObject): Readonly<Record<string, string>> {
  return stringMap(field(o, "metadata", "labels"));
}

/**
 * Whether an object is a SOPS-encrypted manifest (a top-level `sops` with its MAC): Flux and `sops`
 * remove that field before the object reaches the API server, and its values are ciphertext.
 */
export function isSopsEncrypted(o: KubeObject): boolean {
  return typeof field(o, "sops", "mac") === "string" && typeof field(o, "sops", "lastmodified") === "string";
}

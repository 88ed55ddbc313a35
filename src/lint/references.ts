import { asArray, asRecord, asString, field, labelsOf } from "./object.js";
import { MANAGED_BY_LABEL } from "../render/labels.js";
import { podTemplates, type PodTemplate } from "./pods.js";
import { operatorSecrets } from "./rules/operator-references.js";
import type { ManifestObject } from "./types.js";

/** Secrets and ConfigMaps that pods of the input read but the input does not hold. */
export interface ExternalReferences {
  readonly secrets: readonly string[];
  readonly configMaps: readonly string[];
  /** Whether the pods that read them were written by kubeship (its deploy creates the Secrets). */
  readonly kubeship: boolean;
}

/**
 * The Secrets and ConfigMaps (`namespace/name`) that pod templates read through env, envFrom and
 * volumes (optional references left out) and that are not in the input: lint cannot check their
 * keys, so the report says once which they are.
 */
export function externalReferences(
  objects: readonly ManifestObject[],
  reported?: (o: ManifestObject) => boolean,
): ExternalReferences {
  const have = new Set<string>();
  for (const o of objects)
    if (o.kind === "Secret" || o.kind === "ConfigMap") have.add(`${o.kind}/${o.namespace ?? ""}/${o.name}`);
  // An operator resource of the input makes its own (CloudNativePG's `<cluster>-app`...).
  for (const s of operatorSecrets(objects)) have.add(`Secret/${s}`);
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  let kubeship = false;
  for (const pod of podTemplates(objects)) {
    if (reported?.(pod.target) === false) continue;
    const ns = pod.target.namespace ?? "";
    const seen = { missing: false };
    podReferences(pod, (kind, name) => {
      if (have.has(`${kind}/${ns}/${name}`)) return;
      (kind === "Secret" ? secrets : configMaps).add(ns === "" ? name : `${ns}/${name}`);
      seen.missing = true;
    });
    if (seen.missing && labelsOf(pod.target.object)[MANAGED_BY_LABEL] === "kubeship") kubeship = true;
  }
  return { secrets: [...secrets].sort(), configMaps: [...configMaps].sort(), kubeship };
}

/** The required Secret and ConfigMap names one pod template reads (a callback: every pod, every rule run). */
export function podReferences(
  pod: PodTemplate,
  found: (kind: "Secret" | "ConfigMap", name: string) => void,
): void {
  const required = (kind: "Secret" | "ConfigMap", ref: unknown, key = "name"): void => {
    const r = asRecord(ref);
    if (r === undefined || r.optional === true) return;
    const name = asString(r[key]);
    if (name !== undefined) found(kind, name);
  };
  for (const list of ["initContainers", "containers"] as const)
    for (const c of asArray(pod.spec[list])) {
      for (const e of asArray(field(c, "env"))) {
        const from = asRecord(field(e, "valueFrom"));
        if (from === undefined) continue;
        required("Secret", from.secretKeyRef);
        required("ConfigMap", from.configMapKeyRef);
      }
      for (const e of asArray(field(c, "envFrom"))) {
        required("Secret", field(e, "secretRef"));
        required("ConfigMap", field(e, "configMapRef"));
      }
    }
  for (const v of asArray(pod.spec.volumes)) {
    required("Secret", field(v, "secret"), "secretName");
    required("ConfigMap", field(v, "configMap"));
    for (const source of asArray(field(v, "projected", "sources"))) {
      required("Secret", field(source, "secret"));
      required("ConfigMap", field(source, "configMap"));
    }
  }
}

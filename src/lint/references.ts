import { asArray, asRecord, asString, field, labelsOf } from "./object.js";
import { MANAGED_BY_LABEL } from "../render/labels.js";
import { podTemplates, type PodTemplate } from "./pods.js";
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
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  let kubeship = false;
  for (const pod of podTemplates(objects)) {
    if (reported?.(pod.target) === false) continue;
    const ns = pod.target.namespace ?? "";
    let missing = false;
    for (const [kind, name] of podReferences(pod)) {
      if (have.has(`${kind}/${ns}/${name}`)) continue;
      (kind === "Secret" ? secrets : configMaps).add(ns === "" ? name : `${ns}/${name}`);
      missing = true;
    }
    if (missing && labelsOf(pod.target.object)[MANAGED_BY_LABEL] === "kubeship") kubeship = true;
  }
  return { secrets: [...secrets].sort(), configMaps: [...configMaps].sort(), kubeship };
}

/** The required Secret and ConfigMap names one pod template reads. */
function* podReferences(pod: PodTemplate): Generator<["Secret" | "ConfigMap", string]> {
  const required = (ref: unknown): string | undefined =>
    field(ref, "optional") === true ? undefined : asString(field(ref, "name"));
  for (const list of ["initContainers", "containers"] as const)
    for (const c of asArray(pod.spec[list])) {
      for (const e of asArray(field(c, "env"))) {
        const from = asRecord(field(e, "valueFrom"));
        if (from === undefined) continue;
        const s = required(from.secretKeyRef);
        if (s !== undefined) yield ["Secret", s];
        const m = required(from.configMapKeyRef);
        if (m !== undefined) yield ["ConfigMap", m];
      }
      for (const e of asArray(field(c, "envFrom"))) {
        const s = required(field(e, "secretRef"));
        if (s !== undefined) yield ["Secret", s];
        const m = required(field(e, "configMapRef"));
        if (m !== undefined) yield ["ConfigMap", m];
      }
    }
  for (const v of asArray(pod.spec.volumes)) {
    const secret = field(v, "secret");
    if (secret !== undefined && field(secret, "optional") !== true) {
      const name = asString(field(secret, "secretName"));
      if (name !== undefined) yield ["Secret", name];
    }
    const cm = required(field(v, "configMap"));
    if (cm !== undefined) yield ["ConfigMap", cm];
    for (const source of asArray(field(v, "projected", "sources"))) {
      const s = required(field(source, "secret"));
      if (s !== undefined) yield ["Secret", s];
      const m = required(field(source, "configMap"));
      if (m !== undefined) yield ["ConfigMap", m];
    }
  }
}

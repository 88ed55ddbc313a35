import type { AppModel, Backing, Resources } from "../../model/app-model.js";
import { error, type Diagnostic } from "../../spec/diagnostic.js";
import type { OperatorType } from "../../spec/schema.js";
import { didYouMean } from "../../spec/suggest.js";
import { cloudnativePg } from "./cloudnative-pg.js";
import { eck } from "./eck.js";
import { rabbitmqOperator } from "./rabbitmq.js";
import { strimzi } from "./strimzi.js";
import type { OperatedBacking, OperatorPreset } from "./types.js";

/** The operator of each type that has a mode operator. */
export const OPERATORS: Readonly<Record<OperatorType, OperatorPreset>> = {
  postgresql: cloudnativePg,
  kafka: strimzi,
  elasticsearch: eck,
  rabbitmq: rabbitmqOperator,
};

/** Whether a backing of the model runs on an operator with a preset (the spec check refuses others). */
export function operatorOf(b: Backing): OperatorPreset | undefined {
  return b.mode === "operator" && b.type in OPERATORS ? OPERATORS[b.type as OperatorType] : undefined;
}

/** The operator's version a user's version means: exact, or the only one it prefixes. */
function matchOperatorVersion(preset: OperatorPreset, version: string | undefined): string | undefined {
  if (version === undefined) return preset.defaultVersion;
  if (version in preset.versions) return version;
  const prefixed = Object.keys(preset.versions).filter((v) => v.startsWith(`${version}.`));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Checks a backing in mode operator: a version the operator runs, a replica count it supports. */
export function checkOperated(b: Backing, preset: OperatorPreset): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (matchOperatorVersion(preset, b.version) === undefined) {
    const known = Object.keys(preset.versions);
    out.push(
      error(
        "catalog/unknown-version",
        ["backing", b.name, "version"],
        `${preset.facts.name} runs ${b.type} ${known.join(", ")}, not '${b.version ?? ""}'${didYouMean(b.version ?? "", known)}`,
        `set a version it runs for the environments in mode operator (default ${preset.defaultVersion}), or leave 'version' out`,
      ),
    );
  }
  if (b.replicas > preset.maxReplicas)
    out.push(
      error(
        "catalog/replicas-not-supported",
        ["backing", b.name, "replicas"],
        `kubeship runs at most ${preset.maxReplicas} ${b.type} nodes on ${preset.facts.name}`,
        `use at most ${preset.maxReplicas}`,
      ),
    );
  return out;
}

/** Resolves a backing in mode operator (call `checkOperated` first). */
export function resolveOperated(
  b: Backing,
  model: AppModel,
  preset: OperatorPreset,
  storage: string,
  resources: Resources,
): OperatedBacking {
  const version = matchOperatorVersion(preset, b.version) ?? preset.defaultVersion;
  const built = preset.build({
    backing: b,
    model,
    version: preset.versions[version] ?? version,
    storage,
    resources,
    monitoring: model.monitoring.serviceMonitor,
  });
  const namespace = b.operatorNamespace ?? preset.facts.namespace;
  return {
    ...built,
    name: b.name,
    type: preset.type,
    mode: "operator",
    version,
    replicas: b.replicas,
    operator: preset.facts,
    ...(namespace === undefined ? {} : { operatorNamespace: namespace }),
  };
}

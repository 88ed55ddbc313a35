/**
 * Kinds whose CRDs no Go module publishes (so that scripts/gen-kube-schemas.ts cannot compile them
 * into schemas/crds.json) but a registry package validates: Strimzi's, through the validators
 * @kubernetes-models/strimzi-kafka-operator compiled from Strimzi 1.0.0's CRDs.
 */
import { Kafka } from "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/Kafka";
import { KafkaNodePool } from "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaNodePool";
import { KafkaTopic } from "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaTopic";
import type { DocPath } from "../../spec/diagnostic.js";

interface Validatable {
  validate(): void;
}
type Model = new (data: never) => Validatable;

const MODELS: ReadonlyMap<string, Model> = new Map<string, Model>([
  ["kafka.strimzi.io/v1 Kafka", Kafka],
  ["kafka.strimzi.io/v1 KafkaNodePool", KafkaNodePool],
  ["kafka.strimzi.io/v1 KafkaTopic", KafkaTopic],
]);

/** Whether a registry package validates objects of this apiVersion and kind. */
export function hasModelValidator(apiVersion: string, kind: string): boolean {
  return MODELS.has(`${apiVersion} ${kind}`);
}

interface AjvError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** The problems the package's validator finds in an object, each at its path. */
export function modelProblems(
  apiVersion: string,
  kind: string,
  object: Readonly<Record<string, unknown>>,
): { path: DocPath; message: string }[] {
  const Model = MODELS.get(`${apiVersion} ${kind}`);
  if (Model === undefined) return [];
  try {
    new Model(structuredClone(object) as never).validate();
    return [];
  } catch (e) {
    const errors = ((e as { errors?: readonly AjvError[] }).errors ?? []).filter(
      (x) => x.message !== undefined,
    );
    if (errors.length === 0) return [{ path: [], message: e instanceof Error ? e.message : String(e) }];
    return errors.map((x) => {
      const path: DocPath = (x.instancePath ?? "")
        .split("/")
        .slice(1)
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
      const extra = x.params?.["additionalProperty"] ?? x.params?.["missingProperty"];
      const named = typeof extra === "string" ? `: ${extra}` : "";
      return {
        path,
        message: `${x.message ?? ""}${named} (Strimzi 1.0 CRD)`,
      };
    });
  }
}

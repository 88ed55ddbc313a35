import type { AppModel } from "../model/app-model.js";
import { error, type Diagnostic, type DocPath } from "../spec/diagnostic.js";
import {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from "../spec/k8s-names.js";
import type { KubeObject } from "./kube-object.js";
import { NAME_LABEL } from "./labels.js";

/**
 * The last check before output: every name and label kubeship wrote passes the API server's own
 * validation, including the names controllers derive from them (a StatefulSet's revision label, a
 * CronJob's Jobs). The spec's checks should make this find nothing; when it does, the error names the
 * spec entry the object came from instead of letting `kubectl apply` or a controller find it later.
 */
export function checkOutput(model: AppModel, objects: readonly KubeObject[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const o of objects) {
    const problems = [...nameProblems(o), ...labelProblems(o.metadata.labels), ...templateLabelProblems(o)];
    if (problems.length > 0)
      out.push(
        error(
          "render/invalid-object",
          specPathOf(model, o),
          `${o.kind} ${o.metadata.name} would be refused: ${problems.join("; ")}`,
          "shorten or rename the entry this object comes from",
        ),
      );
  }
  return out;
}

/** Longest names of kinds whose controllers add a suffix to them (see NAME_LIMITS in spec/check-spec.ts). */
const DERIVED_NAME_LIMIT: Readonly<Record<string, number>> = { StatefulSet: 52, CronJob: 52 };

function nameProblems(o: KubeObject): string[] {
  const name = o.metadata.name;
  const errors =
    o.kind === "Namespace"
      ? dns1123LabelErrors(name)
      : o.kind === "Service"
        ? dns1035LabelErrors(name)
        : dns1123SubdomainErrors(name);
  const limit = DERIVED_NAME_LIMIT[o.kind];
  if (limit !== undefined && name.length > limit)
    errors.push(`a ${o.kind} name must be no more than ${limit} characters`);
  // Job pods are labelled with their Job's name.
  if (o.kind === "Job") errors.push(...labelValueErrors(name).map((e) => `its name as a label: ${e}`));
  return errors.map((e) => `metadata.name: ${e}`);
}

function labelProblems(
  labels: Readonly<Record<string, string>> | undefined,
  where = "metadata.labels",
): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const e of qualifiedNameErrors(k)) out.push(`${where} key '${k}': ${e}`);
    for (const e of labelValueErrors(v)) out.push(`${where}.${k}: ${e}`);
  }
  return out;
}

function templateLabelProblems(o: KubeObject): string[] {
  const spec = o["spec"] as
    | {
        template?: { metadata?: { labels?: Record<string, string> } };
        jobTemplate?: { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } };
      }
    | undefined;
  const labels = spec?.template?.metadata?.labels ?? spec?.jobTemplate?.spec?.template?.metadata?.labels;
  return labelProblems(labels, "pod template labels");
}

/** The spec entry an object was rendered from (by its name label), or the app itself. */
function specPathOf(model: AppModel, o: KubeObject): DocPath {
  const owner = o.metadata.labels?.[NAME_LABEL] ?? o.metadata.name;
  const w = model.workloads.find((x) => x.name === owner);
  if (w !== undefined)
    return [w.kind === "service" ? "services" : w.kind === "worker" ? "workers" : "jobs", w.name];
  const b = model.backings.find((x) => x.name === owner || `${x.name}-init` === owner);
  if (b !== undefined) return ["backing", b.name];
  return ["app"];
}

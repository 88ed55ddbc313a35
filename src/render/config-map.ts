import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { BackingRuntime } from "../catalog/types.js";
import { configMapName, filesConfigMapName, type RenderContext } from "./context.js";
import { backingGroupLabels, objectLabels } from "./labels.js";

/** The shared ConfigMap of `config`, injected into every workload with envFrom. */
export function renderConfigMap(ctx: RenderContext): IConfigMap & { metadata: { name: string } } {
  const { model } = ctx;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: configMapName(model),
      namespace: model.namespace,
      labels: objectLabels(model, configMapName(model), "config"),
    },
    data: { ...model.config },
  };
}

/** The ConfigMap of a backing's files (scripts, configuration), mounted read-only by its pods. */
export function renderFilesConfigMap(
  ctx: RenderContext,
  b: BackingRuntime,
  files: Readonly<Record<string, string>>,
): IConfigMap & { metadata: { name: string } } {
  const { model } = ctx;
  const name = filesConfigMapName(b.name);
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: model.namespace,
      labels: { ...objectLabels(model, name, "backing"), ...backingGroupLabels(model, b.group) },
    },
    data: { ...files },
  };
}

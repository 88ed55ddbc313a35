import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { configMapName, type RenderContext } from "./context.js";
import { objectLabels } from "./labels.js";

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

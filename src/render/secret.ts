import type { ISecret } from "kubernetes-models/v1/Secret";
import type { SecretRequirement } from "../catalog/types.js";
import type { AppModel } from "../model/app-model.js";
import { type RenderContext, workloadSecretName } from "./context.js";
import { objectLabels } from "./labels.js";

/** Length of generated secret values: 32 alphanumerics (about 190 bits), safe inside connection URLs. */
export const GENERATED_SECRET_LENGTH = 32;

/** Every Secret the app needs, with the keys each must hold and where the values come from. Sorted by name. */
export function requiredSecrets(ctx: RenderContext): SecretRequirement[] {
  const out: SecretRequirement[] = [];
  for (const b of ctx.backings.values()) out.push(...b.secrets);
  for (const w of ctx.model.workloads)
    if (w.secrets.length > 0)
      out.push({ name: workloadSecretName(w.name), keys: [...w.secrets], source: "generated" });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A Secret manifest with the given values. Render never calls this: values exist only at deploy
 * time, or when a user explicitly asks `kubeship secrets --show-values`.
 */
export function renderSecret(
  model: AppModel,
  req: SecretRequirement,
  values: Readonly<Record<string, string>>,
): ISecret & { metadata: { name: string } } {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: req.name,
      namespace: model.namespace,
      labels: objectLabels(model, req.name, "secret"),
      annotations: { "kubeship.io/secret-source": req.source },
    },
    type: "Opaque",
    stringData: Object.fromEntries(req.keys.map((k) => [k, values[k] ?? ""])),
  };
}

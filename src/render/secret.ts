import type { ISecret } from "kubernetes-models/v1/Secret";
import type { SecretRequirement } from "../catalog/types.js";
import type { AppModel } from "../model/app-model.js";
import { type RenderContext, sharedSecretName, suppliedSecretName, workloadSecretName } from "./context.js";
import { objectLabels } from "./labels.js";
import { secretFilesRequirement } from "./workload-volumes.js";

/** Length of generated secret values: 32 alphanumerics (about 190 bits), safe inside connection URLs. */
export const GENERATED_SECRET_LENGTH = 32;

/** Every Secret the app needs, with the keys each must hold and where the values come from. Sorted by name. */
export function requiredSecrets(ctx: RenderContext): SecretRequirement[] {
  const out: SecretRequirement[] = [];
  for (const b of ctx.backings.values()) out.push(...b.secrets);
  const { model } = ctx;
  const appWide = new Set([...model.secrets.shared, ...model.secrets.supplied]);
  for (const w of model.workloads) {
    const own = w.secrets.filter((k) => !appWide.has(k));
    if (own.length > 0) out.push({ name: workloadSecretName(w.name), keys: own, source: "generated" });
  }
  for (const w of model.workloads) {
    const files = secretFilesRequirement(w);
    if (files) out.push(files);
  }
  // Only what some workload reads: an unused name is reported by the spec check, not created.
  const used = new Set(model.workloads.flatMap((w) => w.secrets));
  const shared = model.secrets.shared.filter((k) => used.has(k));
  const supplied = model.secrets.supplied.filter((k) => used.has(k));
  if (shared.length > 0) out.push({ name: sharedSecretName(model), keys: shared, source: "generated" });
  if (supplied.length > 0) out.push({ name: suppliedSecretName(model), keys: supplied, source: "external" });
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

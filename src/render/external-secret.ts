import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { RenderContext } from "./context.js";
import { objectLabels } from "./labels.js";
import { requiredSecrets } from "./secret.js";

/** The remote key of one Secret: its override, else the spec's pattern filled in. */
export function remoteKeyOf(
  pattern: string,
  overrides: Readonly<Record<string, string>>,
  v: { app: string; namespace: string; env: string | undefined; secret: string },
): string {
  return (
    overrides[v.secret] ??
    pattern
      .replaceAll("{app}", v.app)
      .replaceAll("{namespace}", v.namespace)
      .replaceAll("{env}", v.env ?? "default")
      .replaceAll("{secret}", v.secret)
  );
}

/**
 * With `secrets.backend: external-secrets`: an ExternalSecret (External Secrets Operator, API v1) for
 * every Secret the app needs, read from the spec's store: one remote key per Secret (the spec's
 * pattern, or its override), each key of the Secret a property of it. The Secret ESO writes carries
 * the app's labels, so the deploy sees it as the app's.
 */
export function renderExternalSecrets(
  ctx: RenderContext,
): (IExternalSecret & { metadata: { name: string } })[] {
  const { model } = ctx;
  const ext = model.secrets.external;
  if (model.secrets.backend !== "external-secrets" || ext === undefined) return [];
  return requiredSecrets(ctx).map((s) => {
    const remote = remoteKeyOf(ext.remoteKey, ext.remoteKeys, {
      app: model.app,
      namespace: model.namespace,
      env: model.environment,
      secret: s.name,
    });
    const labels = objectLabels(model, s.name, "secret");
    return {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: s.name, namespace: model.namespace, labels },
      spec: {
        refreshInterval: ext.refreshInterval,
        secretStoreRef: { name: ext.store.name, kind: ext.store.kind },
        target: { name: s.name, creationPolicy: "Owner", template: { metadata: { labels } } },
        data: [...s.keys]
          .sort()
          .map((key) => ({ secretKey: key, remoteRef: { key: remote, property: key } })),
      },
    };
  });
}

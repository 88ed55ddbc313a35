import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { IPassword } from "@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1/Password";
import type { SecretRequirement } from "../catalog/types.js";
import { type KubeObject, toObject } from "./kube-object.js";
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
export function renderExternalSecrets(ctx: RenderContext): KubeObject[] {
  const { model } = ctx;
  const ext = model.secrets.external;
  if (model.secrets.backend !== "external-secrets" || ext === undefined) return [];
  const secrets = requiredSecrets(ctx);
  const byGenerator = (s: SecretRequirement): boolean =>
    ext.generated === "generator" && s.source === "generated" && s.files === undefined;
  const generator = `${model.app}-password`;
  const out: KubeObject[] = [];
  if (secrets.some(byGenerator)) {
    const password: IPassword & { metadata: { name: string } } = {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "Password",
      metadata: {
        name: generator,
        namespace: model.namespace,
        labels: objectLabels(model, generator, "secret"),
      },
      // Like kubeship's own generated values: 32 letters and digits.
      spec: { length: 32, digits: 8, symbols: 0, noUpper: false, allowRepeat: true },
    };
    out.push(toObject(password));
  }
  for (const s of secrets) {
    const labels = objectLabels(model, s.name, "secret");
    const target = { name: s.name, creationPolicy: "Owner" as const, template: { metadata: { labels } } };
    const es: IExternalSecret & { metadata: { name: string } } = byGenerator(s)
      ? {
          apiVersion: "external-secrets.io/v1",
          kind: "ExternalSecret",
          metadata: { name: s.name, namespace: model.namespace, labels },
          spec: {
            // Made once and never again: a new value would change a database's password under it.
            refreshPolicy: "CreatedOnce",
            target,
            // One generator call per key; each returns `password`, renamed to the key.
            dataFrom: [...s.keys].sort().map((key) => ({
              sourceRef: {
                generatorRef: {
                  apiVersion: "generators.external-secrets.io/v1alpha1",
                  kind: "Password",
                  name: generator,
                },
              },
              rewrite: [{ regexp: { source: "^password$", target: key } }],
            })),
          },
        }
      : {
          apiVersion: "external-secrets.io/v1",
          kind: "ExternalSecret",
          metadata: { name: s.name, namespace: model.namespace, labels },
          spec: {
            refreshInterval: ext.refreshInterval,
            secretStoreRef: { name: ext.store.name, kind: ext.store.kind },
            target,
            data: [...s.keys].sort().map((key) => ({
              secretKey: key,
              remoteRef: {
                key: remoteKeyOf(ext.remoteKey, ext.remoteKeys, {
                  app: model.app,
                  namespace: model.namespace,
                  env: model.environment,
                  secret: s.name,
                }),
                property: key,
              },
            })),
          },
        };
    out.push(toObject(es));
  }
  return out;
}

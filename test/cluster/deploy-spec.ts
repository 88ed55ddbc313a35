import { renderSpec } from "../../src/app.js";
import { deploy } from "../../src/deploy/engine.js";
import type { DeployEvent } from "../../src/deploy/events.js";
import type { Cluster } from "../../src/deploy/kube/cluster.js";
import type { ExternalValues } from "../../src/deploy/secrets.js";
import type { RenderedApp } from "../../src/render/render-app.js";

/**
 * Renders spec text and deploys it as `kubeship deploy --yes --skip-missing-crds` would (the
 * operators' CRDs are not installed here), with supplied values from `external`. Returns what was
 * rendered and every event of the deploy.
 */
export async function deploySpec(
  cluster: Cluster,
  text: string,
  external: ExternalValues = () => undefined,
  timeoutSeconds = 300,
  options: { env?: string; migrateBackings?: readonly string[] } = {},
): Promise<{ app: RenderedApp; events: DeployEvent[] }> {
  const rendered = renderSpec(text, options.env === undefined ? {} : { env: options.env });
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.diagnostics));
  const { model, objects, secrets } = rendered.value;
  const events: DeployEvent[] = [];
  await deploy({
    cluster,
    model,
    objects,
    secrets,
    spec: text,
    timeoutSeconds,
    atomic: false,
    forceConflicts: false,
    skipMissingCrds: true,
    migrateBackings: options.migrateBackings ?? [],
    external,
    reporter: (e) => events.push(e),
    holder: `test@${process.pid}`,
  });
  return { app: rendered.value, events };
}

/** Deploys spec text with a timeout (see `deploySpec`) and returns its events. */
export async function deployText(
  cluster: Cluster,
  text: string,
  timeoutSeconds: number,
): Promise<DeployEvent[]> {
  return (await deploySpec(cluster, text, () => undefined, timeoutSeconds)).events;
}

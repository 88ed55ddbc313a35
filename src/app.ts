import { buildModel, modelBackings } from "./model/build-model.js";
import type { AppModel } from "./model/app-model.js";
import { renderApp, type RenderedApp } from "./render/render-app.js";
import { checkBackings } from "./catalog/catalog.js";
import { type Diagnostic, formatPath, type Result } from "./spec/diagnostic.js";
import { loadSpec, type LoadSpecOptions, type SpecResult, validateSpecData } from "./spec/load-spec.js";
import type { AppSpecInput } from "./spec/schema.js";
import { parseYamlSource, type SourceLocator } from "./spec/source.js";

/**
 * Types a spec written in TypeScript: `export default defineApp({ app: "shop", services: {...} })`.
 * It returns the spec unchanged; validation happens in `renderSpec`.
 */
export function defineApp<const T extends AppSpecInput>(spec: T): T {
  return spec;
}

/** Spec text (or a spec object) to the app model: parse, validate, normalize, build the graph. */
export function loadApp(input: string | AppSpecInput, options: LoadSpecOptions = {}): Result<AppModel> {
  const loaded =
    typeof input === "string"
      ? loadSpec(input, options)
      : validateSpecData(structuredClone(input), undefined, options.env, options.namespace);
  if (!loaded.ok)
    return { ok: false, diagnostics: [...loaded.diagnostics, ...laterProblems(loaded, input, options)] };
  const model = buildModel(
    loaded.value.spec,
    loaded.value.env,
    options.readFile === undefined ? {} : { readFile: options.readFile },
  );
  const diagnostics = [...loaded.diagnostics, ...locateAll(model.diagnostics, loaded.value.locator)];
  return model.ok ? { ok: true, value: model.value, diagnostics } : { ok: false, diagnostics };
}

/** Spec text (or object) to rendered objects, in one call. Every diagnostic carries its position. */
export function renderSpec(input: string | AppSpecInput, options: LoadSpecOptions = {}): Result<RenderedApp> {
  const app = loadApp(input, options);
  if (!app.ok) return app;
  const rendered = renderApp(app.value);
  const locator = typeof input === "string" ? loadSpec(input, options) : undefined;
  const located =
    locator?.ok === true ? locateAll(rendered.diagnostics, locator.value.locator) : rendered.diagnostics;
  const diagnostics = [...app.diagnostics, ...located];
  return rendered.ok ? { ok: true, value: rendered.value, diagnostics } : { ok: false, diagnostics };
}

/**
 * The model's and the catalog's problems (request above limit, cycles, unknown versions, replica
 * counts) of what is left of an invalid spec, so that one run reports them with the spec's own
 * errors. A problem at a path the spec check already reported is left out.
 */
function laterProblems(
  loaded: SpecResult,
  input: string | AppSpecInput,
  options: LoadSpecOptions,
): Diagnostic[] {
  if (loaded.ok || loaded.partial === undefined) return [];
  const model = buildModel(loaded.partial);
  const found = [...model.diagnostics, ...checkBackings(modelBackings(loaded.partial))];
  const reported = new Set(loaded.diagnostics.map((d) => formatPath(d.path)));
  const fresh = found.filter((d) => d.severity === "error" && !reported.has(formatPath(d.path)));
  if (typeof input !== "string" || fresh.length === 0) return fresh;
  return locateAll(fresh, parseYamlSource(input, options.file ?? "kubeship.yaml").locator);
}

function locateAll(diagnostics: readonly Diagnostic[], locator: SourceLocator): Diagnostic[] {
  return diagnostics.map((d) => (d.position ? d : { ...d, position: locator.locate(d.path) }));
}

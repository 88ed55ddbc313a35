import { type Diagnostic, type DocPath, formatPath, hasErrors, type Result } from "./diagnostic.js";
import { checkSpec } from "./check-spec.js";
import { isPlainObject, mergeOverlay } from "./merge.js";
import { appSpec, type AppSpec } from "./schema.js";
import { codeLocator, dataShapeProblem, parseYamlSource, type SourceLocator } from "./source.js";
import { didYouMean } from "./suggest.js";
import { issuesToDiagnostics } from "./zod-issues.js";

/** Options of `loadSpec`. */
export interface LoadSpecOptions {
  /** The file name used in diagnostics. @default "kubeship.yaml" */
  readonly file?: string;
  /** The environment overlay to merge (`environments.NAME`). */
  readonly env?: string;
  /** A namespace that replaces the spec's own (`kubeship render -n NS`). */
  readonly namespace?: string;
  /**
   * Reads a file the spec names (`files.*.from`), relative to the spec's directory; undefined when
   * it cannot. The CLI passes one; without it such files are an error.
   */
  readonly readFile?: (path: string) => string | undefined;
}

/**
 * The outcome of loading a spec. When it has errors, `partial` is the spec with every invalid value
 * dropped (when what is left is a spec), so that later stages can still report their own problems in
 * the same run instead of the next one.
 */
export type SpecResult = Result<LoadedSpec> & { readonly partial?: AppSpec };

/** A validated spec, with the environment overlay already merged. */
export interface LoadedSpec {
  readonly spec: AppSpec;
  /** The environment that was merged, if any. */
  readonly env?: string;
  readonly locator: SourceLocator;
}

/**
 * Parses and validates spec text in one pass: YAML syntax, schema, cross-field rules, and every
 * environment overlay (all of them, so a typo in `prod` is caught while rendering `dev`). Every
 * diagnostic carries its file, line and column. Pure: the caller reads the file.
 */
export function loadSpec(text: string, options: LoadSpecOptions = {}): SpecResult {
  const file = options.file ?? "kubeship.yaml";
  const parsed = parseYamlSource(text, file);
  if (parsed.diagnostics.length > 0) return { ok: false, diagnostics: parsed.diagnostics };
  // Only an escape (\ud800) makes a lone surrogate: text without one needs no search for them.
  const escapes = text.includes("\\u") || text.includes("\\U");
  return validateSpecData(parsed.data, parsed.locator, options.env, options.namespace, escapes);
}

/** Validates a spec given as data (from YAML, or built in code with `defineApp`). */
export function validateSpecData(
  data: unknown,
  locator: SourceLocator = codeLocator("<code>"),
  env?: string,
  namespace?: string,
  mayHoldLoneSurrogates = true,
): SpecResult {
  const diagnostics: Diagnostic[] = [];
  if (!isPlainObject(data)) {
    const d: Diagnostic = {
      code: "spec/not-a-mapping",
      severity: "error",
      path: [],
      message:
        data === undefined || data === null ? "the spec is empty" : "the spec must be a mapping of fields",
      hint: "start with 'app: my-app' (see `kubeship init`)",
    };
    return { ok: false, diagnostics: [locate(d, locator, undefined)] };
  }
  const shape = dataShapeProblem(data, { maxNodes: SPEC_NODE_BUDGET, maxDepth: SPEC_MAX_NESTING });
  if (shape !== undefined)
    return {
      ok: false,
      diagnostics: [
        locate(
          {
            code: "spec/too-complex",
            severity: "error",
            path: [],
            message: shape,
            hint: "a spec nests a few levels deep; look for a pasted document or runaway aliases",
          },
          locator,
          undefined,
        ),
      ],
    };
  const text = mayHoldLoneSurrogates ? illFormedText(data) : [];
  if (text.length > 0) return { ok: false, diagnostics: text.map((d) => locate(d, locator, undefined)) };
  // A namespace given on the command line wins over the spec's and every environment's.
  const withNamespace = (d: unknown): unknown =>
    namespace === undefined || !isPlainObject(d) ? d : { ...d, namespace };
  const base = checkOne(withNamespace(data));
  for (const d of base.diagnostics) diagnostics.push(locate(d, locator, undefined));
  const seen = new Set(base.diagnostics.map(key));

  const envs = isPlainObject(data.environments) ? data.environments : {};
  let selected: AppSpec | undefined = env === undefined ? base.spec : undefined;
  let partial: AppSpec | undefined = env === undefined ? base.partial : undefined;
  for (const [name, overlay] of Object.entries(envs)) {
    if (!isPlainObject(overlay)) continue; // the schema already reported it
    const merged = withNamespace(mergeOverlay(withoutEnvironments(data), overlay));
    const result = checkOne(merged);
    for (const d of result.diagnostics) {
      // Already reported: the same problem in the base, or in the overlay's own top-level check.
      if (seen.has(key(d)) || seen.has(key({ ...d, path: ["environments", name, ...d.path] }))) continue;
      diagnostics.push(locate({ ...d, message: `${d.message} (in environment '${name}')` }, locator, name));
    }
    if (name === env) {
      selected = result.spec;
      partial = result.partial;
    }
  }
  if (env !== undefined && !(env in envs)) {
    const names = Object.keys(envs);
    diagnostics.push({
      code: "spec/unknown-environment",
      severity: "error",
      path: ["environments"],
      message: `unknown environment '${env}'${didYouMean(env, names)}`,
      hint: names.length > 0 ? `defined: ${names.join(", ")}` : "add it under 'environments'",
      // Named on the command line: a place in the file only where its environments are.
      ...(locator.has(["environments"]) ? { position: locator.locate(["environments"], { key: true }) } : {}),
    });
  }
  if (hasErrors(diagnostics) || selected === undefined)
    return partial === undefined ? { ok: false, diagnostics } : { ok: false, diagnostics, partial };
  return {
    ok: true,
    value: env === undefined ? { spec: selected, locator } : { spec: selected, env, locator },
    diagnostics,
  };
}

/** A spec nests a handful of levels; anything deeper is not a spec (and would exhaust recursion later). */
const SPEC_MAX_NESTING = 64;
/** Values in a spec, aliases expanded: far above any real one (a 1500-service spec has ~30,000). */
const SPEC_NODE_BUDGET = 5_000_000;

/**
 * Strings with a lone UTF-16 surrogate (only a `"\ud800"` escape makes one): no YAML or JSON reader
 * of Kubernetes can hold them, so they would be written as data kubectl refuses or reads otherwise.
 */
function illFormedText(data: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: [unknown, DocPath][] = [[data, []]];
  while (stack.length > 0 && out.length < 20) {
    const [value, path] = stack.pop() as [unknown, DocPath];
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value))
        out.push({
          code: "spec/invalid-text",
          severity: "error",
          path,
          message: "the text holds a lone UTF-16 surrogate (an escape such as \\ud800 without its pair)",
          hint: "write the character itself, or a complete \\U escape",
        });
    } else if (Array.isArray(value)) value.forEach((v, i) => stack.push([v, [...path, i]]));
    else if (isPlainObject(value))
      for (const [k, v] of Object.entries(value)) {
        if (LONE_SURROGATE.test(k))
          out.push({
            code: "spec/invalid-text",
            severity: "error",
            path: [...path, k],
            message: "the key holds a lone UTF-16 surrogate",
            hint: "write the character itself",
          });
        stack.push([v, [...path, k]]);
      }
  }
  return out;
}

const LONE_SURROGATE = /\p{Cs}/u;

function withoutEnvironments(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => k !== "environments"));
}

function checkOne(data: unknown): { spec?: AppSpec; partial?: AppSpec; diagnostics: Diagnostic[] } {
  const parsed = appSpec.safeParse(data);
  if (parsed.success) {
    const diagnostics = checkSpec(parsed.data);
    return hasErrors(diagnostics)
      ? { partial: parsed.data, diagnostics }
      : { spec: parsed.data, diagnostics };
  }
  const diagnostics = issuesToDiagnostics(parsed.error.issues, appSpec, data);
  // Report the cross-field errors too, in the same pass: drop each invalid value and check the rest.
  const pruned = pruneInvalid(data);
  if (pruned === undefined) return { diagnostics };
  const reported = new Set(diagnostics.map((d) => formatPath(d.path)));
  for (const d of checkSpec(pruned)) if (!reported.has(formatPath(d.path))) diagnostics.push(d);
  return { partial: pruned, diagnostics };
}

/** Removes invalid values until the rest parses (a few rounds at most), or gives up. */
function pruneInvalid(data: unknown): AppSpec | undefined {
  const current: unknown = structuredClone(data);
  for (let round = 0; round < 6; round++) {
    const parsed = appSpec.safeParse(current);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const path = issue.path as (string | number)[];
      if (issue.code === "unrecognized_keys") for (const k of issue.keys) removeAt(current, [...path, k]);
      else if (valueAtPath(current, path) === undefined) removeAt(current, path.slice(0, -1));
      else removeAt(current, path);
    }
  }
  return undefined;
}

function valueAtPath(data: unknown, path: DocPath): unknown {
  let cur = data;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

function removeAt(data: unknown, path: DocPath): void {
  if (path.length === 0) return;
  const parent = valueAtPath(data, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1, undefined);
  else if (isPlainObject(parent) && last !== undefined) Reflect.deleteProperty(parent, last);
}

function key(d: Diagnostic): string {
  return `${d.code}|${formatPath(d.path)}|${d.message}`;
}

function locate(d: Diagnostic, locator: SourceLocator, env: string | undefined): Diagnostic {
  const unknownField = d.code === "spec/unknown-field";
  let path: DocPath = d.path;
  if (env !== undefined) {
    // Point at the overlay when it set this value (or its nearest ancestor), else at the base.
    const inOverlay = ["environments", env, ...d.path];
    for (let n = inOverlay.length; n > 2; n--) {
      if (locator.has(inOverlay.slice(0, n))) {
        path = inOverlay.slice(0, n);
        break;
      }
    }
  }
  return { ...d, position: locator.locate(path, unknownField ? { key: true } : {}) };
}

/** The names of a spec's environments (for emitting one overlay each); empty when it has none or cannot be read. */
export function environmentNames(text: string): string[] {
  const loaded = loadSpec(text);
  return loaded.ok ? Object.keys(loaded.value.spec.environments ?? {}).sort() : [];
}

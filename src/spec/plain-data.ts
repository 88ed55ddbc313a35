/**
 * Reading untyped JSON-like data (parsed YAML, Kubernetes objects, Compose files) without casts at
 * every step: each accessor answers the type asked for, or an empty or undefined value.
 */

/** The value as a plain object, or undefined. */
export function asRecord(v: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The value as an array (empty when it is not one). */
export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value as a string, or undefined. */
export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Reads a nested field: `field(o, "spec", "template", "metadata")`. */
export function field(o: unknown, ...keys: readonly (string | number)[]): unknown {
  let cur: unknown = o;
  for (const k of keys) {
    if (typeof k === "number") cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = asRecord(cur)?.[k];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A string map (labels, annotations, selectors), ignoring non-string values. */
export function stringMap(v: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asRecord(v) ?? {})) if (typeof x === "string") out[k] = x;
  return out;
}

/** The value as a plain object, or an empty one (for chained reads: `recordOf(recordOf(o).spec).replicas`). */
export function recordOf(v: unknown): Readonly<Record<string, unknown>> {
  return asRecord(v) ?? {};
}

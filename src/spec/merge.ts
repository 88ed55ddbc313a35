/**
 * Merges an environment overlay over a base spec: objects merge by key, lists and scalars replace,
 * and `null` removes the key (so an overlay can drop a `route` or an `autoscale`).
 */
export function mergeOverlay(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay;
  const out = new Map<string, unknown>(Object.entries(base));
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) out.delete(key);
    else out.set(key, key in base ? mergeOverlay(base[key], value) : value);
  }
  return Object.fromEntries(out);
}

/** True for `{...}` values (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

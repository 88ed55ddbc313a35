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

/** The value as a finite number, or undefined. */
export function asNumber(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

type Key = string | number;

/**
 * Reads a nested field: `field(o, "spec", "template", "metadata")`. Keys are fixed parameters, not a
 * rest array: lint calls this millions of times and the array was most of its cost.
 */
export function field(o: unknown, a: Key, b?: Key, c?: Key, d?: Key): unknown {
  let cur = step(o, a);
  if (b === undefined || cur === undefined) return cur;
  cur = step(cur, b);
  if (c === undefined || cur === undefined) return cur;
  cur = step(cur, c);
  if (d === undefined || cur === undefined) return cur;
  return step(cur, d);
}

/** Reads a nested field along a path: `fieldAt(o, ["spec", "template"])`. */
export function fieldAt(o: unknown, path: readonly Key[]): unknown {
  let cur: unknown = o;
  for (const k of path) {
    cur = step(cur, k);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function step(cur: unknown, k: Key): unknown {
  if (typeof k === "number") return Array.isArray(cur) ? (cur[k] as unknown) : undefined;
  return asRecord(cur)?.[k];
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A string map (labels, annotations, selectors), ignoring non-string values. The record itself when
 * every value is a string (the usual case: no copy), else a copy of its string entries.
 */
export function stringMap(v: unknown): Readonly<Record<string, string>> {
  const r = asRecord(v);
  if (r === undefined) return EMPTY;
  if (onlyStrings(r)) return r;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(r)) if (typeof x === "string") out[k] = x;
  return out;
}

function onlyStrings(r: Readonly<Record<string, unknown>>): r is Readonly<Record<string, string>> {
  for (const k in r) if (typeof r[k] !== "string") return false;
  return true;
}

/** The value as a plain object, or an empty one (for chained reads: `recordOf(recordOf(o).spec).replicas`). */
export function recordOf(v: unknown): Readonly<Record<string, unknown>> {
  return asRecord(v) ?? {};
}

/** The value as a list of plain objects (an item that is not one as an empty one), or an empty list. */
export function recordsOf(v: unknown): readonly Readonly<Record<string, unknown>>[] {
  return asArray(v).map(recordOf);
}

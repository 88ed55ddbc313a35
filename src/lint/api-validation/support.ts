import type { DocPath } from "../../spec/diagnostic.js";
import {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from "../../spec/k8s-names.js";

/** One refusal the API server would give: where in the object, and its own words. */
export interface Refusal {
  readonly path: DocPath;
  readonly message: string;
}

/**
 * A place in the object, as the validators pass it down: a path, or a step below one. Most checks
 * pass, and the validators see every object lint reads: a step costs one small object where a path
 * array would be copied at each level; the path is made only when something is refused there.
 */
export type Where = DocPath | Step;

/** One key below a place. */
export class Step {
  constructor(
    readonly up: Where,
    readonly key: string | number,
  ) {}
}

/** The place `keys` below `up` (up to five keys: no array for the rest of them). */
export function sub(
  up: Where,
  a: string | number,
  b?: string | number,
  c?: string | number,
  d?: string | number,
  e?: string | number,
): Where {
  let w = new Step(up, a);
  if (b !== undefined) w = new Step(w, b);
  if (c !== undefined) w = new Step(w, c);
  if (d !== undefined) w = new Step(w, d);
  if (e !== undefined) w = new Step(w, e);
  return w;
}

/** The path of a place. */
export function pathAt(w: Where): DocPath {
  if (!(w instanceof Step)) return w;
  const keys: (string | number)[] = [];
  let p: Where = w;
  for (; p instanceof Step; p = p.up) keys.push(p.key);
  return [...p, ...keys.reverse()];
}

/** The key `n` levels up from a place (1: its own last key), as `path[path.length - n]` would be. */
export function keyAbove(w: Where, n: number): string | number | undefined {
  let p: Where = w;
  let k = n;
  while (p instanceof Step) {
    if (k === 1) return p.key;
    k--;
    p = p.up;
  }
  return p[p.length - k];
}

/** Collects refusals while the validators walk an object. */
export class Refusals {
  readonly list: Refusal[] = [];

  add(where: Where, message: string): void {
    this.list.push({ path: pathAt(where), message });
  }

  /** `Invalid value: "x": <why>` for each problem, as field.Invalid prints it. */
  invalid(where: Where, value: unknown, problems: readonly string[]): void {
    for (const p of problems) this.add(where, `Invalid value: ${shown(value)}: ${p}`);
  }

  required(where: Where, what = ""): void {
    this.add(where, `Required value${what === "" ? "" : `: ${what}`}`);
  }
}

/** A value as the API server quotes it in messages. */
export function shown(value: unknown): string {
  return value === undefined ? "null" : JSON.stringify(value);
}

export type Obj = Readonly<Record<string, unknown>>;

export function rec(v: unknown): Obj | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}

export {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
};

/**
 * A name that is one segment of an API path (path.IsValidPathSegmentName): RBAC names, the kind and
 * name an HPA or a RoleBinding refers to. Each illegal part is a message of its own, as upstream.
 */
export function pathSegmentErrors(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  return ["/", "%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/** IANA_SVC_NAME: a port name (apimachinery IsValidPortName). */
export function portNameErrors(name: string): string[] {
  const out: string[] = [];
  if (name.length < 1 || name.length > 15) out.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(name))
    out.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (name.includes("--")) out.push("must not contain consecutive hyphens");
  if (!/[a-z]/.test(name)) out.push("must contain at least one letter (a-z)");
  if (name.startsWith("-") || name.endsWith("-")) out.push("must not begin or end with a hyphen");
  return out;
}

/** A port number 1..65535 (IsValidPortNum). */
export function portNumErrors(n: number): string[] {
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

/** A Kubernetes quantity's canonical syntax (resource.ParseQuantity). */
export const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The keys of ConfigMaps and Secrets (IsConfigMapKey). */
export function configMapKeyErrors(key: string): string[] {
  const out: string[] = [];
  if (key.length > 253) out.push("must be no more than 253 characters");
  if (!/^[-._a-zA-Z0-9]+$/.test(key))
    out.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
  if (key === ".") out.push("must not be '.'");
  else if (key === "..") out.push("must not be '..'");
  else if (key.startsWith("..")) out.push("must not start with '..'");
  return out;
}

export { labelValueErrors as labelValue };

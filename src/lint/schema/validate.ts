import { closest } from "../../spec/suggest.js";
import type { SchemaNode } from "./compact.js";

/** One way an object breaks its schema. */
export interface SchemaIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint?: string;
}

// A Kubernetes quantity: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const PRIMITIVE_NAMES: Readonly<Record<string, string>> = {
  s: "a string",
  i: "an integer",
  n: "a number",
  b: "a boolean (true or false)",
  io: "an integer or a string",
  q: "a quantity such as 500m, 2, 256Mi or 1Gi",
  t: "a date-time string",
};

/** Where a validation is: the path to the current value, and the issues found so far. */
interface Walk {
  readonly path: (string | number)[];
  readonly issues: SchemaIssue[];
}

/** A schema node compiled to a function: lint checks every object, so nodes are not re-read each time. */
type Check = (v: unknown, walk: Walk) => void;

/**
 * Validates a value against a compact schema node, strictly: unknown fields are issues, as in
 * kubeconform -strict and the API server's strict field validation. `null` counts as unset.
 * Nodes are compiled once per definitions object (keep passing the same one).
 */
export function validateAgainst(
  value: unknown,
  node: SchemaNode,
  defs: Readonly<Record<string, SchemaNode>>,
): SchemaIssue[] {
  const walk: Walk = { path: [], issues: [] };
  compilerOf(defs).check(node)(value, walk);
  return walk.issues;
}

const compilers = new WeakMap<object, Compiler>();

function compilerOf(defs: Readonly<Record<string, SchemaNode>>): Compiler {
  let c = compilers.get(defs);
  if (c === undefined) {
    c = new Compiler(defs);
    compilers.set(defs, c);
  }
  return c;
}

function fail(walk: Walk, message: string, hint?: string): void {
  const path = [...walk.path];
  walk.issues.push(hint === undefined ? { path, message } : { path, message, hint });
}

class Compiler {
  private readonly checks = new Map<SchemaNode, Check>();

  constructor(private readonly defs: Readonly<Record<string, SchemaNode>>) {}

  /**
   * The check of a node, compiled on first use with its children. Schemas are recursive (a CRD's
   * JSONSchemaProps holds JSONSchemaProps): a node met again while it is being compiled is reached
   * through a forwarding check, every other child directly.
   */
  check(node: SchemaNode): Check {
    const cached = this.checks.get(node);
    if (cached !== undefined) return cached;
    const slot: { check?: Check } = {};
    this.checks.set(node, (v, walk) => {
      slot.check?.(v, walk);
    });
    const compiled = this.compile(node);
    slot.check = compiled;
    this.checks.set(node, compiled);
    return compiled;
  }

  private compile(n: SchemaNode): Check {
    if (typeof n === "string") {
      if (n.charCodeAt(0) === 35 /* # */) {
        const def = this.defs[n.slice(1)];
        return def === undefined ? () => undefined : this.check(def);
      }
      return primitive(n);
    }
    if ("a" in n) {
      const item = this.check(n.a);
      return (v, walk) => {
        if (v === null || v === undefined) return;
        if (!Array.isArray(v)) {
          fail(walk, `expected a list, got ${describe(v)}`);
          return;
        }
        walk.path.push(0);
        const at = walk.path.length - 1;
        for (let i = 0; i < v.length; i++) {
          walk.path[at] = i;
          item(v[i], walk);
        }
        walk.path.pop();
      };
    }
    if ("e" in n) {
      const values = n.e;
      return (v, walk) => {
        if (v === null || v === undefined || values.includes(v as string)) return;
        const guess = typeof v === "string" ? closest(v, values.map(String)) : undefined;
        fail(
          walk,
          `${JSON.stringify(v)} is not one of ${values.map((x) => JSON.stringify(x)).join(", ")}`,
          guess === undefined ? undefined : `did you mean ${JSON.stringify(guess)}?`,
        );
      };
    }
    const props = new Map<string, Check>();
    for (const [key, child] of Object.entries(n.p ?? {})) props.set(key, this.check(child));
    const known = Object.keys(n.p ?? {});
    const values = n.m === undefined ? undefined : this.check(n.m);
    // Unknown fields are issues unless the node keeps them (x) or says nothing of its fields.
    const strict = n.x !== 1 && n.p !== undefined;
    const required = n.r ?? [];
    return (v, walk) => {
      if (v === null || v === undefined) return;
      if (typeof v !== "object" || Array.isArray(v)) {
        fail(walk, `expected an object, got ${describe(v)}`);
        return;
      }
      const obj = v as Record<string, unknown>;
      for (const key in obj) {
        const child = props.get(key) ?? values;
        if (child !== undefined) {
          const value = obj[key];
          if (value === null || value === undefined) continue;
          walk.path.push(key);
          child(value, walk);
          walk.path.pop();
        } else if (strict) {
          walk.path.push(key);
          const guess = closest(key, known);
          fail(
            walk,
            `unknown field "${key}"`,
            guess === undefined
              ? `remove it; the known fields here are ${known.slice(0, 12).join(", ")}${known.length > 12 ? ", ..." : ""}`
              : `did you mean "${guess}"?`,
          );
          walk.path.pop();
        }
      }
      for (const key of required)
        if (obj[key] === undefined || obj[key] === null) fail(walk, `missing required field "${key}"`);
    };
  }
}

function primitive(code: string): Check {
  switch (code) {
    case "*":
      return () => undefined;
    case "s":
    case "t":
      return (v, walk) => {
        if (typeof v !== "string" && v !== null && v !== undefined)
          fail(walk, `expected a string, got ${describe(v)}`, quoteHint(v));
      };
    case "i":
      return (v, walk) => {
        if ((typeof v !== "number" || !Number.isInteger(v)) && v !== null && v !== undefined)
          fail(walk, `expected an integer, got ${describe(v)}`);
      };
    case "n":
      return (v, walk) => {
        if (typeof v !== "number" && v !== null && v !== undefined)
          fail(walk, `expected a number, got ${describe(v)}`);
      };
    case "b":
      return (v, walk) => {
        if (typeof v !== "boolean" && v !== null && v !== undefined)
          fail(walk, `expected a boolean (true or false), got ${describe(v)}`);
      };
    case "io":
      return (v, walk) => {
        if (typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return;
        if (v !== null && v !== undefined) fail(walk, `expected an integer or a string, got ${describe(v)}`);
      };
    case "q":
      return (v, walk) => {
        if (typeof v === "number" || v === null || v === undefined) return;
        if (typeof v !== "string" || !QUANTITY.test(v))
          fail(
            walk,
            `${describe(v)} is not a quantity`,
            "write it like 500m or 2 for CPU and 256Mi or 1Gi for memory and storage (Mi and Gi, not MB or GB)",
          );
      };
    default:
      return (v, walk) => {
        if (v !== null && v !== undefined)
          fail(walk, `expected ${PRIMITIVE_NAMES[code] ?? code}, got ${describe(v)}`);
      };
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object" && v !== null) return "an object";
  if (typeof v === "string")
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function quoteHint(v: unknown): string | undefined {
  return typeof v === "number" || typeof v === "boolean"
    ? `quote it: "${String(v)}" (YAML reads an unquoted ${String(v)} as a ${typeof v})`
    : undefined;
}

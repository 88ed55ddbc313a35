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

/**
 * Validates a value against a compact schema node, strictly: unknown fields are issues, as in
 * kubeconform -strict and the API server's strict field validation. `null` counts as unset.
 */
export function validateAgainst(
  value: unknown,
  node: SchemaNode,
  defs: Readonly<Record<string, SchemaNode>>,
): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const path: (string | number)[] = [];
  const refs = refsOf(defs);
  const visit = (v: unknown, n: SchemaNode): void => {
    if (v === null || v === undefined) return;
    if (typeof n === "string") {
      if (n.charCodeAt(0) === 35 /* # */) {
        let def = refs.get(n);
        if (def === undefined) {
          def = defs[n.slice(1)];
          if (def === undefined) return;
          refs.set(n, def);
        }
        visit(v, def);
        return;
      }
      checkPrimitive(v, n);
      return;
    }
    if ("a" in n) {
      if (!Array.isArray(v)) {
        fail(`expected a list, got ${describe(v)}`);
        return;
      }
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i], n.a);
        path.pop();
      }
      return;
    }
    if ("e" in n) {
      if (!n.e.includes(v as string)) {
        const guess = typeof v === "string" ? closest(v, n.e.map(String)) : undefined;
        fail(
          `${JSON.stringify(v)} is not one of ${n.e.map((x) => JSON.stringify(x)).join(", ")}`,
          guess === undefined ? undefined : `did you mean ${JSON.stringify(guess)}?`,
        );
      }
      return;
    }
    if (typeof v !== "object" || Array.isArray(v)) {
      fail(`expected an object, got ${describe(v)}`);
      return;
    }
    const obj = v as Record<string, unknown>;
    const props = n.p;
    for (const key in obj) {
      const child = props?.[key];
      path.push(key);
      if (child !== undefined) visit(obj[key], child);
      else if (n.m !== undefined) visit(obj[key], n.m);
      else if (n.x !== 1 && props !== undefined) {
        const guess = closest(key, Object.keys(props));
        fail(
          `unknown field "${key}"`,
          guess === undefined
            ? `remove it; the known fields here are ${Object.keys(props).slice(0, 12).join(", ")}${Object.keys(props).length > 12 ? ", ..." : ""}`
            : `did you mean "${guess}"?`,
        );
      }
      path.pop();
    }
    for (const key of n.r ?? []) {
      if (obj[key] === undefined || obj[key] === null) fail(`missing required field "${key}"`);
    }
  };
  const checkPrimitive = (v: unknown, code: string): void => {
    switch (code) {
      case "*":
        return;
      case "s":
      case "t":
        if (typeof v !== "string") fail(`expected a string, got ${describe(v)}`, quoteHint(v));
        return;
      case "i":
        if (typeof v !== "number" || !Number.isInteger(v)) fail(`expected an integer, got ${describe(v)}`);
        return;
      case "n":
        if (typeof v !== "number") fail(`expected a number, got ${describe(v)}`);
        return;
      case "b":
        if (typeof v !== "boolean") fail(`expected a boolean (true or false), got ${describe(v)}`);
        return;
      case "io":
        if (typeof v !== "string" && !(typeof v === "number" && Number.isInteger(v)))
          fail(`expected an integer or a string, got ${describe(v)}`);
        return;
      case "q":
        if (typeof v === "number") return;
        if (typeof v !== "string" || !QUANTITY.test(v))
          fail(
            `${describe(v)} is not a quantity`,
            "write it like 500m or 2 for CPU and 256Mi or 1Gi for memory and storage (Mi and Gi, not MB or GB)",
          );
        return;
      default:
        fail(`expected ${PRIMITIVE_NAMES[code] ?? code}, got ${describe(v)}`);
    }
  };
  const fail = (message: string, hint?: string): void => {
    issues.push(hint === undefined ? { path: [...path], message } : { path: [...path], message, hint });
  };
  visit(value, node);
  return issues;
}

const refCache = new WeakMap<object, Map<string, SchemaNode>>();

/** `#name` references resolved once per schema set (lint follows millions of them). */
function refsOf(defs: Readonly<Record<string, SchemaNode>>): Map<string, SchemaNode> {
  let refs = refCache.get(defs);
  if (refs === undefined) {
    refs = new Map();
    refCache.set(defs, refs);
  }
  return refs;
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

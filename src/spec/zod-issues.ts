import { z } from "zod";
import { error, type Diagnostic, type DocPath } from "./diagnostic.js";
import { didYouMean } from "./suggest.js";

type Issue = z.core.$ZodIssue;

/** Turns zod issues into diagnostics with our wording, resolving unions and suggesting near names. */
export function issuesToDiagnostics(issues: readonly Issue[], root: z.ZodType, input: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) out.push(...convert(issue, [], root, input));
  return out;
}

function convert(issue: Issue, prefix: DocPath, root: z.ZodType, input: unknown): Diagnostic[] {
  const path: DocPath = [...prefix, ...(issue.path as (string | number)[])];
  const value = valueAt(input, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(root, path);
      return issue.keys.map((key) =>
        error(
          "spec/unknown-field",
          [...path, key],
          `unknown field '${key}'${didYouMean(key, known)}`,
          known.length > 0 ? `allowed here: ${known.join(", ")}` : "remove it",
        ),
      );
    }
    case "invalid_union": {
      const branches = issue.errors;
      // Pick the branch that got furthest: one whose issues are not all a type mismatch at the top.
      const best =
        branches.find((b) => b.every((i) => !(i.code === "invalid_type" && i.path.length === 0))) ??
        undefined;
      if (best !== undefined && best.length > 0) return best.flatMap((i) => convert(i, path, root, input));
      return [
        error(
          "spec/invalid-type",
          path,
          `expected ${describeUnion(root, path)}, got ${describeValue(value)}`,
        ),
      ];
    }
    case "invalid_type":
      if (value === undefined)
        return [
          error(
            "spec/missing-field",
            path,
            `required field '${String(path.at(-1))}' is missing`,
            `add '${String(path.at(-1))}'`,
          ),
        ];
      return [
        error(
          "spec/invalid-type",
          path,
          `expected ${issue.expected}, got ${describeValue(value)}`,
          typeHint(issue.expected),
        ),
      ];
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v));
      if (value === undefined)
        return [
          error(
            "spec/missing-field",
            path,
            `required field '${String(path.at(-1))}' is missing`,
            `add '${String(path.at(-1))}': one of ${allowed.join(", ")}`,
          ),
        ];
      const got = typeof value === "string" ? value : JSON.stringify(value);
      return [
        error(
          "spec/invalid-value",
          path,
          `'${got}' is not one of: ${allowed.join(", ")}${didYouMean(got, allowed)}`,
        ),
      ];
    }
    case "invalid_format":
      return [error("spec/invalid-format", path, `${describeValue(value)} is not ${issue.message}`)];
    case "too_small":
      return [
        error(
          "spec/out-of-range",
          path,
          `${describeValue(value)} is too small: ${bound(issue.origin, issue.inclusive === false ? ">" : ">=", issue.minimum)}`,
        ),
      ];
    case "too_big":
      return [
        error(
          "spec/out-of-range",
          path,
          `${describeValue(value)} is too big: ${bound(issue.origin, issue.inclusive === false ? "<" : "<=", issue.maximum)}`,
        ),
      ];
    case "invalid_key":
      return issue.issues.flatMap((i) => convert(i, path, root, input));
    case "invalid_element":
      return issue.issues.flatMap((i) => convert(i, [...path, String(issue.key)], root, input));
    case "not_multiple_of":
    case "custom":
      return [error("spec/invalid", path, issue.message)];
  }
}

function typeHint(expected: string): string {
  switch (expected) {
    case "number":
      return "write a number, without quotes";
    case "boolean":
      return "write true or false";
    case "string":
      return "write text; quote it if it looks like a number or a boolean";
    case "array":
      return "write a list: [a, b] or one '- item' per line";
    case "object":
      return "write a mapping of fields";
    default:
      return `write ${expected}`;
  }
}

function bound(origin: string, op: string, limit: number | bigint): string {
  if (origin === "array") return `needs ${op.startsWith(">") ? "at least" : "at most"} ${limit} items`;
  if (origin === "string") return `needs ${op.startsWith(">") ? "at least" : "at most"} ${limit} characters`;
  return `must be ${op} ${limit}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return value.length > 40 ? `'${value.slice(0, 40)}...'` : `'${value}'`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return `${typeof value} ${String(value)}`;
  return typeof value;
}

function valueAt(input: unknown, path: DocPath): unknown {
  let cur = input;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

function describeUnion(root: z.ZodType, path: DocPath): string {
  const schema = schemaAt(root, path);
  return schema?.description ?? "a different kind of value";
}

/** The keys an object schema accepts at `path` (for "did you mean" on unknown fields). */
export function knownKeysAt(root: z.ZodType, path: DocPath): string[] {
  const schema = schemaAt(root, path);
  const keys = new Set<string>();
  for (const s of unionMembers(schema))
    if (s instanceof z.ZodObject) for (const k of Object.keys(s.shape)) keys.add(k);
  return [...keys].filter((k) => k !== "$schema").sort();
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault)
    s = s.unwrap() as z.ZodType;
  return s;
}

function unionMembers(schema: z.ZodType | undefined): z.ZodType[] {
  const s = unwrap(schema);
  if (s === undefined) return [];
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap((o) => unionMembers(o));
  return [s];
}

/** Walks the schema along a data path (objects, records, arrays, unions). */
export function schemaAt(root: z.ZodType, path: DocPath): z.ZodType | undefined {
  let candidates: z.ZodType[] = [root];
  for (const part of path) {
    const next: z.ZodType[] = [];
    for (const c of candidates.flatMap((x) => unionMembers(x))) {
      if (c instanceof z.ZodObject && typeof part === "string") {
        const child = (c.shape as Record<string, z.ZodType | undefined>)[part];
        if (child !== undefined) next.push(child);
      } else if (c instanceof z.ZodRecord) next.push(c.valueType as z.ZodType);
      else if (c instanceof z.ZodArray) next.push(c.element as z.ZodType);
    }
    if (next.length === 0) return undefined;
    candidates = next;
  }
  return candidates[0];
}

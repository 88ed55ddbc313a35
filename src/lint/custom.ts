/**
 * Team rules written in `.kubeship-lint.yaml` under `custom:`: which kinds they look at, field paths
 * that must hold a value (`require`) or must not (`forbid`), and the conditions on those values. A
 * small declarative format (kube-linter's and Polaris's custom checks do the same with templates and
 * JSON Schema): each becomes a rule like the built-in ones, with its level, waivers and report line.
 */
import { z } from "zod";
import type { DocPath } from "../spec/diagnostic.js";
import { asArray, asRecord } from "./object.js";
import { podTemplateOf } from "./pods.js";
import type { CustomCheck, CustomRuleSpec, ManifestObject, Rule, RuleFinding } from "./types.js";

/** One condition on the values a path reaches; several in one check must all hold. */
const condition = {
  /** Equal to this value. */
  equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** One of these values. */
  in: z
    .array(z.union([z.string(), z.number(), z.boolean()]))
    .min(1)
    .optional(),
  /** A string that this regular expression (JavaScript syntax) matches. */
  matches: z.string().refine(compiles, { message: "not a valid regular expression" }).optional(),
  /** A number (or a string of digits) at least this. */
  min: z.number().optional(),
  /** A number (or a string of digits) at most this. */
  max: z.number().optional(),
};

const check = z.strictObject({
  /**
   * Dotted field path: `metadata.labels.team`, `[*]` for every item of a list, `["a.b/c"]` for a key
   * with dots, and `pod.` for the pod spec wherever the kind keeps it (`pod.containers[*].image`).
   */
  path: z
    .string()
    .min(1)
    .refine((p) => parsePath(p) !== undefined, {
      message:
        'write the path as dotted keys, e.g. spec.template.spec.containers[*].image or metadata.labels["app.kubernetes.io/name"]',
    }),
  ...condition,
});

/** The schema of one entry of `custom:`. */
export const customRuleSchema = z.strictObject({
  /** The rule's id: in reports, levels and waivers (`kubeship.io/waive.<id>`). */
  id: z
    .string()
    .regex(
      /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
      "use lower-case letters, digits and '-', like the built-in ids",
    ),
  level: z.enum(["error", "warning"]).default("warning"),
  /** What the rule wants, one line: printed with every finding. */
  title: z.string().min(1),
  /** How to fix it: printed under the finding. */
  fix: z.string().optional(),
  /** Kinds it checks (all when absent); `pod` stands for every kind with a pod template. */
  kinds: z.array(z.string().min(1)).min(1).optional(),
  /** Only objects in these namespaces. */
  namespaces: z.array(z.string().min(1)).min(1).optional(),
  /** Each path must reach a value, and the value meet the conditions. */
  require: z.array(check).min(1).optional(),
  /** No path may reach a value that meets the conditions (with none: any value at all). */
  forbid: z.array(check).min(1).optional(),
});

// The schema's output must be the interface rules are built from (types.ts, which cannot import
// this file without a cycle): a compile-time check.
type Conforms<T extends CustomRuleSpec> = T;
export type ParsedCustomRule = Conforms<z.output<typeof customRuleSchema>>;
type Check = CustomCheck;

/** The rule a `custom:` entry describes. */
export function customRule(spec: CustomRuleSpec): Rule {
  const compile = (c: Check, forbid: boolean): Compiled => ({
    c,
    path: parsePath(c.path) ?? [],
    forbid,
    ...(c.matches === undefined ? {} : { re: new RegExp(c.matches, "u") }),
  });
  const checks = [
    ...(spec.require ?? []).map((c) => compile(c, false)),
    ...(spec.forbid ?? []).map((c) => compile(c, true)),
  ];
  const kinds = spec.kinds === undefined ? undefined : new Set(spec.kinds);
  return {
    id: spec.id,
    severity: spec.level,
    category: "team",
    title: spec.title,
    why: "A rule of this team's `.kubeship-lint.yaml`.",
    fix: spec.fix ?? spec.title,
    examples: { bad: "", good: "" },
    *check(ctx) {
      for (const o of ctx.objects) {
        if (ctx.reported?.(o) === false) continue;
        const pod = podTemplateOf(o);
        if (kinds !== undefined && !kinds.has(o.kind) && !(pod !== undefined && kinds.has("pod"))) continue;
        if (spec.namespaces !== undefined && !spec.namespaces.includes(o.namespace ?? "default")) continue;
        for (const c of checks) yield* checkObject(o, pod?.specPath, c, spec);
      }
    },
  };
}

/** A key, or `*` for every item of a list. */
type Segment = string;

interface Compiled {
  readonly c: Check;
  readonly path: readonly Segment[];
  readonly forbid: boolean;
  readonly re?: RegExp;
}

function* checkObject(
  o: ManifestObject,
  podPath: DocPath | undefined,
  check: Compiled,
  spec: CustomRuleSpec,
): Generator<RuleFinding> {
  const { path, forbid } = check;
  let start: DocPath = [];
  let rest = path;
  if (path[0] === "pod") {
    if (podPath === undefined) return;
    start = podPath;
    rest = path.slice(1);
  }
  const hint = spec.fix;
  for (const [at, value] of reach(o.object, start, rest)) {
    const shown = at.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
    if (forbid) {
      if (value !== undefined && meets(value, check))
        yield withHint(o, at, `${spec.title}: ${shown} is ${show(value)}`, hint);
    } else if (value === undefined) yield withHint(o, at, `${spec.title}: ${shown} is missing`, hint);
    else if (!meets(value, check)) yield withHint(o, at, `${spec.title}: ${shown} is ${show(value)}`, hint);
  }
}

function withHint(
  target: ManifestObject,
  path: DocPath,
  message: string,
  hint: string | undefined,
): RuleFinding {
  return hint === undefined ? { target, path, message } : { target, path, message, hint };
}

/**
 * Every place a path reaches: `[*]` fans out over a list's items (none when the list is empty or
 * absent); a missing key ends the walk with the value undefined at the path so far plus the rest.
 */
function reach(root: unknown, start: DocPath, path: readonly Segment[]): [DocPath, unknown][] {
  let cur: unknown = root;
  for (const k of start) cur = typeof k === "number" ? asArray(cur)[k] : asRecord(cur)?.[k];
  let frontier: [DocPath, unknown][] = [[start, cur]];
  for (const [i, seg] of path.entries()) {
    const next: [DocPath, unknown][] = [];
    for (const [at, v] of frontier) {
      if (v === undefined) {
        next.push([at, undefined]);
        continue;
      }
      if (seg === "*") asArray(v).forEach((item, j) => next.push([[...at, j], item]));
      else {
        const child = asRecord(v)?.[seg];
        next.push([
          child === undefined ? [...at, ...path.slice(i).filter((s) => s !== "*")] : [...at, seg],
          child,
        ]);
      }
    }
    // A missing key already stands at its full path: the later segments pass it by.
    frontier = next;
    if (frontier.every(([, v]) => v === undefined)) break;
  }
  return dedupe(frontier);
}

function dedupe(list: [DocPath, unknown][]): [DocPath, unknown][] {
  const seen = new Set<string>();
  return list.filter(([at]) => {
    const key = JSON.stringify(at);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function meets(value: unknown, { c, re }: Compiled): boolean {
  if (c.equals !== undefined && value !== c.equals) return false;
  if (c.in !== undefined && !c.in.some((x) => x === value)) return false;
  if (re !== undefined && !(typeof value === "string" && re.test(value))) return false;
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : undefined;
  if (c.min !== undefined && !(n !== undefined && n >= c.min)) return false;
  if (c.max !== undefined && !(n !== undefined && n <= c.max)) return false;
  return true;
}

function show(v: unknown): string {
  const s =
    typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? JSON.stringify(v) : "set";
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `a.b[*].c["d.e"]` to its segments; undefined when it is not such a path. */
export function parsePath(text: string): Segment[] | undefined {
  const out: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === "[") {
      if (text.startsWith("[*]", i)) {
        out.push("*");
        i += 3;
      } else if (text[i + 1] === '"') {
        const end = text.indexOf('"]', i + 2);
        if (end < 0 || end === i + 2) return undefined;
        out.push(text.slice(i + 2, end));
        i = end + 2;
      } else return undefined;
    } else {
      let j = i;
      while (j < text.length && text[j] !== "." && text[j] !== "[") j++;
      if (j === i) return undefined;
      out.push(text.slice(i, j));
      i = j;
    }
    if (i < text.length && text[i] === ".") {
      i++;
      if (i === text.length) return undefined;
    } else if (i < text.length && text[i] !== "[") return undefined;
  }
  return out.length > 0 ? out : undefined;
}

function compiles(re: string): boolean {
  try {
    new RegExp(re, "u");
    return true;
  } catch {
    return false;
  }
}

import { deprecationOf } from "../deprecations.js";
import { validateAgainst } from "../schema/validate.js";
import type { SchemaNode, SchemaSet } from "../schema/compact.js";
import { field, isSopsEncrypted, sameItems } from "../object.js";
import type { Rule, RuleFinding } from "../types.js";
import { finding } from "./support.js";
import { hasModelValidator, modelProblems } from "../schema/model-validators.js";

/** The API group of an apiVersion (`""` for the core group). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

interface Prepared {
  readonly sets: readonly SchemaSet[];
  readonly defs: Readonly<Record<string, SchemaNode>>;
  readonly kinds: ReadonlyMap<string, SchemaNode>;
  readonly builtInGroups: ReadonlySet<string>;
}

let last: Prepared | undefined;

/**
 * Fields the OpenAPI document calls required that the API server fills in before it validates:
 * leaving them out is accepted (found by the differential test against the API server).
 */
const DEFAULTED_BEFORE_VALIDATION: readonly (readonly [string, string])[] = [
  // SetDefaults_RoleBinding: an empty roleRef.apiGroup becomes rbac.authorization.k8s.io.
  ["rbac.v1.RoleRef", "apiGroup"],
];

/**
 * The schema sets merged for lookup, kept while the same sets come back: a large input is linted in
 * batches, and the validators compiled for one set of definitions serve every batch.
 */
function prepare(sets: readonly SchemaSet[]): Prepared {
  if (last !== undefined && sameItems(last.sets, sets)) return last;
  const defs: Record<string, SchemaNode> = {};
  for (const s of sets) Object.assign(defs, s.defs);
  for (const [def, key] of DEFAULTED_BEFORE_VALIDATION) {
    const node = defs[def];
    if (node !== undefined && typeof node === "object" && "r" in node)
      defs[def] = { ...node, r: node.r.filter((k) => k !== key) };
  }
  const kinds = new Map<string, SchemaNode>();
  for (const s of sets) for (const [k, v] of Object.entries(s.kinds)) kinds.set(k, v);
  const builtInGroups = new Set(Object.keys(sets[0]?.kinds ?? {}).map((k) => groupOf(k.split(" ")[0] ?? "")));
  last = { sets, defs, kinds, builtInGroups };
  return last;
}

export const schema: Rule = {
  id: "schema",
  severity: "error",
  category: "validity",
  title: "Objects match the schema of the target Kubernetes version, strictly",
  why: "The API server rejects wrong types and missing required fields, and with strict field validation also unknown fields; without it a misspelt field such as `replicaz` is dropped silently and the object runs with a default nobody chose. Checking before apply finds all of them at once, with the place, instead of one per failed deploy.",
  fix: "Correct the field named in the finding: its type, its spelling (the hint suggests the closest known field) or add the missing required field. Choose the target version with `--kube-version` or `kubeVersion` in `.kubeship-lint.yaml`. Built-in kinds are checked against the upstream OpenAPI of that version, prometheus-operator and cert-manager kinds against their CRDs, and any other custom kind against a CustomResourceDefinition in the same input.",
  seeAlso: ["kubeconform -strict", "kubectl apply --validate=strict"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicaz: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  *check(ctx) {
    const { defs, kinds, builtInGroups } = prepare(ctx.schemas);
    const kube = ctx.schemas[0];
    for (const o of ctx.objects) {
      // Each object on its own: those whose findings another batch reports need no second look.
      if (ctx.reported?.(o) === false) continue;
      const node = kinds.get(`${o.apiVersion} ${o.kind}`);
      if (node === undefined && hasModelValidator(o.apiVersion, o.kind)) {
        for (const p of modelProblems(o.apiVersion, o.kind, o.object)) yield finding(o, p.path, p.message);
        continue;
      }
      if (node === undefined) {
        // Groups with a dot that Kubernetes does not serve belong to CRDs (VerticalPodAutoscaler, Gateway,
        // Kustomization): without their CRD in the input there is nothing to check them against.
        const group = groupOf(o.apiVersion);
        if (
          deprecationOf(o.apiVersion, o.kind) !== undefined ||
          (group.includes(".") && !builtInGroups.has(group))
        )
          continue;
        const served = [...kinds.keys()].filter((k) => k.endsWith(` ${o.kind}`)).map((k) => k.split(" ")[0]);
        yield finding(
          o,
          ["apiVersion"],
          `Kubernetes ${ctx.settings.kubeVersion} serves no kind ${o.kind} in ${o.apiVersion}`,
          served.length > 0
            ? `use apiVersion ${served.join(" or ")}`
            : `check the kind's spelling; ${kube?.name ?? "this version"} has no ${o.kind} at all`,
        );
        continue;
      }
      // A SOPS file's `sops` field is removed before the apply (by Flux or `sops decrypt`).
      const checked = isSopsEncrypted(o.object) ? withoutSops(o.object) : o.object;
      for (const issue of validateAgainst(checked, node, defs)) {
        yield finding(o, issue.path, issue.message, issue.hint) satisfies RuleFinding;
      }
      if (
        field(o.object, "metadata", "name") === undefined &&
        field(o.object, "metadata", "generateName") === undefined
      )
        yield finding(o, ["metadata"], "the object has no metadata.name", "every object needs a name");
    }
  },
};

function withoutSops(o: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const { sops: _sops, ...rest } = o;
  return rest;
}

import { asArray, asString, field } from "../object.js";

/** One PolicyRule of a Role or ClusterRole, as lists of strings. */
export interface PolicyRuleView {
  readonly index: number;
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** The rules of a Role or ClusterRole. */
export function policyRules(role: unknown): PolicyRuleView[] {
  return asArray(field(role, "rules")).map((r, index) => ({
    index,
    apiGroups: asArray(field(r, "apiGroups")).map((x) => asString(x) ?? ""),
    resources: asArray(field(r, "resources")).map((x) => asString(x) ?? ""),
    verbs: asArray(field(r, "verbs")).map((x) => asString(x) ?? ""),
  }));
}

/** Whether a rule grants one of the verbs on a resource of the core group. */
export function grants(rule: PolicyRuleView, resource: string, verbs: readonly string[]): boolean {
  const group = rule.apiGroups.includes("") || rule.apiGroups.includes("*");
  const res =
    rule.resources.includes(resource) ||
    rule.resources.includes("*") ||
    (resource.includes("/") && rule.resources.includes(`${resource.split("/")[0]}/*`));
  const verb = rule.verbs.includes("*") || verbs.some((v) => rule.verbs.includes(v));
  return group && res && verb;
}

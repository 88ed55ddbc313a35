import { ruleRisks, type RuleLists, type RuleRisk } from "../../spec/permission-risks.js";
import type { ManifestObject, RuleFinding } from "../types.js";
import { asArray, asString, field } from "../object.js";
import { finding } from "./support.js";

/** One PolicyRule of a Role or ClusterRole, as lists of strings. */
export interface PolicyRuleView extends RuleLists {
  readonly index: number;
}

/** The rules of a Role or ClusterRole. */
export function policyRules(role: unknown): PolicyRuleView[] {
  return asArray(field(role, "rules")).map((r, index) => ({
    index,
    apiGroups: asArray(field(r, "apiGroups")).map((x) => asString(x) ?? ""),
    resources: asArray(field(r, "resources")).map((x) => asString(x) ?? ""),
    verbs: asArray(field(r, "verbs")).map((x) => asString(x) ?? ""),
    names: asArray(field(r, "resourceNames")).map((x) => asString(x) ?? ""),
  }));
}

/** The findings of one kind of risk (the shared definition the spec check uses too) in a role. */
export function riskFindings(o: ManifestObject, rule: RuleRisk["rule"]): RuleFinding[] {
  return policyRules(o.object).flatMap((r) =>
    ruleRisks(r)
      .filter((x) => x.rule === rule)
      .map((x) => finding(o, ["rules", r.index], `${o.kind}/${o.name} ${x.message}`, x.fix)),
  );
}

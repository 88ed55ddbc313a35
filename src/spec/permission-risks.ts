/**
 * What makes a Role rule dangerous, as both the spec check (a workload's `permissions`) and lint
 * (any Role or ClusterRole) report it: one definition, so a spec and its rendered Role agree.
 */

/** A PolicyRule as lists of strings. */
export interface RuleLists {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** resourceNames: when given, the rule reaches only these objects. */
  readonly names?: readonly string[];
}

/** Whether a rule grants one of the verbs on a resource of the core group (wildcards included). */
export function grants(rule: RuleLists, resource: string, verbs: readonly string[]): boolean {
  const group = rule.apiGroups.includes("") || rule.apiGroups.includes("*");
  const res =
    rule.resources.includes(resource) ||
    rule.resources.includes("*") ||
    (resource.includes("/") && rule.resources.includes(`${resource.split("/")[0]}/*`));
  const verb = rule.verbs.includes("*") || verbs.some((v) => rule.verbs.includes(v));
  return group && res && verb;
}

/** The verbs that let a holder gain more than the rule says: RBAC's own escalation paths. */
export const ESCALATION_VERBS = ["escalate", "bind", "impersonate"] as const;

/** One reason a rule is dangerous, keyed by the lint rule that reports it. */
export interface RuleRisk {
  readonly rule: "rbac-read-secrets" | "rbac-wildcard" | "rbac-pod-exec" | "rbac-escalation";
  readonly message: string;
  readonly fix: string;
}

/** Every reason a rule is dangerous (none for a least-privilege rule). */
export function ruleRisks(rule: RuleLists): RuleRisk[] {
  const out: RuleRisk[] = [];
  const wild = (["apiGroups", "resources", "verbs"] as const).filter((k) => rule[k].includes("*"));
  if (wild.length > 0)
    out.push({
      rule: "rbac-wildcard",
      message: `grants * in ${wild.join(", ")}`,
      fix: "list the verbs, resources and API groups explicitly",
    });
  // Limited to named Secrets, reading them is what the fix asks for.
  if (grants(rule, "secrets", ["get", "list", "watch"]) && (rule.names ?? []).length === 0)
    out.push({
      rule: "rbac-read-secrets",
      message: "can read Secrets",
      fix: "mount the Secret instead, or limit the rule with resourceNames",
    });
  if (grants(rule, "pods/exec", ["create", "get"]) || grants(rule, "pods/attach", ["create", "get"]))
    out.push({
      rule: "rbac-pod-exec",
      message: "can exec or attach into pods",
      fix: "remove pods/exec and pods/attach",
    });
  const escalating = ESCALATION_VERBS.filter((v) => rule.verbs.includes(v));
  if (escalating.length > 0)
    out.push({
      rule: "rbac-escalation",
      message: `can ${escalating.join(", ")}: a way to more rights than the role holds`,
      fix: `remove ${escalating.join(", ")}; grant the rights themselves, reviewed`,
    });
  return out;
}

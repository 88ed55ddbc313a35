import { compareMinor } from "../deprecations.js";
import { labelsOf } from "../object.js";
import { evaluatePodSecurity, type PodSecurityLevel } from "../pod-security.js";
import type { Rule } from "../types.js";
import { eachPod, finding } from "./support.js";

const LEVELS: readonly string[] = ["privileged", "baseline", "restricted"];

export const podSecurity: Rule = {
  id: "pod-security",
  severity: "error",
  category: "pod-security",
  title: "Pods pass the Pod Security Standard their namespace enforces",
  why: "The PodSecurity admission controller rejects pods that break the level their namespace enforces; a Deployment is accepted but its ReplicaSet can create no pod, and the failure shows only in events. This rule runs the same checks as the upstream admission (same check ids and messages) before anything is applied.",
  fix: "The level comes from the `pod-security.kubernetes.io/enforce` label of a Namespace in the input (and `enforce-version`), otherwise from `--pod-security` or `podSecurity` in `.kubeship-lint.yaml` (default baseline). Fix the fields the finding names; kubeship-rendered pods pass restricted.",
  seeAlso: [
    "PodSecurity admission",
    "kubectl label --dry-run=server ns pod-security.kubernetes.io/enforce=restricted",
  ],
  examples: {
    bad: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n",
    good: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n    - name: api\n      image: api:1.0.0\n      securityContext:\n        allowPrivilegeEscalation: false\n        capabilities: {drop: [ALL]}\n",
  },
  check(ctx) {
    const namespaces = new Map<string, { level: PodSecurityLevel; version: string }>();
    for (const o of ctx.objects) {
      if (o.kind !== "Namespace") continue;
      const labels = labelsOf(o.object);
      const level = labels["pod-security.kubernetes.io/enforce"];
      if (level === undefined || !LEVELS.includes(level)) continue;
      const v = labels["pod-security.kubernetes.io/enforce-version"];
      const version =
        v === undefined || v === "latest" || !/^v\d+\.\d+$/.test(v) ? ctx.settings.kubeVersion : v.slice(1);
      namespaces.set(o.name, {
        level: level as PodSecurityLevel,
        version: compareMinor(version, ctx.settings.kubeVersion) > 0 ? ctx.settings.kubeVersion : version,
      });
    }
    return eachPod(ctx, (p) => {
      const policy = namespaces.get(p.target.namespace ?? "") ?? {
        level: ctx.settings.podSecurity,
        version: ctx.settings.kubeVersion,
      };
      const meta = { annotations: p.annotations, labels: p.labels };
      return evaluatePodSecurity(meta, p.spec, policy.level, policy.version).map((v) =>
        finding(
          p.target,
          p.specPath,
          `violates PodSecurity "${policy.level}:v${policy.version}": ${v.reason} (${v.detail})`,
          `check ${v.check} of the ${v.level} level; the namespace's pods are rejected at admission until it passes`,
        ),
      );
    });
  },
};

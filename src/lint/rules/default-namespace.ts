import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const defaultNamespace: Rule = {
  id: "default-namespace",
  severity: "warning",
  category: "metadata",
  title: "Nothing is put in the default namespace",
  why: "The default namespace is shared by everything nobody placed, has no quotas, Pod Security level or NetworkPolicies of its own, and makes clean-up by namespace impossible.",
  fix: "Give the application its own Namespace and set `metadata.namespace` on its objects.",
  seeAlso: ["Checkov CKV_K8S_21", "Trivy KSV110"],
  examples: {
    bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n",
    good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: shop\n",
  },
  *check(ctx) {
    for (const o of ctx.objects)
      if (o.namespace === "default")
        yield finding(
          o,
          ["metadata", "namespace"],
          `${o.kind}/${o.name} is in the default namespace`,
          "use a namespace of the application's own",
        );
  },
};

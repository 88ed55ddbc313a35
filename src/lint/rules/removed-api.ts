import { compareMinor, deprecationOf } from "../deprecations.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const removedApi: Rule = {
  id: "removed-api",
  severity: "error",
  category: "validity",
  title: "No apiVersion that the target Kubernetes version no longer serves",
  why: "The API server answers `no matches for kind` for a removed apiVersion and the whole apply fails; Helm releases that contain one cannot even be upgraded or rolled back.",
  fix: "Change the apiVersion to the replacement named in the finding and adapt the fields it changed; for Helm releases already installed, helm-mapkubeapis rewrites the stored release.",
  seeAlso: ["Pluto", "kube-no-trouble"],
  examples: {
    bad: "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n",
    good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n",
  },
  *check(ctx) {
    const v = ctx.settings.kubeVersion;
    for (const o of ctx.objects) {
      const d = deprecationOf(o.apiVersion, o.kind);
      if (d?.removedIn === undefined || compareMinor(v, d.removedIn) < 0) continue;
      yield finding(
        o,
        ["apiVersion"],
        `${o.apiVersion} ${o.kind} was removed in Kubernetes ${d.removedIn}; ${v} does not serve it`,
        `use ${d.replacement}`,
      );
    }
  },
};

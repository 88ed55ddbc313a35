import { compareMinor, deprecationOf } from "../deprecations.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const deprecatedApi: Rule = {
  id: "deprecated-api",
  severity: "warning",
  category: "validity",
  title: "No apiVersion that the target Kubernetes version deprecates",
  why: "A deprecated apiVersion still works today and stops working on the upgrade that removes it; manifests, charts and CI then fail at the worst moment. Moving early is a one-line change.",
  fix: "Change the apiVersion to the replacement named in the finding, and adapt the fields it renamed (the Kubernetes deprecation guide lists them).",
  seeAlso: ["Pluto", "kube-no-trouble"],
  examples: {
    bad: "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: legacy-db\nsubsets: []\n",
    good: "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: legacy-db\naddressType: IPv4\nendpoints: []\n",
  },
  *check(ctx) {
    const v = ctx.settings.kubeVersion;
    for (const o of ctx.objects) {
      const d = deprecationOf(o.apiVersion, o.kind);
      if (d === undefined || compareMinor(v, d.deprecatedIn) < 0) continue;
      if (d.removedIn !== undefined && compareMinor(v, d.removedIn) >= 0) continue;
      yield finding(
        o,
        ["apiVersion"],
        `${o.apiVersion} ${o.kind} is deprecated since Kubernetes ${d.deprecatedIn}${d.removedIn === undefined ? "" : ` and removed in ${d.removedIn}`}`,
        `use ${d.replacement}`,
      );
    }
  },
};

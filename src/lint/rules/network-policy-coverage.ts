import { field } from "../object.js";
import { indexOf } from "../object-index.js";
import { podTemplates } from "../pods.js";
import { matchesSelector, sameNamespace } from "../selectors.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const networkPolicyCoverage: Rule = {
  id: "network-policy-coverage",
  severity: "warning",
  category: "networking",
  title: "Every pod is selected by a NetworkPolicy",
  why: "Pods that no NetworkPolicy selects accept traffic from every pod in the cluster and may connect anywhere; one compromised pod anywhere can then reach the database. A default-deny policy plus one allow policy per dependency limits the blast radius.",
  fix: "Add a NetworkPolicy in the namespace that selects the pods (an empty `podSelector: {}` default-deny selects all) and allow only the traffic each workload needs. kubeship renders these from the spec's `uses`.",
  seeAlso: ["kube-score pod-networkpolicy", "kube-linter non-isolated-pod"],
  examples: {
    bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: shop\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n",
    good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: shop\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const p of podTemplates(ctx.objects)) {
      const covered = index
        .of("NetworkPolicy", p.target.namespace)
        .some(
          (np) =>
            sameNamespace(np.namespace, p.target.namespace) &&
            matchesSelector(field(np.object, "spec", "podSelector"), p.labels),
        );
      if (!covered)
        yield finding(
          p.target,
          p.metaPath,
          `no NetworkPolicy selects the pods of ${p.target.kind}/${p.target.name}`,
          "add a default-deny NetworkPolicy and allow the traffic the workload needs",
        );
    }
  },
};

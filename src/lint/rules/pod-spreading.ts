import { asArray, field } from "../object.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";
import { minimumPods, refText, replicatedTemplates } from "./workloads.js";

const NODE_KEYS = new Set(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);

export const podSpreading: Rule = {
  id: "pod-spreading",
  severity: "warning",
  category: "reliability",
  title: "Replicas are spread across nodes",
  why: "The scheduler may put every replica on the same node; that node's failure or drain then takes the whole service down, and the replicas bought nothing. A topology spread constraint or pod anti-affinity on the hostname (or zone) spreads them.",
  fix: "Add `topologySpreadConstraints` with `topologyKey: kubernetes.io/hostname` (and `topology.kubernetes.io/zone`), `whenUnsatisfiable: ScheduleAnyway` and the pods' labels; or a preferred pod anti-affinity on the hostname.",
  seeAlso: ["kube-score deployment-has-host-podantiaffinity", "kube-linter no-anti-affinity"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels: {app: api}\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  *check(ctx) {
    for (const p of replicatedTemplates(ctx)) {
      if (minimumPods(ctx, p.target) < 2) continue;
      const spread = asArray(p.spec.topologySpreadConstraints).some((t) =>
        NODE_KEYS.has(String(field(t, "topologyKey"))),
      );
      const anti = [
        ...asArray(
          field(p.spec, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"),
        ),
        ...asArray(
          field(p.spec, "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
        ).map((w) => field(w, "podAffinityTerm")),
      ].some((t) => NODE_KEYS.has(String(field(t, "topologyKey"))));
      if (!spread && !anti)
        yield finding(
          p.target,
          p.specPath,
          `${refText(p.target)} runs several replicas with nothing that spreads them across nodes`,
          "add topologySpreadConstraints on kubernetes.io/hostname",
        );
    }
  },
};

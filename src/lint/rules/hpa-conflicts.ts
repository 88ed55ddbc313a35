import { asString, field } from "../object.js";
import { indexOf } from "../object-index.js";
import type { ManifestObject, Rule } from "../types.js";
import { finding } from "./support.js";
import { scaleTargetOf } from "./workloads.js";

const targetOf = (h: ManifestObject): string =>
  `${h.namespace ?? ""}/${asString(field(h.object, "spec", "scaleTargetRef", "kind")) ?? ""}/${asString(field(h.object, "spec", "scaleTargetRef", "name")) ?? ""}`;

export const hpaDuplicate: Rule = {
  id: "hpa-duplicate",
  severity: "error",
  category: "consistency",
  title: "One autoscaler per workload",
  why: "Two HorizontalPodAutoscalers that scale the same workload each set its replicas to their own answer every 15 seconds: the pod count flaps between them, and the controller reports AmbiguousSelector on both.",
  fix: "Keep one HPA per workload, with every metric it should scale on in its `metrics` list.",
  seeAlso: ["https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/"],
  examples: {
    bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api-cpu\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api-memory\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n",
    good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n",
  },
  *check(ctx) {
    const first = new Map<string, ManifestObject>();
    for (const h of indexOf(ctx.objects).of("HorizontalPodAutoscaler", undefined)) {
      const key = targetOf(h);
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, h);
      else
        yield finding(
          h,
          ["spec", "scaleTargetRef"],
          `HorizontalPodAutoscaler/${h.name} scales the same workload as HorizontalPodAutoscaler/${earlier.name}`,
          "merge their metrics into one HPA",
        );
    }
  },
};

export const hpaFixedReplicas: Rule = {
  id: "hpa-fixed-replicas",
  severity: "warning",
  category: "consistency",
  title: "A workload an HPA scales leaves replicas to it",
  why: "With `spec.replicas` in the manifest, every `kubectl apply` (and every GitOps sync) sets the pod count back to that number, undoing what the HPA scaled to: under load, each deploy drops capacity until the HPA catches up again.",
  fix: "Remove `spec.replicas` from a Deployment or StatefulSet that an HPA scales (create it at the HPA's minimum once, as `kubeship deploy` does).",
  seeAlso: [
    "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n",
  },
  *check(ctx) {
    for (const h of indexOf(ctx.objects).of("HorizontalPodAutoscaler", undefined)) {
      const target = scaleTargetOf(ctx, h);
      if (target === undefined || field(target.object, "spec", "replicas") === undefined) continue;
      yield finding(
        target,
        ["spec", "replicas"],
        `${target.kind}/${target.name} sets replicas, which every apply resets while HorizontalPodAutoscaler/${h.name} scales it`,
        "remove spec.replicas and let the HPA own the count",
      );
    }
  },
};

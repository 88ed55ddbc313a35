import { apiValidation } from "../api-validation/index.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const apiValidationRule: Rule = {
  id: "api-validation",
  severity: "error",
  category: "validity",
  title: "Objects pass the API server's own validation, beyond the schema",
  why: "The OpenAPI schema says which fields exist and their types; the API server refuses much more: a name with a capital or an underscore, a port 70000, a container named in capitals, CPU requests above limits, a rolling update that may neither add nor remove a pod, a mount of a volume that does not exist, a label value over 63 characters, a CronJob name over 52. Found at `kubectl apply`, that is in the middle of a rollout; found here, before it. The checks follow the API server's validation code (pkg/apis/*/validation and apimachinery's formats) and use its words, so the message is the one to search for; a differential test against the real API server keeps them honest.",
  fix: "Correct the value the finding names. What lint cannot know is left to the cluster: admission webhooks and policies, quotas and LimitRanges, other objects' state (an existing immutable field), and feature gates of your version; `kubeship lint --server` asks the API server itself with a dry run.",
  seeAlso: [
    "kubectl apply --dry-run=server",
    "https://github.com/kubernetes/kubernetes/tree/master/pkg/apis/core/validation",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          resources:\n            requests: {cpu: '2'}\n            limits: {cpu: '1'}\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  strategy:\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          resources:\n            requests: {cpu: 500m}\n            limits: {cpu: '1'}\n",
  },
  *check(ctx) {
    for (const o of ctx.objects) {
      if (ctx.reported?.(o) === false) continue;
      for (const x of apiValidation(o.object))
        yield finding(
          o,
          x.path,
          `${o.kind}/${o.name}: ${x.message}`,
          "the API server refuses this object as it stands",
        );
    }
  },
};

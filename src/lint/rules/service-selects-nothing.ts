import { field, stringMap } from "../object.js";
import { indexOf } from "../object-index.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const serviceSelectsNothing: Rule = {
  id: "service-selects-nothing",
  severity: "error",
  category: "consistency",
  title: "Every Service selects some pods",
  why: "A Service whose selector matches no pod has no endpoints: connections to it are refused or hang, and nothing in Kubernetes reports an error. A typo in one label is enough. (Checked only in namespaces where the input has workloads.)",
  fix: "Make the Service's `spec.selector` equal to labels of the pod template it fronts (`app.kubernetes.io/name`, `app.kubernetes.io/instance`).",
  seeAlso: ["kube-score service-targets-pod", "kube-linter dangling-service"],
  examples: {
    bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: apii}\n  ports:\n    - port: 80\n      targetPort: 8080\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      ports:\n        - containerPort: 8080\n",
    good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports:\n    - port: 80\n      targetPort: 8080\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      ports:\n        - containerPort: 8080\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const s of index.of("Service", undefined)) {
      const sel = stringMap(field(s.object, "spec", "selector"));
      if (Object.keys(sel).length === 0 || field(s.object, "spec", "type") === "ExternalName") continue;
      if (!index.hasPods(s.namespace)) continue;
      if (index.podsSelectedBy(sel, s.namespace).length === 0)
        yield finding(
          s,
          ["spec", "selector"],
          `Service/${s.name} selects no pod: no pod template has ${Object.entries(sel)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`,
          "make the selector equal to the pod template's labels",
        );
    }
  },
};

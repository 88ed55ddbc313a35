import { asArray, field, stringMap } from "../object.js";
import { indexOf } from "../object-index.js";
import { containerPorts, containersOf } from "../pods.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const serviceTargetPort: Rule = {
  id: "service-target-port",
  severity: "error",
  category: "consistency",
  title: "A Service's targetPort is a port its pods open",
  why: "A Service forwards to `targetPort` on the selected pods. A port name the containers do not declare gives the Service no endpoints for that port; a number nobody listens on gives refused connections; both pass `kubectl apply` silently.",
  fix: "Set `targetPort` to the name or number of a `containerPort` of the selected pods (naming ports and targeting names survives port changes).",
  seeAlso: ["kube-linter dangling-service"],
  examples: {
    bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports:\n    - port: 80\n      targetPort: web\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      ports:\n        - {name: http, containerPort: 8080}\n",
    good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports:\n    - port: 80\n      targetPort: http\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      ports:\n        - {name: http, containerPort: 8080}\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const s of index.of("Service", undefined)) {
      const sel = stringMap(field(s.object, "spec", "selector"));
      const selected = index.podsSelectedBy(sel, s.namespace);
      if (selected.length === 0) continue;
      const ports = asArray(field(s.object, "spec", "ports"));
      for (let i = 0; i < ports.length; i++) {
        const target = field(ports[i], "targetPort") ?? field(ports[i], "port");
        for (const p of selected) {
          const all = containersOf(p, { init: true, ephemeral: false }).map((c) =>
            containerPorts(c.container),
          );
          const named = typeof target === "string" && !/^\d+$/.test(target);
          const ok = named
            ? all.some((x) => x.names.has(target))
            : all.every((x) => x.numbers.size === 0) || all.some((x) => x.numbers.has(Number(target)));
          if (!ok)
            yield finding(
              s,
              ["spec", "ports", i, field(ports[i], "targetPort") === undefined ? "port" : "targetPort"],
              `Service/${s.name} targets port ${String(target)}, which the pods of ${p.target.kind}/${p.target.name} do not open`,
              `use one of their ports: ${all.flatMap((x) => [...x.names.keys(), ...[...x.numbers].map(String)]).join(", ") || "none declared"}`,
            );
        }
      }
    }
  },
};

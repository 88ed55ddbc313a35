import { asArray, asString, field } from "../object.js";
import { indexOf } from "../object-index.js";
import { sameNamespace } from "../selectors.js";
import type { DocPath } from "../../spec/diagnostic.js";
import type { ManifestObject, Rule, RuleFinding } from "../types.js";
import { finding } from "./support.js";

export const ingressBackend: Rule = {
  id: "ingress-backend",
  severity: "error",
  category: "consistency",
  title: "Ingress backends name an existing Service and port",
  why: "An Ingress path to a Service that does not exist, or to a port the Service does not have, answers 503 (or 404) for that path; the controller logs it, `kubectl apply` does not. (Checked when the input has Services in the Ingress's namespace.)",
  fix: "Set `backend.service.name` to a Service in the same namespace and `backend.service.port` to one of its port names or numbers.",
  seeAlso: ["kube-linter", "Polaris"],
  examples: {
    bad: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: frontend, port: {number: 8080}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\nspec:\n  selector: {app: frontend}\n  ports:\n    - {name: http, port: 80}\n",
    good: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: frontend, port: {name: http}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\nspec:\n  selector: {app: frontend}\n  ports:\n    - {name: http, port: 80}\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const ing of index.of("Ingress", undefined)) {
      const services = index.of("Service", ing.namespace);
      if (services.length === 0) continue;
      const backends: [DocPath, unknown][] = [];
      const def = field(ing.object, "spec", "defaultBackend");
      if (def !== undefined) backends.push([["spec", "defaultBackend"], def]);
      asArray(field(ing.object, "spec", "rules")).forEach((r, i) => {
        asArray(field(r, "http", "paths")).forEach((p, j) => {
          backends.push([["spec", "rules", i, "http", "paths", j, "backend"], field(p, "backend")]);
        });
      });
      for (const [path, b] of backends) yield* checkBackend(ing, path, b, services);
    }
  },
};

function* checkBackend(
  ing: ManifestObject,
  path: DocPath,
  backend: unknown,
  services: readonly ManifestObject[],
): Generator<RuleFinding> {
  const name = asString(field(backend, "service", "name"));
  if (name === undefined) return;
  const svc = services.find((s) => s.name === name && sameNamespace(s.namespace, ing.namespace));
  if (svc === undefined) {
    yield finding(
      ing,
      [...path, "service", "name"],
      `Ingress/${ing.name} routes to Service ${name}, which is not in the input`,
      `use one of: ${services.map((s) => s.name).join(", ")}`,
    );
    return;
  }
  const ports = asArray(field(svc.object, "spec", "ports"));
  const byName = asString(field(backend, "service", "port", "name"));
  const byNumber = field(backend, "service", "port", "number");
  const ok =
    byName !== undefined
      ? ports.some((p) => field(p, "name") === byName)
      : byNumber === undefined || ports.some((p) => field(p, "port") === byNumber);
  if (!ok)
    yield finding(
      ing,
      [...path, "service", "port"],
      `Ingress/${ing.name} routes to port ${String(byName ?? byNumber)} of Service ${name}, which has no such port`,
      `use one of: ${ports.map((p) => String(field(p, "name") ?? field(p, "port"))).join(", ")}`,
    );
}

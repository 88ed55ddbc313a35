import { translateAnnotations, NGINX_PREFIX } from "../../model/ingress-annotations.js";
import { annotationsOf, asString, field } from "../object.js";
import type { Rule } from "../types.js";
import { eachOfKind, finding } from "./support.js";

export const ingressNginxRetired: Rule = {
  id: "ingress-nginx-retired",
  severity: "warning",
  category: "networking",
  title: "Ingress objects for ingress-nginx move to Gateway API",
  why: "The Kubernetes project retired ingress-nginx: best-effort maintenance ended in March 2026, and it gets no more releases or security fixes. An Ingress for the `nginx` class, or one that relies on `nginx.ingress.kubernetes.io/*` annotations, keeps a cluster on an unmaintained controller that faces the internet.",
  fix: "Move the routing to Gateway API: `kubeship migrate-ingress FILE|DIR -o DIR` writes HTTPRoutes and GRPCRoutes for these Ingresses and lists what it could not translate (`ingress.api: gateway` for specs); or choose another maintained Ingress controller.",
  seeAlso: [
    "https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/",
    "https://gateway-api.sigs.k8s.io/guides/migrating-from-ingress/",
  ],
  examples: {
    bad: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-read-timeout: "120"\nspec:\n  ingressClassName: nginx\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 80}}\n',
    good: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  ingressClassName: traefik\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 80}}\n",
  },
  check: (ctx) =>
    eachOfKind(ctx, ["Ingress"], (o) => {
      const annotations = annotationsOf(o.object);
      const className =
        asString(field(o.object, "spec", "ingressClassName")) ?? annotations["kubernetes.io/ingress.class"];
      const nginx = Object.keys(annotations).filter((k) => k.startsWith(NGINX_PREFIX));
      if (className !== "nginx" && nginx.length === 0) return undefined;
      const t = translateAnnotations(annotations);
      const mapped = [
        ...(t.timeouts ? ["timeouts"] : []),
        ...(t.rewrite ? ["URLRewrite"] : []),
        ...(t.redirect || t.httpsRedirect ? ["RequestRedirect"] : []),
        ...(t.grpc ? ["GRPCRoute"] : []),
      ];
      const untranslated = t.untranslated.filter((u) => u.key.startsWith(NGINX_PREFIX)).length;
      return finding(
        o,
        className === "nginx" ? ["spec"] : ["metadata", "annotations"],
        `Ingress/${o.name} is for ingress-nginx, retired in March 2026 (no more security fixes)${nginx.length > 0 ? `; of its ${nginx.length} ingress-nginx annotations, ${nginx.length - untranslated} translate to Gateway API${mapped.length > 0 ? ` (${mapped.join(", ")})` : ""} and ${untranslated} have no standard equivalent` : ""}`,
        "kubeship migrate-ingress writes the Gateway API routes for it",
      );
    }),
};

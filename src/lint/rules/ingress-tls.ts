import { asArray, asString, field } from "../object.js";
import type { Rule } from "../types.js";
import { eachOfKind, finding } from "./support.js";

export const ingressTls: Rule = {
  id: "ingress-tls",
  severity: "warning",
  category: "networking",
  title: "Ingress hosts are served over TLS",
  why: "An Ingress host without a `tls` entry is served over plain HTTP: passwords, session cookies and tokens cross the network readable by anyone on the path. (A `tls` entry without `hosts` covers every host, as the controller's default certificate does.)",
  fix: "Add `spec.tls` with the host and a Secret holding its certificate (cert-manager's `cert-manager.io/cluster-issuer` annotation fills it), or waive the rule on the Ingress when TLS ends in front of the controller.",
  seeAlso: ["kube-linter", "Checkov CKV_K8S_153", "Trivy KSV-0044"],
  examples: {
    bad: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: frontend, port: {name: http}}\n",
    good: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: frontend, port: {name: http}}\n",
  },
  check: (ctx) =>
    eachOfKind(ctx, ["Ingress"], function* (o) {
      const tls = asArray(field(o.object, "spec", "tls"));
      // A tls entry without hosts covers every host.
      if (tls.some((t) => asArray(field(t, "hosts")).length === 0)) return;
      const covered = tls.flatMap((t) => asArray(field(t, "hosts")).map((h) => asString(h) ?? ""));
      const rules = asArray(field(o.object, "spec", "rules"));
      const hostless = rules.some((r) => !asString(field(r, "host")));
      if (tls.length === 0 && (hostless || field(o.object, "spec", "defaultBackend") !== undefined)) {
        yield finding(
          o,
          ["spec"],
          `Ingress/${o.name} has no tls section: it is served over plain HTTP`,
          "add spec.tls with the hosts and a certificate Secret",
        );
        if (rules.every((r) => !asString(field(r, "host")))) return;
      }
      for (const [i, r] of rules.entries()) {
        const host = asString(field(r, "host"));
        if (!host || covered.some((c) => hostMatches(c, host))) continue;
        yield finding(
          o,
          ["spec", "rules", i, "host"],
          `Ingress/${o.name} serves ${host} over plain HTTP: no tls entry names it`,
          `add ${host} to spec.tls[].hosts with a certificate Secret`,
        );
      }
    }),
};

/** Whether a TLS host (maybe `*.example.com`) covers a rule host, as certificates match: one label. */
function hostMatches(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith("*.")) return false;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot) === tlsHost.slice(1);
}

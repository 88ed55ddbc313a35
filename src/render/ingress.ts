import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { Workload } from "../model/app-model.js";
import { type RenderContext, servicePortName } from "./context.js";
import { objectLabels, WAIVE_ANNOTATION_PREFIX } from "./labels.js";

/** cert-manager's annotation that asks a ClusterIssuer for the certificate. https://cert-manager.io/docs/usage/ingress/ */
export const CERT_MANAGER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

/** The Secret cert-manager writes the certificate into. */
export function tlsSecretName(app: string): string {
  return `${app}-tls`;
}

/**
 * The Ingress objects for every `route`: one for HTTP backends and, because ingress-nginx sets the
 * backend protocol per Ingress, one more for gRPC backends. TLS through cert-manager when asked.
 */
export function renderIngresses(ctx: RenderContext): (IIngress & { metadata: { name: string } })[] {
  const { model } = ctx;
  const routed = model.workloads.filter((w) => w.route !== undefined && w.port !== undefined);
  const groups: [string, Workload[], Record<string, string>][] = [
    [model.app, routed.filter((w) => w.protocol !== "grpc"), {}],
    [
      `${model.app}-grpc`,
      routed.filter((w) => w.protocol === "grpc"),
      model.ingress.className === "nginx" ? { "nginx.ingress.kubernetes.io/backend-protocol": "GRPC" } : {},
    ],
  ];
  return groups
    .filter(([, ws]) => ws.length > 0)
    .map(([name, ws, protocolAnnotations]) => {
      const annotations: Record<string, string> = { ...model.ingress.annotations, ...protocolAnnotations };
      if (model.ingress.tls !== undefined) annotations[CERT_MANAGER_ISSUER_ANNOTATION] = model.ingress.tls;
      if (model.ingress.className === "nginx")
        annotations[`${WAIVE_ANNOTATION_PREFIX}ingress-nginx-retired`] =
          "the spec asks for an Ingress of class nginx (ingress.api: ingress, the default); ingress.api: gateway writes Gateway API routes instead";
      if (model.ingress.tls === undefined || model.domain === undefined)
        annotations[`${WAIVE_ANNOTATION_PREFIX}ingress-tls`] =
          model.domain === undefined
            ? "the spec names no domain, so there is no host to hold a certificate for: TLS ends in front of the ingress controller, or the traffic is plain HTTP"
            : "the spec's ingress names no TLS issuer (ingress.tls): TLS ends in front of the ingress controller, or the traffic is plain HTTP";
      const paths = [...ws]
        .sort((a, b) => ((a.route ?? "") < (b.route ?? "") ? -1 : 1))
        .map((w) => ({
          path: w.route ?? "/",
          pathType: "Prefix" as const,
          backend: { service: { name: w.name, port: { name: servicePortName(w) } } },
        }));
      const sorted = Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1)));
      return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: {
          name,
          namespace: model.namespace,
          labels: objectLabels(model, name, "ingress"),
          ...(Object.keys(sorted).length > 0 ? { annotations: sorted } : {}),
        },
        spec: {
          ingressClassName: model.ingress.className,
          ...(model.ingress.tls !== undefined && model.domain !== undefined
            ? { tls: [{ hosts: [model.domain], secretName: tlsSecretName(model.app) }] }
            : {}),
          rules: [{ ...(model.domain === undefined ? {} : { host: model.domain }), http: { paths } }],
        },
      };
    });
}

/**
 * Gateway API routing (`ingress.api: gateway`), beside the Ingress builder: an HTTPRoute for the
 * routed HTTP services and a GRPCRoute for the gRPC ones, attached to the Gateway the spec names, and
 * that Gateway itself when the spec asks kubeship to write it (an HTTPS listener with cert-manager's
 * certificate when `ingress.tls` names an issuer, and an HTTP listener whose only route redirects to
 * HTTPS). What `ingress.annotations` asked of ingress-nginx becomes route fields where the standard
 * has them (see ingress-annotations.ts); the spec check warns about the rest.
 */
import type { IGateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";
import type { IGRPCRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GRPCRoute";
import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import type { IHTTPRouteRule } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRouteRule";
import type { IParentReference } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/ParentReference";
import type { GatewayRef, Workload } from "../model/app-model.js";
import type { RenderContext } from "./context.js";
import { CERT_MANAGER_ISSUER_ANNOTATION, tlsSecretName } from "./ingress.js";
import { type AnnotationTranslation, translateAnnotations } from "../model/ingress-annotations.js";
import { objectLabels } from "./labels.js";

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";

/** The Gateway API kinds kubeship writes. */
export const GATEWAY_KINDS: ReadonlySet<string> = new Set(["Gateway", "HTTPRoute", "GRPCRoute"]);

/** The label Gateway API implementations put on the pods they run for a Gateway (GEP-1762). */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/** The most rules an HTTPRoute or GRPCRoute may hold (the CRDs' maxItems). */
const MAX_RULES = 16;

type Named<T> = T & { metadata: { name: string } };
export type GatewayObject = Named<IGateway> | Named<IHTTPRoute> | Named<IGRPCRoute>;

/** The listener names of a Gateway kubeship writes. */
const HTTPS_LISTENER = "https";
const HTTP_LISTENER = "http";

/** Whether the routes are served over HTTPS by a Gateway kubeship writes. */
function servesTls(ctx: RenderContext, gw: GatewayRef): boolean {
  return gw.create !== undefined && ctx.model.ingress.tls !== undefined && ctx.model.domain !== undefined;
}

/** The Gateway, routes and redirect of `ingress.api: gateway`. */
export function renderGatewayRoutes(ctx: RenderContext): GatewayObject[] {
  const { model } = ctx;
  const gw = model.ingress.gateway;
  if (model.ingress.api !== "gateway" || gw === undefined) return [];
  const routed = model.workloads
    .filter((w) => w.route !== undefined && w.port !== undefined)
    .sort((a, b) => ((a.route ?? "") < (b.route ?? "") ? -1 : 1));
  if (routed.length === 0) return [];
  const tls = servesTls(ctx, gw);
  const parent = parentRef(
    ctx,
    gw,
    gw.create === undefined ? gw.sectionName : tls ? HTTPS_LISTENER : HTTP_LISTENER,
  );
  const hostnames = model.domain === undefined ? {} : { hostnames: [model.domain] };
  const translation = translateAnnotations(model.ingress.annotations);
  const out: GatewayObject[] = [];
  if (gw.create !== undefined) out.push(gatewayObject(ctx, gw, tls));

  const http = routed.filter((w) => w.protocol !== "grpc");
  chunks(http).forEach((part, i) => {
    const name = i === 0 ? model.app : `${model.app}-${i + 1}`;
    out.push({
      apiVersion: GATEWAY_API_VERSION,
      kind: "HTTPRoute",
      metadata: { name, namespace: model.namespace, labels: objectLabels(model, name, "route") },
      spec: { parentRefs: [parent], ...hostnames, rules: part.map((w) => httpRule(w, translation)) },
    });
  });
  const grpc = routed.filter((w) => w.protocol === "grpc");
  chunks(grpc).forEach((part, i) => {
    const name = i === 0 ? `${model.app}-grpc` : `${model.app}-grpc-${i + 1}`;
    out.push({
      apiVersion: GATEWAY_API_VERSION,
      kind: "GRPCRoute",
      metadata: { name, namespace: model.namespace, labels: objectLabels(model, name, "route") },
      spec: {
        parentRefs: [parent],
        ...hostnames,
        rules: part.map((w) => ({
          ...grpcMatches(w.route ?? "/"),
          backendRefs: [{ name: w.name, port: w.port ?? 0 }],
        })),
      },
    });
  });
  if (tls) {
    // The HTTP listener's one route: every request to HTTPS, permanently.
    const name = `${model.app}-https-redirect`;
    out.push({
      apiVersion: GATEWAY_API_VERSION,
      kind: "HTTPRoute",
      metadata: { name, namespace: model.namespace, labels: objectLabels(model, name, "route") },
      spec: {
        parentRefs: [parentRef(ctx, gw, HTTP_LISTENER)],
        ...hostnames,
        rules: [
          { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
        ],
      },
    });
  }
  return out;
}

function chunks(ws: readonly Workload[]): Workload[][] {
  const out: Workload[][] = [];
  for (let i = 0; i < ws.length; i += MAX_RULES) out.push(ws.slice(i, i + MAX_RULES));
  return out;
}

function parentRef(ctx: RenderContext, gw: GatewayRef, sectionName: string | undefined): IParentReference {
  return {
    group: "gateway.networking.k8s.io",
    kind: "Gateway",
    name: gw.name,
    ...(gw.namespace === ctx.model.namespace ? {} : { namespace: gw.namespace }),
    ...(sectionName === undefined ? {} : { sectionName }),
  };
}

/** One service's rule: its path prefix, and what the annotations asked for. */
function httpRule(w: Workload, t: AnnotationTranslation): IHTTPRouteRule {
  const rewrite =
    t.rewrite === undefined
      ? []
      : [
          {
            type: "URLRewrite" as const,
            urlRewrite: {
              ...(t.rewrite.hostname === undefined ? {} : { hostname: t.rewrite.hostname }),
              ...(t.rewrite.path === undefined ? {} : { path: t.rewrite.path }),
            },
          },
        ];
  const matches = [{ path: { type: "PathPrefix" as const, value: w.route ?? "/" } }];
  // A permanent or temporary redirect (ingress-nginx's permanent-redirect) answers every request.
  if (t.redirect !== undefined)
    return { matches, filters: [{ type: "RequestRedirect", requestRedirect: t.redirect }] };
  return {
    matches,
    ...(rewrite.length > 0 ? { filters: rewrite } : {}),
    backendRefs: [{ name: w.name, port: w.port ?? 0 }],
    ...(t.timeouts === undefined ? {} : { timeouts: t.timeouts }),
  };
}

/**
 * A gRPC service's route as a GRPCRoute match: `/` is every method, `/pkg.Service` one service,
 * `/pkg.Service/Method` one method (the spec check refuses any other form).
 */
export function grpcMatches(route: string): {
  matches?: { method: { type: "Exact"; service: string; method?: string } }[];
} {
  const parts = route.split("/").filter((p) => p !== "");
  const [service, method] = parts;
  if (service === undefined) return {};
  return { matches: [{ method: { type: "Exact", service, ...(method === undefined ? {} : { method }) } }] };
}

/** The Gateway kubeship writes when `ingress.gateway.create` asks for it. */
function gatewayObject(ctx: RenderContext, gw: GatewayRef, tls: boolean): Named<IGateway> {
  const { model } = ctx;
  const host = model.domain === undefined ? {} : { hostname: model.domain };
  // Routes come from the app's namespace: the Gateway's own, or the one it names.
  const allowedRoutes =
    gw.namespace === model.namespace
      ? { namespaces: { from: "Same" as const } }
      : {
          namespaces: {
            from: "Selector" as const,
            selector: { matchLabels: { "kubernetes.io/metadata.name": model.namespace } },
          },
        };
  const listeners = [
    { name: HTTP_LISTENER, protocol: "HTTP", port: 80, ...host, allowedRoutes },
    ...(tls
      ? [
          {
            name: HTTPS_LISTENER,
            protocol: "HTTPS",
            port: 443,
            ...host,
            tls: {
              mode: "Terminate" as const,
              certificateRefs: [{ kind: "Secret", name: tlsSecretName(model.app) }],
            },
            allowedRoutes,
          },
        ]
      : []),
  ];
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: "Gateway",
    metadata: {
      name: gw.name,
      namespace: gw.namespace,
      labels: objectLabels(model, gw.name, "gateway"),
      ...(tls && model.ingress.tls !== undefined
        ? { annotations: { [CERT_MANAGER_ISSUER_ANNOTATION]: model.ingress.tls } }
        : {}),
    },
    spec: { gatewayClassName: gw.create?.className ?? "", listeners },
  };
}

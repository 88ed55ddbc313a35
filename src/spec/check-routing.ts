import { error, warning, type Diagnostic } from "./diagnostic.js";
import type { AppSpec } from "./schema.js";

/** Whether a gRPC route is `/`, `/pkg.Service` or `/pkg.Service/Method` (what a GRPCRoute matches). */
export function isGrpcRoute(route: string): boolean {
  return /^\/([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\/[A-Za-z_][A-Za-z0-9_]*)?)?\/?$/.test(route);
}

/** The checks of `ingress.api` and `ingress.gateway`. */
export function checkRouting(out: Diagnostic[], spec: AppSpec): void {
  const i = spec.ingress;
  if (i === undefined) return;
  if (i.api !== "gateway") {
    if (i.gateway !== undefined)
      out.push(
        error(
          "spec/gateway-without-api",
          ["ingress", "gateway"],
          "ingress.gateway is read only with api: gateway",
          "set ingress.api: gateway to write Gateway API routes, or remove ingress.gateway",
        ),
      );
    return;
  }
  const g = i.gateway;
  if (g?.name === undefined && g?.create === undefined)
    out.push(
      error(
        "spec/gateway-unnamed",
        ["ingress", ...(g === undefined ? ["api"] : ["gateway"])],
        "api: gateway needs the Gateway the routes attach to",
        "name it (ingress.gateway: { name: public, namespace: gateways }) or let kubeship write one (ingress.gateway.create: { className: ... })",
      ),
    );
  if (g?.create !== undefined && g.sectionName !== undefined)
    out.push(
      error(
        "spec/gateway-section-created",
        ["ingress", "gateway", "sectionName"],
        "sectionName names a listener of a Gateway kubeship does not write",
        "remove sectionName: the routes attach to the listeners of the Gateway kubeship writes (https, or http without TLS)",
      ),
    );
  if (g !== undefined && g.create === undefined && i.tls !== undefined)
    out.push(
      warning(
        "spec/gateway-tls-elsewhere",
        ["ingress", "tls"],
        `the certificate of the Gateway ${g.name ?? ""} is its owner's: ingress.tls is used only for a Gateway kubeship writes`,
        "remove ingress.tls, or let kubeship write the Gateway (ingress.gateway.create)",
      ),
    );
  if (i.className !== undefined)
    out.push(
      warning(
        "spec/gateway-class-name",
        ["ingress", "className"],
        "className is an IngressClass, which Gateway API routes do not use",
        "name the GatewayClass in ingress.gateway.create.className, or remove className",
      ),
    );
  for (const [name, s] of Object.entries(spec.services ?? {}))
    if (s.protocol === "grpc" && s.route !== undefined && !isGrpcRoute(s.route))
      out.push(
        error(
          "spec/grpc-route-form",
          ["services", name, "route"],
          `'${s.route}' is not a gRPC service or method: a GRPCRoute matches /, /package.Service or /package.Service/Method`,
          "write the route as /package.Service (or / for every method)",
        ),
      );
}

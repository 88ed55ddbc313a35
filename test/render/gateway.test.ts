import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { renderSpec } from "../../src/app.js";
import { translateAnnotations } from "../../src/model/ingress-annotations.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { manifestObjectsOf } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../../src/lint/lint.js";
import { schemasFor } from "../helpers/lint.js";
import { find, ofKind, readRepoFile, renderFile, SPECS, errorCodes } from "../helpers/render.js";
import { schemaError } from "../helpers/validate.js";

const FIXTURE = "test/fixtures/gateway.kubeship.yaml";

function spec(o: unknown, ...path: (string | number)[]): unknown {
  let cur = o;
  for (const k of path) cur = (cur as Record<string | number, unknown>)[k];
  return cur;
}

/** The fixture with its `ingress` replaced. */
function withIngress(ingress: Record<string, unknown>): string {
  const doc = parse(readRepoFile(FIXTURE)) as Record<string, unknown>;
  doc["ingress"] = ingress;
  delete doc["environments"];
  return stringify(doc);
}

describe("ingress.api: gateway", () => {
  const app = renderFile(FIXTURE);
  const objects = app.objects;

  it("writes a Gateway with an HTTPS listener for cert-manager and an HTTP listener that redirects", async () => {
    expect(ofKind(objects, "Ingress")).toEqual([]);
    const gw = find(objects, "Gateway", "storefront");
    expect(gw.metadata.annotations).toEqual({ "cert-manager.io/cluster-issuer": "letsencrypt-prod" });
    expect(spec(gw, "spec")).toMatchObject({
      gatewayClassName: "eg",
      listeners: [
        { name: "http", protocol: "HTTP", port: 80, hostname: "shop.example.com" },
        {
          name: "https",
          protocol: "HTTPS",
          port: 443,
          hostname: "shop.example.com",
          tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "storefront-tls" }] },
        },
      ],
    });
    const redirect = find(objects, "HTTPRoute", "storefront-https-redirect");
    expect(spec(redirect, "spec", "parentRefs")).toEqual([
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "storefront", sectionName: "http" },
    ]);
    expect(spec(redirect, "spec", "rules")).toEqual([
      { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
    ]);
    for (const o of ofKind(objects, "Gateway").concat(
      ofKind(objects, "HTTPRoute"),
      ofKind(objects, "GRPCRoute"),
    ))
      expect(await schemaError(o)).toBeUndefined();
  });

  it("routes HTTP services by path prefix on HTTPS, with the annotations' timeouts, and gRPC services by service name", () => {
    const route = find(objects, "HTTPRoute", "storefront");
    expect(spec(route, "spec", "parentRefs")).toEqual([
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "storefront", sectionName: "https" },
    ]);
    expect(spec(route, "spec", "hostnames")).toEqual(["shop.example.com"]);
    expect(spec(route, "spec", "rules")).toEqual([
      {
        matches: [{ path: { type: "PathPrefix", value: "/" } }],
        backendRefs: [{ name: "web", port: 8080 }],
        timeouts: { backendRequest: "120s" },
      },
      {
        matches: [{ path: { type: "PathPrefix", value: "/api/catalog" } }],
        backendRefs: [{ name: "catalog", port: 8080 }],
        timeouts: { backendRequest: "120s" },
      },
    ]);
    const grpc = find(objects, "GRPCRoute", "storefront-grpc");
    expect(spec(grpc, "spec", "rules")).toEqual([
      {
        matches: [{ method: { type: "Exact", service: "acme.cart.v1.Cart" } }],
        backendRefs: [{ name: "cart", port: 50051 }],
      },
    ]);
  });

  it("lets only the Gateway's proxies reach routed services, and gives the proxies a policy of their own", () => {
    const web = find(objects, "NetworkPolicy", "web");
    expect(spec(web, "spec", "ingress")).toContainEqual({
      from: [{ podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "storefront" } } }],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
    const proxies = find(objects, "NetworkPolicy", "storefront-gateway");
    expect(spec(proxies, "spec")).toEqual({
      podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "storefront" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{}],
      egress: [{}],
    });
    // A service without a route is not opened to the gateway.
    expect(JSON.stringify(spec(find(objects, "NetworkPolicy", "postgres"), "spec"))).not.toContain(
      "gateway-name",
    );
  });

  it("attaches to a platform team's Gateway in another namespace, admitting that namespace", () => {
    const shared = renderFile(FIXTURE, "shared").objects;
    expect(ofKind(shared, "Gateway")).toEqual([]);
    expect(ofKind(shared, "HTTPRoute").map((r) => r.metadata.name)).toEqual(["storefront"]);
    expect(spec(find(shared, "HTTPRoute", "storefront"), "spec", "parentRefs")).toEqual([
      {
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name: "public",
        namespace: "gateways",
        sectionName: "https",
      },
    ]);
    expect(spec(find(shared, "NetworkPolicy", "web"), "spec", "ingress")).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateways" } } }],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
  });

  it("writes a Gateway in another namespace that admits routes from the app's namespace only", () => {
    const r = renderSpec(
      withIngress({ api: "gateway", gateway: { create: { className: "istio" }, namespace: "edge" } }),
      {
        file: "s.yaml",
      },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const gw = find(r.value.objects, "Gateway", "storefront");
    expect(gw.metadata.namespace).toBe("edge");
    expect(
      (spec(gw, "spec", "listeners") as { allowedRoutes: unknown }[]).map((l) => l.allowedRoutes),
    ).toEqual([
      {
        namespaces: {
          from: "Selector",
          selector: { matchLabels: { "kubernetes.io/metadata.name": "storefront" } },
        },
      },
    ]);
    expect(spec(find(r.value.objects, "NetworkPolicy", "web"), "spec", "ingress")).toContainEqual({
      from: [
        {
          podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "storefront" } },
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "edge" } },
        },
      ],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
    expect(r.value.objects.some((o: KubeObject) => o.metadata.name === "storefront-gateway")).toBe(false);
  });

  it("refuses what cannot work, with the place and the fix", () => {
    expect(errorCodes(withIngress({ api: "gateway" }))).toEqual(["spec/gateway-unnamed ingress.api"]);
    expect(errorCodes(withIngress({ gateway: { name: "public" } }))).toEqual([
      "spec/gateway-without-api ingress.gateway",
    ]);
    expect(
      errorCodes(
        withIngress({ api: "gateway", gateway: { create: { className: "eg" }, sectionName: "https" } }),
      ),
    ).toEqual(["spec/gateway-section-created ingress.gateway.sectionName"]);
    const badGrpc = withIngress({ api: "gateway", gateway: { name: "public" } }).replace(
      "route: /acme.cart.v1.Cart",
      "route: /cart/v1/items",
    );
    expect(errorCodes(badGrpc)).toEqual(["spec/grpc-route-form services.cart.route"]);
  });

  it("warns, at the annotation, about what has no Gateway API equivalent and writes the rest", () => {
    const r = renderSpec(
      withIngress({
        api: "gateway",
        gateway: { name: "public" },
        annotations: {
          "nginx.ingress.kubernetes.io/proxy-body-size": "20m",
          "nginx.ingress.kubernetes.io/rewrite-target": "/",
        },
      }),
      { file: "s.yaml" },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.diagnostics.map((d) => `${d.code} ${d.path.join(".")}`)).toEqual([
      "spec/annotation-without-gateway-equivalent ingress.annotations.nginx.ingress.kubernetes.io/proxy-body-size",
    ]);
    const rules = spec(find(r.value.objects, "HTTPRoute", "storefront"), "spec", "rules");
    const rule = (rules as Record<string, unknown>[])[0];
    expect(rule?.["filters"]).toEqual([
      { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } },
    ]);
  });
});

describe.each(SPECS.filter((p) => p.startsWith("examples/")))("%s with ingress.api: gateway", (path) => {
  it.each(["1.30", "1.34", "1.37"])(
    "renders routes that lint clean at restricted for Kubernetes %s",
    async (kubeVersion) => {
      const doc = parse(readRepoFile(path)) as Record<string, unknown>;
      const ingress = (doc["ingress"] ?? {}) as Record<string, unknown>;
      delete ingress["className"];
      doc["ingress"] = {
        ...ingress,
        api: "gateway",
        gateway: { create: { className: "eg" } },
        // TLS where the example has a domain to hold a certificate for.
        ...(doc["domain"] === undefined ? {} : { tls: "letsencrypt-prod" }),
      };
      const r = renderSpec(stringify(doc), { file: path });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics, null, 2));
      const objects = r.value.objects;
      expect(objects.filter((o) => o.kind === "Ingress")).toEqual([]);
      const routed = r.value.model.workloads.filter((w) => w.route !== undefined && w.port !== undefined);
      const rules = ofKind(objects, "HTTPRoute")
        .concat(ofKind(objects, "GRPCRoute"))
        .filter((o) => !o.metadata.name.endsWith("-https-redirect"))
        .flatMap((o) => spec(o, "spec", "rules") as unknown[]);
      expect(rules.length).toBe(routed.length);
      const report = lintManifests(
        manifestObjectsOf(objects, path),
        { ...DEFAULT_SETTINGS, kubeVersion, podSecurity: "restricted" },
        await schemasFor(kubeVersion),
      );
      expect(report.findings).toEqual([]);
    },
  );
});

describe("redirects asked of ingress-nginx", () => {
  it("answers every request with the permanent redirect, and leaves the HTTPS redirect to the Gateway's owner with a warning", () => {
    const r = renderSpec(
      withIngress({
        api: "gateway",
        gateway: { name: "public", namespace: "gateways" },
        annotations: {
          "nginx.ingress.kubernetes.io/permanent-redirect": "https://shop.example.org/",
          "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
        },
      }),
      { file: "s.yaml" },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["spec/gateway-redirect-elsewhere"]);
    const rules = spec(find(r.value.objects, "HTTPRoute", "storefront"), "spec", "rules") as Record<
      string,
      unknown
    >[];
    expect(rules[0]).toEqual({
      matches: [{ path: { type: "PathPrefix", value: "/" } }],
      filters: [
        {
          type: "RequestRedirect",
          requestRedirect: {
            scheme: "https",
            hostname: "shop.example.org",
            path: { type: "ReplaceFullPath", replaceFullPath: "/" },
            statusCode: 301,
          },
        },
      ],
    });
  });
});

describe("ingress-nginx annotations in Gateway API terms", () => {
  it("translates timeouts, rewrites, redirects and the backend protocol, and names what it cannot", () => {
    const t = translateAnnotations({
      "nginx.ingress.kubernetes.io/proxy-read-timeout": "300",
      "nginx.ingress.kubernetes.io/proxy-send-timeout": "30",
      "nginx.ingress.kubernetes.io/upstream-vhost": "internal.example.com",
      "nginx.ingress.kubernetes.io/permanent-redirect": "https://new.example.com/shop",
      "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
      "nginx.ingress.kubernetes.io/backend-protocol": "GRPC",
      "nginx.ingress.kubernetes.io/limit-rps": "10",
      "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
      "kubernetes.io/ingress.class": "nginx",
      "cert-manager.io/cluster-issuer": "letsencrypt",
    });
    expect(t).toMatchObject({
      timeouts: { backendRequest: "300s" },
      rewrite: { hostname: "internal.example.com" },
      redirect: {
        scheme: "https",
        hostname: "new.example.com",
        path: { type: "ReplaceFullPath", replaceFullPath: "/shop" },
        statusCode: 301,
      },
      httpsRedirect: true,
      grpc: true,
    });
    expect(t.untranslated.map((u) => u.key)).toEqual([
      "cert-manager.io/cluster-issuer",
      "nginx.ingress.kubernetes.io/limit-rps",
      "nginx.ingress.kubernetes.io/rewrite-target",
    ]);
    expect(t.untranslated[1]?.why).toContain("rate limits");
  });
});

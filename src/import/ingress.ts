/**
 * `kubeship migrate-ingress`: Ingress objects (kubeship did not write them) as Gateway API routes.
 * Each Ingress becomes an HTTPRoute per host (a GRPCRoute when ingress-nginx spoke gRPC to its
 * backends), attached to a Gateway named on the command line, or to one written here per
 * namespace and IngressClass with an HTTP listener and an HTTPS listener per TLS host (the way
 * ingress2gateway does). Annotations translate through model/ingress-annotations.ts; everything
 * that does not is a note, located at its Ingress.
 */
import { translateAnnotations } from "../model/ingress-annotations.js";
import type { KubeObject } from "../render/kube-object.js";
import { asArray, asRecord, asString, field } from "../spec/plain-data.js";

const API = "gateway.networking.k8s.io/v1";
const GROUP = "gateway.networking.k8s.io";
/** The most rules a route may hold (the CRDs' maxItems). */
const MAX_RULES = 16;

/** What was not carried over, at which Ingress. */
export interface MigrationNote {
  readonly ingress: string;
  readonly key: string;
  readonly why: string;
}

export interface MigrationOptions {
  /** Attach to this Gateway instead of writing one per namespace and class. */
  readonly gateway?: { readonly name: string; readonly namespace?: string };
  /** The GatewayClass of the Gateways written here. @default the IngressClass's name */
  readonly gatewayClass?: string;
}

export interface Migration {
  readonly objects: readonly KubeObject[];
  readonly notes: readonly MigrationNote[];
  /** How many Ingress objects were read. */
  readonly ingresses: number;
}

interface Backend {
  readonly name: string;
  readonly port: number | undefined;
  readonly portName: string | undefined;
}

interface Path {
  readonly type: "PathPrefix" | "Exact";
  readonly value: string;
  readonly backend: Backend | undefined;
}

/** Converts the Ingress objects among `input` (other objects are read for Service ports only). */
export function migrateIngresses(input: readonly unknown[], options: MigrationOptions = {}): Migration {
  const notes: MigrationNote[] = [];
  const services = new Map<string, unknown>();
  for (const o of input)
    if (field(o, "kind") === "Service")
      services.set(`${namespaceOf(o)}/${asString(field(o, "metadata", "name")) ?? ""}`, o);
  const ingresses = input.filter(
    (o) => field(o, "kind") === "Ingress" && String(field(o, "apiVersion")).startsWith("networking.k8s.io/"),
  );
  const routes: KubeObject[] = [];
  // Gateways written here: per namespace and class, with the TLS hosts seen.
  const gateways = new Map<
    string,
    { namespace: string; className: string; tls: Map<string, string>; issuers: Set<string> }
  >();

  for (const ing of ingresses) {
    const name = asString(field(ing, "metadata", "name")) ?? "ingress";
    const ns = namespaceOf(ing);
    const where = `${ns === "" ? "" : `${ns}/`}${name}`;
    const annotations = Object.fromEntries(
      Object.entries(asRecord(field(ing, "metadata", "annotations")) ?? {}).flatMap(([k, v]) =>
        typeof v === "string" ? [[k, v]] : [],
      ),
    );
    const className =
      asString(field(ing, "spec", "ingressClassName")) ??
      annotations["kubernetes.io/ingress.class"] ??
      "default";
    const t = translateAnnotations(annotations);
    const issuer = annotations["cert-manager.io/cluster-issuer"];
    for (const u of t.untranslated) {
      // A Gateway written here carries the issuer (cert-manager's gateway-shim reads it there).
      if (u.key === "cert-manager.io/cluster-issuer" && options.gateway === undefined) continue;
      notes.push({ ingress: where, key: u.key, why: u.why });
    }

    const tlsHosts = new Map<string, string>();
    for (const entry of asArray(field(ing, "spec", "tls"))) {
      const secret = asString(field(entry, "secretName"));
      const hosts = asArray(field(entry, "hosts")).flatMap((h) => (typeof h === "string" ? [h] : []));
      if (secret === undefined) {
        notes.push({
          ingress: where,
          key: "spec.tls",
          why: "a TLS entry without secretName uses the controller's default certificate: give the Gateway listener a certificate",
        });
        continue;
      }
      if (hosts.length === 0)
        notes.push({
          ingress: where,
          key: "spec.tls",
          why: "a TLS entry without hosts: name the hosts on the Gateway's HTTPS listener",
        });
      for (const h of hosts) tlsHosts.set(h, secret);
    }
    const gatewayName = options.gateway?.name ?? className;
    const gatewayNs = options.gateway?.namespace ?? ns;
    if (options.gateway === undefined) {
      const key = `${ns}/${className}`;
      const gw = gateways.get(key) ?? {
        namespace: ns,
        className,
        tls: new Map<string, string>(),
        issuers: new Set<string>(),
      };
      for (const [h, s] of tlsHosts) gw.tls.set(h, s);
      if (issuer !== undefined) gw.issuers.add(issuer);
      gateways.set(key, gw);
    }

    // Paths per host ("" for rules without one); the default backend is a catch-all of every host.
    const byHost = new Map<string, Path[]>();
    const rules = asArray(field(ing, "spec", "rules"));
    rules.forEach((r, i) => {
      const host = asString(field(r, "host")) ?? "";
      const list = byHost.get(host) ?? [];
      asArray(field(r, "http", "paths")).forEach((p, j) => {
        const type = asString(field(p, "pathType")) ?? "ImplementationSpecific";
        const value = asString(field(p, "path")) ?? "/";
        if (type === "ImplementationSpecific")
          notes.push({
            ingress: where,
            key: `spec.rules[${i}].http.paths[${j}].pathType`,
            why: `ImplementationSpecific is written as PathPrefix ${value}${t.untranslated.some((u) => u.key.endsWith("/use-regex")) ? ": with use-regex it was a regular expression, check the path" : ""}`,
          });
        list.push({
          type: type === "Exact" ? "Exact" : "PathPrefix",
          value,
          backend: backendOf(field(p, "backend")),
        });
      });
      byHost.set(host, list);
    });
    const def = backendOf(field(ing, "spec", "defaultBackend"));
    if (def !== undefined) {
      if (byHost.size === 0) byHost.set("", []);
      for (const list of byHost.values())
        if (!list.some((p) => p.type === "PathPrefix" && p.value === "/"))
          list.push({ type: "PathPrefix", value: "/", backend: def });
    }

    const hosts = [...byHost.keys()].sort();
    for (const host of hosts) {
      const paths = byHost.get(host) ?? [];
      const suffix =
        hosts.length === 1
          ? ""
          : `-${host === "" ? "any-host" : host.replace(/^\*\./, "wildcard-").replace(/[^a-z0-9-]/g, "-")}`;
      const routeName = `${name}${suffix}`.slice(0, 253);
      const secure = options.gateway === undefined ? tlsHosts.has(host) : false;
      const parent = {
        group: GROUP,
        kind: "Gateway",
        name: gatewayName,
        ...(gatewayNs === ns ? {} : { namespace: gatewayNs }),
        ...(options.gateway === undefined ? { sectionName: secure ? httpsListener(host) : "http" } : {}),
      };
      // ingress-nginx redirects a TLS host's HTTP requests unless ssl-redirect is "false": then it
      // serves both, and so does the route, on both listeners.
      const plainToo = secure && annotations["nginx.ingress.kubernetes.io/ssl-redirect"] === "false";
      const parents = plainToo ? [parent, { ...parent, sectionName: "http" }] : [parent];
      const backendRefs = (p: Path): { name: string; port: number }[] => {
        const b = p.backend;
        if (b === undefined) return [];
        const port = b.port ?? servicePort(services, ns, b);
        if (port === undefined) {
          notes.push({
            ingress: where,
            key: `backend ${b.name}`,
            why: `port ${b.portName ?? "?"} is named, and a route needs the Service's port number; the Service is not in the input, so the backendRef is left out: add it with the number`,
          });
          return [];
        }
        return [{ name: b.name, port }];
      };
      const hostnames = host === "" ? {} : { hostnames: [host] };
      const meta = (n: string): KubeObject["metadata"] => ({
        name: n,
        ...(ns === "" ? {} : { namespace: ns }),
        labels: { "app.kubernetes.io/managed-by": "kubeship-migrate-ingress" },
        annotations: { "kubeship.io/migrated-from": `Ingress/${name}` },
      });
      if (t.grpc) {
        for (const [k, part] of chunk(paths).entries())
          routes.push({
            apiVersion: API,
            kind: "GRPCRoute",
            metadata: meta(k === 0 ? routeName : `${routeName}-${k + 1}`),
            spec: {
              parentRefs: parents,
              ...hostnames,
              rules: part.map((p) => {
                const segments = p.value.split("/").filter((s) => s !== "");
                const [service, method] = segments;
                return {
                  ...(service === undefined
                    ? {}
                    : {
                        matches: [
                          { method: { type: "Exact", service, ...(method === undefined ? {} : { method }) } },
                        ],
                      }),
                  backendRefs: backendRefs(p),
                };
              }),
            },
          });
        continue;
      }
      const filters = (p: Path): Record<string, unknown>[] => {
        if (t.redirect !== undefined) return [{ type: "RequestRedirect", requestRedirect: t.redirect }];
        if (t.rewrite === undefined) return [];
        const path = t.rewrite.path;
        // ReplacePrefixMatch needs a PathPrefix match; an Exact path is replaced whole.
        const rewrite = {
          ...(t.rewrite.hostname === undefined ? {} : { hostname: t.rewrite.hostname }),
          ...(path === undefined
            ? {}
            : p.type === "Exact"
              ? { path: { type: "ReplaceFullPath", replaceFullPath: path.replacePrefixMatch } }
              : { path }),
        };
        return [{ type: "URLRewrite", urlRewrite: rewrite }];
      };
      for (const [k, part] of chunk(paths).entries())
        routes.push({
          apiVersion: API,
          kind: "HTTPRoute",
          metadata: meta(k === 0 ? routeName : `${routeName}-${k + 1}`),
          spec: {
            parentRefs: parents,
            ...hostnames,
            rules: part.map((p) => ({
              matches: [{ path: { type: p.type, value: p.value } }],
              ...(filters(p).length > 0 ? { filters: filters(p) } : {}),
              ...(t.redirect === undefined ? { backendRefs: backendRefs(p) } : {}),
              ...(t.timeouts === undefined ? {} : { timeouts: t.timeouts }),
            })),
          },
        });
      // ssl-redirect (ingress-nginx's default for TLS hosts): the HTTP listener redirects to HTTPS.
      if (secure && !plainToo)
        routes.push({
          apiVersion: API,
          kind: "HTTPRoute",
          metadata: meta(`${routeName}-https-redirect`),
          spec: {
            parentRefs: [{ ...parent, sectionName: "http" }],
            ...hostnames,
            rules: [
              {
                filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }],
              },
            ],
          },
        });
      else if (options.gateway !== undefined && t.httpsRedirect)
        notes.push({
          ingress: where,
          key: "nginx.ingress.kubernetes.io/ssl-redirect",
          why: `the redirect to HTTPS belongs on Gateway ${gatewayName}'s HTTP listener: add a route with a RequestRedirect filter there`,
        });
    }
  }

  const written: KubeObject[] = [...gateways.values()]
    .sort((a, b) => (`${a.namespace}/${a.className}` < `${b.namespace}/${b.className}` ? -1 : 1))
    .map((g) => ({
      apiVersion: API,
      kind: "Gateway",
      metadata: {
        name: g.className,
        ...(g.namespace === "" ? {} : { namespace: g.namespace }),
        labels: { "app.kubernetes.io/managed-by": "kubeship-migrate-ingress" },
        // One issuer for the Gateway's certificates (the first by name when the Ingresses differ).
        ...(g.issuers.size === 0
          ? {}
          : { annotations: { "cert-manager.io/cluster-issuer": [...g.issuers].sort()[0] ?? "" } }),
      },
      spec: {
        gatewayClassName: options.gatewayClass ?? g.className,
        listeners: [
          { name: "http", protocol: "HTTP", port: 80 },
          ...[...g.tls.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([host, secret]) => ({
              name: httpsListener(host),
              protocol: "HTTPS",
              port: 443,
              hostname: host,
              tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: secret }] },
            })),
        ],
      },
    }));
  for (const g of gateways.values())
    if (g.issuers.size > 1)
      notes.push({
        ingress: `${g.namespace === "" ? "" : `${g.namespace}/`}* (class ${g.className})`,
        key: "cert-manager.io/cluster-issuer",
        why: `the Ingresses name ${[...g.issuers].sort().join(", ")}; Gateway ${g.className} asks ${[...g.issuers].sort()[0] ?? ""} for all its certificates: split the Gateway if they must differ`,
      });
  return { objects: [...written, ...routes], notes, ingresses: ingresses.length };
}

/** The HTTPS listener of a host: `https-shop-example-com` (a listener name is a DNS-1123 subdomain). */
function httpsListener(host: string): string {
  return `https-${host.replace(/^\*\./, "wildcard-").replace(/[^a-z0-9-]/g, "-")}`.slice(0, 253);
}

function namespaceOf(o: unknown): string {
  return asString(field(o, "metadata", "namespace")) ?? "";
}

function backendOf(b: unknown): Backend | undefined {
  const name = asString(field(b, "service", "name"));
  if (name === undefined) return undefined;
  const n = field(b, "service", "port", "number");
  return {
    name,
    port: typeof n === "number" ? n : undefined,
    portName: asString(field(b, "service", "port", "name")),
  };
}

function servicePort(services: ReadonlyMap<string, unknown>, ns: string, b: Backend): number | undefined {
  const svc = services.get(`${ns}/${b.name}`);
  const port = asArray(field(svc, "spec", "ports")).find((p) => field(p, "name") === b.portName);
  const n = field(port, "port");
  return typeof n === "number" ? n : undefined;
}

function chunk<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += MAX_RULES) out.push(list.slice(i, i + MAX_RULES));
  return out;
}

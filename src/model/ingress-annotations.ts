/**
 * What ingress-nginx's annotations ask for, in Gateway API terms: the ones the standard has a field
 * or filter for (timeouts, rewrites, redirects, the backend protocol), and for every other one the
 * reason it has none. Used by the route builder (`ingress.api: gateway` with `ingress.annotations`)
 * and by `kubeship migrate-ingress`. Annotation meanings are ingress-nginx's documented ones
 * (docs/user-guide/nginx-configuration/annotations.md).
 */

export const NGINX_PREFIX = "nginx.ingress.kubernetes.io/";

/** Gateway API's form of what the annotations of one Ingress ask for. */
export interface AnnotationTranslation {
  /** HTTPRoute rule timeouts (Gateway API durations, e.g. `60s`). */
  readonly timeouts?: { readonly request?: string; readonly backendRequest?: string };
  /** A URLRewrite filter. */
  readonly rewrite?: {
    readonly hostname?: string;
    readonly path?: { readonly type: "ReplacePrefixMatch"; readonly replacePrefixMatch: string };
  };
  /** Every request answered with a redirect (permanent-redirect, temporal-redirect). */
  readonly redirect?: {
    readonly scheme?: "http" | "https";
    readonly hostname?: string;
    readonly path?: { readonly type: "ReplaceFullPath"; readonly replaceFullPath: string };
    readonly port?: number;
    readonly statusCode: 301 | 302 | 303 | 307 | 308;
  };
  /** HTTP requests redirected to HTTPS (ssl-redirect, force-ssl-redirect). */
  readonly httpsRedirect: boolean;
  /** The backends speak gRPC: a GRPCRoute, not an HTTPRoute. */
  readonly grpc: boolean;
  /** What has no standard equivalent (or only an experimental one), with the reason. */
  readonly untranslated: readonly { readonly key: string; readonly why: string }[];
}

/** Annotations with no standard Gateway API field, and what to use instead. */
const NO_EQUIVALENT: Readonly<Record<string, string>> = {
  "proxy-body-size":
    "Gateway API has no request body limit: set it in the implementation's policy (Envoy Gateway ClientTrafficPolicy, NGINX Gateway Fabric ClientSettingsPolicy, ...)",
  "client-body-buffer-size": "no request buffering field in Gateway API: the implementation's policy",
  "proxy-connect-timeout":
    "Gateway API times whole requests (timeouts.request, timeouts.backendRequest), not connection set-up: the implementation's backend policy",
  "proxy-buffering": "no buffering field in Gateway API: the implementation's policy",
  "proxy-buffer-size": "no buffering field in Gateway API: the implementation's policy",
  "limit-rps":
    "Gateway API has no rate limits: the implementation's policy (Envoy Gateway BackendTrafficPolicy rateLimit, ...)",
  "limit-rpm": "Gateway API has no rate limits: the implementation's policy",
  "limit-connections": "Gateway API has no connection limits: the implementation's policy",
  "limit-burst-multiplier": "Gateway API has no rate limits: the implementation's policy",
  "whitelist-source-range":
    "Gateway API has no client address allow-list: the implementation's policy, or a NetworkPolicy on the gateway's pods",
  "allowlist-source-range":
    "Gateway API has no client address allow-list: the implementation's policy, or a NetworkPolicy on the gateway's pods",
  "denylist-source-range": "Gateway API has no client address deny-list: the implementation's policy",
  "enable-cors":
    "not translated: write HTTPRoute's CORS filter (Gateway API v1.5 and later) with the origins you allow, rather than ingress-nginx's default of any origin",
  "cors-allow-origin": "see enable-cors",
  "cors-allow-methods": "see enable-cors",
  "cors-allow-headers": "see enable-cors",
  "cors-allow-credentials": "see enable-cors",
  "cors-max-age": "see enable-cors",
  "auth-url":
    "external authentication is an experimental HTTPRoute filter (ExternalAuth): the implementation's policy",
  "auth-signin": "see auth-url",
  "auth-response-headers": "see auth-url",
  "auth-type": "basic authentication has no Gateway API field: the implementation's policy",
  "auth-secret": "see auth-type",
  "auth-realm": "see auth-type",
  affinity:
    "session affinity is experimental in Gateway API (sessionPersistence): the implementation's policy",
  "session-cookie-name": "see affinity",
  "session-cookie-expires": "see affinity",
  "session-cookie-max-age": "see affinity",
  "use-regex":
    "regular-expression paths are implementation-specific in Gateway API (RegularExpression match): rewrite the paths as prefixes",
  "configuration-snippet":
    "raw NGINX configuration has no equivalent (and is a security risk): rewrite it as routes and filters",
  "server-snippet":
    "raw NGINX configuration has no equivalent (and is a security risk): rewrite it as routes and filters",
  canary: "canary Ingresses become weighted backendRefs in one route: merge the canary Ingress by hand",
  "canary-weight": "see canary",
  "canary-by-header": "see canary (a header match on a second rule)",
  "ssl-passthrough": "TLS passthrough is a TLSRoute on a listener in Passthrough mode: write it by hand",
  "proxy-ssl-verify": "backend TLS is a BackendTLSPolicy: write it with the backend's CA",
  "proxy-ssl-secret": "backend TLS is a BackendTLSPolicy: write it with the backend's CA",
  "ssl-ciphers": "TLS ciphers are the Gateway listener's or the implementation's settings",
  "custom-http-errors": "custom error pages have no Gateway API field: the implementation's policy",
  "default-backend": "a default backend is a catch-all rule (PathPrefix /) in a route",
  "enable-access-log": "access logs are the implementation's settings",
  "enable-opentelemetry": "tracing is the implementation's settings",
  "service-upstream": "Gateway API implementations choose how they reach a Service's endpoints",
  "x-forwarded-prefix":
    "no standard field: a RequestHeaderModifier filter can set the header to a fixed value",
  "app-root": "a redirect of / only: write a rule for path / (Exact) with a RequestRedirect filter",
};

/** A duration of ingress-nginx (seconds, as a number) in Gateway API's form. */
function seconds(v: string): string | undefined {
  return /^\d{1,6}$/.test(v.trim()) && Number(v) > 0 ? `${Number(v)}s` : undefined;
}

/** Reads an Ingress's annotations as Gateway API constructs. */
export function translateAnnotations(annotations: Readonly<Record<string, string>>): AnnotationTranslation {
  const untranslated: { key: string; why: string }[] = [];
  const get = (name: string): string | undefined => annotations[`${NGINX_PREFIX}${name}`];
  let backendRequest: string | undefined;
  let rewrite: AnnotationTranslation["rewrite"];
  let redirect: AnnotationTranslation["redirect"];
  let httpsRedirect = false;
  let grpc = false;
  const handled = new Set<string>();
  const take = (name: string): string | undefined => {
    handled.add(`${NGINX_PREFIX}${name}`);
    return get(name);
  };

  // proxy-read-timeout and proxy-send-timeout bound each read and write to the backend: the nearest
  // standard field is the backend request's timeout, at least the longer of the two.
  const timeouts = ["proxy-read-timeout", "proxy-send-timeout"].flatMap((n) => {
    const v = take(n);
    if (v === undefined) return [];
    const s = seconds(v);
    if (s === undefined)
      untranslated.push({ key: `${NGINX_PREFIX}${n}`, why: `'${v}' is not a number of seconds` });
    return s === undefined ? [] : [Number(v)];
  });
  if (timeouts.length > 0) backendRequest = `${Math.max(...timeouts)}s`;

  const target = take("rewrite-target");
  const vhost = take("upstream-vhost");
  if (target !== undefined) {
    if (/\$\d/.test(target))
      untranslated.push({
        key: `${NGINX_PREFIX}rewrite-target`,
        why: "a rewrite with regular-expression captures has no Gateway API form: use prefix paths and ReplacePrefixMatch",
      });
    else if (target.startsWith("/"))
      rewrite = { path: { type: "ReplacePrefixMatch", replacePrefixMatch: target } };
    else untranslated.push({ key: `${NGINX_PREFIX}rewrite-target`, why: `'${target}' is not a path` });
  }
  if (vhost !== undefined) rewrite = { ...rewrite, hostname: vhost };

  for (const [name, code] of [
    ["permanent-redirect", Number(get("permanent-redirect-code") ?? 301)],
    ["temporal-redirect", Number(get("temporal-redirect-code") ?? 302)],
  ] as const) {
    const to = take(name);
    handled.add(`${NGINX_PREFIX}${name}-code`);
    if (to === undefined) continue;
    const statusCode = ([301, 302, 303, 307, 308] as const).find((c) => c === code);
    let url: URL | undefined;
    try {
      url = new URL(to);
    } catch {
      url = undefined;
    }
    if (url === undefined || statusCode === undefined) {
      untranslated.push({
        key: `${NGINX_PREFIX}${name}`,
        why: `'${to}' (status ${String(code)}) is not an absolute URL with a status of 301, 302, 303, 307 or 308`,
      });
      continue;
    }
    redirect = {
      scheme: url.protocol === "http:" ? "http" : "https",
      hostname: url.hostname,
      ...(url.pathname !== "/" || to.endsWith("/")
        ? { path: { type: "ReplaceFullPath", replaceFullPath: url.pathname } }
        : {}),
      ...(url.port === "" ? {} : { port: Number(url.port) }),
      statusCode,
    };
  }

  for (const name of ["ssl-redirect", "force-ssl-redirect"]) if (take(name) === "true") httpsRedirect = true;

  const protocol = take("backend-protocol");
  if (protocol === "GRPC") grpc = true;
  else if (protocol === "GRPCS" || protocol === "HTTPS") {
    grpc = protocol === "GRPCS";
    untranslated.push({
      key: `${NGINX_PREFIX}backend-protocol`,
      why: "TLS to the backend is a BackendTLSPolicy (with the backend's CA and hostname): write it by hand",
    });
  } else if (protocol !== undefined && protocol !== "HTTP")
    untranslated.push({
      key: `${NGINX_PREFIX}backend-protocol`,
      why: `${protocol} backends have no Gateway API route`,
    });

  for (const key of Object.keys(annotations).sort()) {
    if (handled.has(key)) continue;
    if (key.startsWith(NGINX_PREFIX)) {
      const name = key.slice(NGINX_PREFIX.length);
      untranslated.push({
        key,
        why: NO_EQUIVALENT[name] ?? "an ingress-nginx setting with no Gateway API equivalent",
      });
    } else if (key === "kubernetes.io/ingress.class") continue;
    else if (key === "cert-manager.io/cluster-issuer" || key === "cert-manager.io/issuer")
      untranslated.push({
        key,
        why: "cert-manager reads it from the Gateway: put it on the Gateway's metadata",
      });
    else untranslated.push({ key, why: "not an ingress-nginx annotation: check what reads it" });
  }
  untranslated.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    ...(backendRequest === undefined ? {} : { timeouts: { backendRequest } }),
    ...(rewrite === undefined ? {} : { rewrite }),
    ...(redirect === undefined ? {} : { redirect }),
    httpsRedirect,
    grpc,
    untranslated,
  };
}

/**
 * Cross-object checks of Gateway API routes (HTTPRoute, GRPCRoute): what a gateway controller would
 * report in a route's status (ResolvedRefs, Accepted) after the apply, found before it. Each check
 * runs only where the input has the other side (the Services of a namespace, the Gateway named).
 */
import type { DocPath } from "../../spec/diagnostic.js";
import { asArray, asRecord, asString, field, labelsOf } from "../object.js";
import { indexOf, type ObjectIndex } from "../object-index.js";
import { matchesSelector } from "../selectors.js";
import type { ManifestObject, Rule, RuleFinding } from "../types.js";
import { finding } from "./support.js";

const GATEWAY_GROUP = "gateway.networking.k8s.io";
const ROUTE_KINDS = ["HTTPRoute", "GRPCRoute"] as const;

const route = (backend: string, parent: string): string =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  parentRefs:\n    - name: ${parent}\n  hostnames: [shop.example.com]\n  rules:\n    - matches: [{path: {type: PathPrefix, value: /}}]\n      backendRefs:\n        - {name: ${backend}, port: 80}\n`;
const SERVICE =
  "apiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\n  namespace: shop\nspec:\n  selector: {app: frontend}\n  ports:\n    - {name: http, port: 80, targetPort: 8080}\n";
const GATEWAY =
  "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: public\n  namespace: shop\nspec:\n  gatewayClassName: eg\n  listeners:\n    - {name: http, protocol: HTTP, port: 80, hostname: shop.example.com}\n";

/** Service backends: a Service's name, namespace and port that the route names. */
export const routeBackend: Rule = {
  id: "route-backend",
  severity: "error",
  category: "consistency",
  title: "Route backends name an existing Service and one of its ports",
  why: "A backendRef to a Service that does not exist, without a port, or to a port the Service does not have is refused by the gateway controller (ResolvedRefs false, BackendNotFound) and that rule answers 500; a backend in another namespace needs a ReferenceGrant there. `kubectl apply` accepts all of them. (Checked when the input has Services in the backend's namespace.)",
  fix: "Name a Service of the route's namespace and one of its port numbers (`port` is required for a Service), or add a ReferenceGrant in the Service's namespace that allows the route's kind from the route's namespace.",
  seeAlso: ["https://gateway-api.sigs.k8s.io/api-types/httproute/#backendrefs"],
  examples: {
    bad: `${route("frontend-v2", "public")}---\n${SERVICE}`,
    good: `${route("frontend", "public")}---\n${SERVICE}`,
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const kind of ROUTE_KINDS)
      for (const r of index.of(kind, undefined)) {
        const rules = asArray(field(r.object, "spec", "rules"));
        for (let i = 0; i < rules.length; i++) {
          const refs = asArray(field(rules[i], "backendRefs"));
          for (let j = 0; j < refs.length; j++)
            yield* checkBackend(index, r, refs[j], ["spec", "rules", i, "backendRefs", j]);
        }
      }
  },
};

function* checkBackend(
  index: ObjectIndex,
  r: ManifestObject,
  ref: unknown,
  path: DocPath,
): Generator<RuleFinding> {
  const group = asString(field(ref, "group")) ?? "";
  const kind = asString(field(ref, "kind")) ?? "Service";
  if (group !== "" || kind !== "Service") return;
  const name = asString(field(ref, "name"));
  if (name === undefined) return;
  const port = field(ref, "port");
  if (port === undefined) {
    yield finding(
      r,
      path,
      `${r.kind}/${r.name} routes to Service ${name} without a port: the API server refuses it ("Must have port for Service reference")`,
      "add the Service's port number",
    );
    return;
  }
  const ns = asString(field(ref, "namespace")) ?? r.namespace;
  if (ns !== undefined && r.namespace !== undefined && ns !== r.namespace) {
    // A grant is checked only where the input holds the other namespace's objects.
    if (index.of("Service", ns).length > 0 && !granted(index, r, ns, name))
      yield finding(
        r,
        [...path, "namespace"],
        `${r.kind}/${r.name} routes to Service ${name} in namespace ${ns}, and no ReferenceGrant there allows it`,
        `add a ReferenceGrant in ${ns}: from ${r.kind} in ${r.namespace} to Service ${name}`,
      );
  }
  const services = index.of("Service", ns).filter((s) => s.namespace === ns || s.namespace === undefined);
  if (services.length === 0) return;
  const svc = services.find((s) => s.name === name);
  if (svc === undefined) {
    yield finding(
      r,
      [...path, "name"],
      `${r.kind}/${r.name} routes to Service ${name}, which is not in the input`,
      `use one of: ${services.map((s) => s.name).join(", ")}`,
    );
    return;
  }
  const ports = asArray(field(svc.object, "spec", "ports"));
  if (!ports.some((p) => field(p, "port") === port))
    yield finding(
      r,
      [...path, "port"],
      `${r.kind}/${r.name} routes to port ${JSON.stringify(port)} of Service ${name}, which has no such port (a route names the Service's port number, not its target port or name)`,
      `use one of: ${ports.map((p) => String(field(p, "port"))).join(", ")}`,
    );
}

/** Whether a ReferenceGrant in `ns` lets the route reach Service `name`. */
function granted(index: ObjectIndex, r: ManifestObject, ns: string, name: string): boolean {
  return index
    .of("ReferenceGrant", ns)
    .some(
      (g) =>
        asArray(field(g.object, "spec", "from")).some(
          (f) =>
            field(f, "group") === GATEWAY_GROUP &&
            field(f, "kind") === r.kind &&
            field(f, "namespace") === r.namespace,
        ) &&
        asArray(field(g.object, "spec", "to")).some(
          (t) =>
            (asString(field(t, "group")) ?? "") === "" &&
            field(t, "kind") === "Service" &&
            (field(t, "name") === undefined || field(t, "name") === name),
        ),
    );
}

/** Parents: the Gateway, its listener, and whether the listener takes the route. */
export const routeParent: Rule = {
  id: "route-parent",
  severity: "error",
  category: "consistency",
  title: "Routes attach to a Gateway listener that accepts them",
  why: "A route whose parentRef names no Gateway, a listener the Gateway does not have, a listener that does not allow routes from the route's namespace or of its kind, or whose hostnames share none with the listener's is not accepted (Accepted false: NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname): it serves nothing, and nothing fails at apply time. (Checked when the Gateway is in the input.)",
  fix: "Name the Gateway and one of its listeners (`sectionName`), give the listener `allowedRoutes.namespaces` that include the route's namespace, and a hostname that matches the route's.",
  seeAlso: ["https://gateway-api.sigs.k8s.io/api-types/gateway/#listeners"],
  examples: {
    bad: `${route("frontend", "public")}---\n${GATEWAY.replace("hostname: shop.example.com", "hostname: admin.example.com")}`,
    good: `${route("frontend", "public")}---\n${GATEWAY}`,
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    if (index.of("Gateway", undefined).length === 0) return;
    const nsLabels = new Map<string, Readonly<Record<string, string>>>();
    for (const n of index.of("Namespace", undefined))
      nsLabels.set(n.name, { ...labelsOf(n.object), "kubernetes.io/metadata.name": n.name });
    for (const kind of ROUTE_KINDS)
      for (const r of index.of(kind, undefined)) {
        const parents = asArray(field(r.object, "spec", "parentRefs"));
        for (let i = 0; i < parents.length; i++)
          yield* checkParent(index, nsLabels, r, parents[i], ["spec", "parentRefs", i]);
      }
  },
};

function* checkParent(
  index: ObjectIndex,
  nsLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
  r: ManifestObject,
  ref: unknown,
  path: DocPath,
): Generator<RuleFinding> {
  if ((asString(field(ref, "group")) ?? GATEWAY_GROUP) !== GATEWAY_GROUP) return;
  if ((asString(field(ref, "kind")) ?? "Gateway") !== "Gateway") return;
  const name = asString(field(ref, "name"));
  if (name === undefined) return;
  const ns = asString(field(ref, "namespace")) ?? r.namespace;
  const gateways = index.of("Gateway", ns).filter((g) => g.namespace === ns || g.namespace === undefined);
  if (gateways.length === 0) return;
  const gw = gateways.find((g) => g.name === name);
  if (gw === undefined) {
    yield finding(
      r,
      [...path, "name"],
      `${r.kind}/${r.name} attaches to Gateway ${name}, which is not in the input`,
      `use one of: ${gateways.map((g) => g.name).join(", ")}`,
    );
    return;
  }
  const section = asString(field(ref, "sectionName"));
  const port = field(ref, "port");
  const listeners = asArray(field(gw.object, "spec", "listeners")).flatMap((l) => {
    const rec = asRecord(l);
    return rec === undefined ? [] : [rec];
  });
  const named = listeners.filter(
    (l) => (section === undefined || l.name === section) && (port === undefined || l.port === port),
  );
  if (named.length === 0) {
    yield finding(
      r,
      [...path, section === undefined ? "port" : "sectionName"],
      `Gateway/${name} has no listener ${section ?? `on port ${String(port)}`}`,
      `use one of: ${listeners.map((l) => String(l.name)).join(", ")}`,
    );
    return;
  }
  const home = r.namespace ?? "default";
  const fromNamespace = named.filter((l) => allowsNamespace(l, home, gw.namespace ?? "default", nsLabels));
  if (fromNamespace.length === 0) {
    yield finding(
      r,
      path,
      `the listeners of Gateway/${name} (${named.map((l) => String(l.name)).join(", ")}) do not allow routes from namespace ${home}`,
      `set allowedRoutes.namespaces on the listener to include ${home} (from: All, or a Selector that matches it)`,
    );
    return;
  }
  const ofKind = fromNamespace.filter((l) => allowsKind(l, r.kind));
  if (ofKind.length === 0) {
    yield finding(
      r,
      path,
      `the listeners of Gateway/${name} (${fromNamespace.map((l) => String(l.name)).join(", ")}) do not take a ${r.kind}`,
      `attach it to an ${r.kind === "GRPCRoute" || r.kind === "HTTPRoute" ? "HTTP or HTTPS" : "other"} listener, or list ${r.kind} in allowedRoutes.kinds`,
    );
    return;
  }
  const hostnames = asArray(field(r.object, "spec", "hostnames")).flatMap((h) => {
    const s = asString(h);
    return s === undefined ? [] : [s];
  });
  if (hostnames.length === 0) return;
  if (
    !ofKind.some(
      (l) => typeof l.hostname !== "string" || hostnames.some((h) => hostsIntersect(l.hostname as string, h)),
    )
  )
    yield finding(
      r,
      ["spec", "hostnames"],
      `no listener of Gateway/${name} takes the hostnames ${hostnames.join(", ")} (listeners: ${ofKind.map((l) => `${String(l.name)} ${typeof l.hostname === "string" ? l.hostname : "any host"}`).join(", ")})`,
      "give the route a hostname the listener serves, or the listener the route's",
    );
}

function allowsNamespace(
  listener: Readonly<Record<string, unknown>>,
  routeNs: string,
  gatewayNs: string,
  nsLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
): boolean {
  const ns = field(listener, "allowedRoutes", "namespaces");
  const from = asString(field(ns, "from")) ?? "Same";
  if (from === "All") return true;
  if (from === "Same") return routeNs === gatewayNs;
  if (from === "Selector") {
    const selector = field(ns, "selector");
    const labels = nsLabels.get(routeNs);
    if (labels !== undefined) return matchesSelector(selector, labels);
    // Without the Namespace in the input its labels are unknown: only its name label can be judged.
    return onlyNameLabel(selector)
      ? matchesSelector(selector, { "kubernetes.io/metadata.name": routeNs })
      : true;
  }
  return true;
}

function onlyNameLabel(selector: unknown): boolean {
  const ml = asRecord(field(selector, "matchLabels")) ?? {};
  return (
    Object.keys(ml).every((k) => k === "kubernetes.io/metadata.name") &&
    asArray(field(selector, "matchExpressions")).length === 0
  );
}

function allowsKind(listener: Readonly<Record<string, unknown>>, kind: string): boolean {
  const kinds = asArray(field(listener, "allowedRoutes", "kinds"));
  if (kinds.length > 0)
    return kinds.some(
      (k) => field(k, "kind") === kind && (asString(field(k, "group")) ?? GATEWAY_GROUP) === GATEWAY_GROUP,
    );
  const protocol = asString(listener.protocol) ?? "";
  // The route kinds each core protocol takes by default.
  return protocol === "HTTP" || protocol === "HTTPS" ? kind === "HTTPRoute" || kind === "GRPCRoute" : true;
}

/** Whether a listener hostname (maybe `*.example.com`) and a route hostname (maybe wildcard) can meet. */
export function hostsIntersect(listener: string, route: string): boolean {
  if (listener === route) return true;
  const wild = (w: string, h: string): boolean =>
    w.startsWith("*.") && h.endsWith(w.slice(1)) && h.length > w.length - 1;
  return wild(listener, route) || wild(route, listener);
}

/** Two routes on one Gateway claiming one hostname and path. */
export const routeConflict: Rule = {
  id: "route-conflict",
  severity: "warning",
  category: "consistency",
  title: "No two routes claim the same hostname and path on one Gateway",
  why: "When two routes attached to the same Gateway match the same hostname and path, Gateway API gives the request to the oldest route (then the first by namespace and name): the other rule never receives traffic, and which one wins can change when a route is re-created.",
  fix: "Give each route its own path or hostname, or merge the two into one route with weighted backendRefs.",
  examples: {
    bad: `${route("frontend", "public")}---\n${route("frontend", "public").replace("name: web", "name: web-v2")}`,
    good: `${route("frontend", "public")}---\n${route("frontend", "public").replace("name: web", "name: web-v2").replace("value: /", "value: /v2")}`,
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    for (const kind of ROUTE_KINDS) {
      const claims = new Map<string, ManifestObject>();
      for (const r of index.of(kind, undefined)) {
        if (ctx.reported?.(r) === false) continue;
        const parents = asArray(field(r.object, "spec", "parentRefs")).map(
          (p) =>
            `${asString(field(p, "namespace")) ?? r.namespace ?? ""}/${asString(field(p, "name")) ?? ""}/${asString(field(p, "sectionName")) ?? ""}`,
        );
        const hosts = asArray(field(r.object, "spec", "hostnames")).map((h) => asString(h) ?? "");
        const rules = asArray(field(r.object, "spec", "rules"));
        const mine = new Set<string>();
        for (let i = 0; i < rules.length; i++) {
          const matches = asArray(field(rules[i], "matches"));
          const keys = (matches.length === 0 ? [undefined] : matches).map((m) => matchKey(kind, m));
          for (let j = 0; j < keys.length; j++)
            for (const parent of parents)
              for (const host of hosts.length === 0 ? ["*"] : hosts) {
                const key = `${parent} ${host} ${keys[j] ?? ""}`;
                if (mine.has(key)) continue;
                mine.add(key);
                const first = claims.get(key);
                if (first === undefined) claims.set(key, r);
                else
                  yield finding(
                    r,
                    matches.length === 0 ? ["spec", "rules", i] : ["spec", "rules", i, "matches", j],
                    `${kind}/${r.name} claims ${host === "*" ? "every host" : host} ${describeMatch(keys[j] ?? "")} on Gateway ${parent.split("/")[1] ?? ""}, as ${kind}/${first.name} does: only the older route gets the requests`,
                    "give one of them another path or hostname, or merge them",
                  );
              }
        }
      }
    }
  },
};

/** What a match selects, as a comparable key (headers and query parameters included). */
function matchKey(kind: string, m: unknown): string {
  if (m === undefined) return kind === "HTTPRoute" ? "PathPrefix:/" : "*";
  if (kind === "GRPCRoute")
    return `${asString(field(m, "method", "service")) ?? "*"}/${asString(field(m, "method", "method")) ?? "*"} ${JSON.stringify(field(m, "headers") ?? [])}`;
  const type = asString(field(m, "path", "type")) ?? "PathPrefix";
  const value = asString(field(m, "path", "value")) ?? "/";
  const rest = [field(m, "method"), field(m, "headers"), field(m, "queryParams")].some((x) => x !== undefined)
    ? ` ${JSON.stringify([field(m, "method") ?? null, field(m, "headers") ?? [], field(m, "queryParams") ?? []])}`
    : "";
  return `${type}:${value}${rest}`;
}

function describeMatch(key: string): string {
  const [type, value] = key.split(":");
  return type === "PathPrefix" || type === "Exact"
    ? `path ${value ?? ""} (${type})`
    : `method ${key.split(" ")[0] ?? ""}`;
}

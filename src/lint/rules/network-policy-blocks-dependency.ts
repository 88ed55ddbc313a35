import { asArray, asRecord, asString, field, labelsOf, stringMap } from "../object.js";
import { indexOf, type ObjectIndex } from "../object-index.js";
import type { DocPath } from "../../spec/diagnostic.js";
import { hostTokens } from "../../spec/hosts.js";
import { type ContainerRef, containerPorts, containersOf, type PodTemplate, podTemplates } from "../pods.js";
import { matchesSelector, sameNamespace } from "../selectors.js";
import type { ManifestObject, Rule, RuleFinding } from "../types.js";
import { finding } from "./support.js";

interface Target {
  readonly service: ManifestObject;
  /** Service port numbers the client names (all of them when it names none). */
  readonly ports: readonly number[];
}

export const networkPolicyBlocksDependency: Rule = {
  id: "network-policy-blocks-dependency",
  severity: "error",
  category: "networking",
  title: "NetworkPolicies allow the connections the pods are configured to make",
  why: "A workload's environment says what it connects to (`DB_HOST=postgres`, `http://orders:8080`), in its own env values or in the ConfigMaps it reads them from. If a NetworkPolicy on either side does not allow that connection, or an egress policy forgets DNS, the pod starts and then times out on every request; nothing fails at apply time. Only a check that sees the pods, the Services and the policies together can find it.",
  fix: "Allow the connection: an egress rule on the client's policy to the Service's pods and target port, and an ingress rule on the server's policy from the client's pods. Egress policies also need port 53 (UDP and TCP) to the cluster DNS. kubeship renders all of these from the spec's `uses`.",
  seeAlso: ["Cilium network policy editor", "kubectl np-viewer"],
  examples: {
    bad: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      env:\n        - {name: DB_URL, value: "postgres:5432"}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: postgres\nspec:\n  selector: {app: postgres}\n  ports:\n    - port: 5432\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: postgres\n  labels: {app: postgres}\nspec:\n  containers:\n    - name: postgres\n      image: postgres:17.2\n      ports:\n        - containerPort: 5432\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: postgres\nspec:\n  podSelector:\n    matchLabels: {app: postgres}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {app: worker}\n',
    good: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      env:\n        - {name: DB_URL, value: "postgres:5432"}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: postgres\nspec:\n  selector: {app: postgres}\n  ports:\n    - port: 5432\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: postgres\n  labels: {app: postgres}\nspec:\n  containers:\n    - name: postgres\n      image: postgres:17.2\n      ports:\n        - containerPort: 5432\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: postgres\nspec:\n  podSelector:\n    matchLabels: {app: postgres}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {app: api}\n      ports:\n        - port: 5432\n',
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    if (index.of("NetworkPolicy", undefined).length === 0) return;
    const nsLabels = new Map<string, Record<string, string>>();
    for (const o of ctx.objects)
      if (o.kind === "Namespace")
        nsLabels.set(o.name, { ...labelsOf(o.object), "kubernetes.io/metadata.name": o.name });
    const pods = podTemplates(ctx.objects);
    const net = new Net(index, nsLabels);
    for (const client of pods) {
      const egressPolicies = net.selecting(client, "Egress");
      let dnsReported = false;
      const seen = new Set<string>();
      for (const c of containersOf(client, { init: true, ephemeral: false })) {
        for (const env of envValues(c, index)) {
          const value = env.value;
          // Numbers, flags and booleans name no host.
          if (!/[a-z]/i.test(value)) continue;
          for (const t of targetsIn(value, client, index)) {
            const path = pathOfEnv(c, env);
            if (egressPolicies.length > 0 && !dnsReported && !net.allowsDns(egressPolicies)) {
              dnsReported = true;
              yield finding(
                client.target,
                path,
                `the egress policies of ${client.target.kind}/${client.target.name} (${names(egressPolicies)}) block DNS, so it cannot resolve ${t.service.name}`,
                "allow egress to port 53 (UDP and TCP) of the cluster DNS",
              );
            }
            // HOST, PORT and URL variables name the same connection: check (and report) it once.
            const seenKey = `${t.service.namespace ?? ""}/${t.service.name}:${t.ports.join(",")}`;
            if (seen.has(seenKey)) continue;
            seen.add(seenKey);
            yield* checkConnection(net, client, t, path, egressPolicies);
          }
        }
      }
    }
  },
};

/**
 * An environment value a container gets, and where it is set: its own `env` entry (its `value`, or
 * its `valueFrom` when read from a ConfigMap), or an `envFrom` entry. The path is made only for a
 * finding: every value of every container is looked at.
 */
interface EnvValue {
  readonly value: string;
  readonly list: "env" | "envFrom";
  readonly i: number;
  readonly leaf: "value" | "valueFrom" | undefined;
}

function pathOfEnv(c: ContainerRef, e: EnvValue): DocPath {
  return e.leaf === undefined ? [...c.path, e.list, e.i] : [...c.path, e.list, e.i, e.leaf];
}

/**
 * The environment values a container gets: its own `env` values, and the ConfigMap entries it reads
 * through `valueFrom.configMapKeyRef` and `envFrom.configMapRef` (ConfigMaps of the input, in the
 * pod's namespace). Secrets are not read: their values are not for lint to look into.
 */
function* envValues(c: ContainerRef, index: ObjectIndex): Generator<EnvValue> {
  const ns = c.pod.target.namespace;
  const dataOf = (name: unknown): Readonly<Record<string, string>> => {
    if (typeof name !== "string") return {};
    const cm = index.find("ConfigMap", name, ns);
    return cm === undefined ? {} : stringMap(field(cm.object, "data"));
  };
  const env = asArray(c.container.env);
  for (let i = 0; i < env.length; i++) {
    const value = asString(field(env[i], "value"));
    if (value !== undefined) {
      yield { value, list: "env", i, leaf: "value" };
      continue;
    }
    const ref = field(env[i], "valueFrom", "configMapKeyRef");
    const key = field(ref, "key");
    const fromMap = typeof key === "string" ? dataOf(field(ref, "name"))[key] : undefined;
    if (fromMap !== undefined) yield { value: fromMap, list: "env", i, leaf: "valueFrom" };
  }
  const envFrom = asArray(c.container.envFrom);
  for (let i = 0; i < envFrom.length; i++)
    for (const value of Object.values(dataOf(field(envFrom[i], "configMapRef", "name"))))
      yield { value, list: "envFrom", i, leaf: undefined };
}

/** The names of some policies for a message: the first five, and how many more. */
function names(ps: readonly ManifestObject[]): string {
  const shown = ps.slice(0, 5).map((p) => p.name);
  return ps.length > 5 ? `${shown.join(", ")} and ${ps.length - 5} more` : shown.join(", ");
}

/** A server pod whose policies block a connection, and the first port's verdict. */
interface Blocked {
  readonly server: PodTemplate;
  readonly port: unknown;
  readonly egress: boolean;
}

function* checkConnection(
  net: Net,
  client: PodTemplate,
  t: Target,
  path: readonly (string | number)[],
  egressPolicies: readonly ManifestObject[],
): Generator<RuleFinding> {
  for (const { server, port, egress } of net.blocked(client, t, egressPolicies)) {
    if (server === client) continue;
    const who = !egress
      ? `the egress policies of ${client.target.kind}/${client.target.name} (${names(egressPolicies)})`
      : `the ingress policies of ${server.target.kind}/${server.target.name} (${names(net.selecting(server, "Ingress"))})`;
    yield finding(
      client.target,
      path,
      `${who} block its connection to Service ${t.service.name} port ${String(port)}`,
      !egress
        ? `allow egress to the pods of ${t.service.name} on that port`
        : `allow ingress from ${client.target.name}'s pods on that port`,
    );
  }
}

type ResolvedPort = { number: number | undefined; name: string | undefined };

function resolvePort(server: PodTemplate, target: unknown): ResolvedPort {
  if (typeof target === "number") {
    let name: string | undefined;
    for (const c of containersOf(server, { init: true, ephemeral: false }))
      for (const [n, num] of containerPorts(c.container).names) if (num === target) name = n;
    return { number: target, name };
  }
  const name = String(target);
  for (const c of containersOf(server, { init: true, ephemeral: false })) {
    const num = containerPorts(c.container).names.get(name);
    if (num !== undefined) return { number: num, name };
  }
  return { number: undefined, name };
}

/** Services a string value points at: `postgres`, `postgres:5432`, `http://orders.shop.svc:8080/x`. */
const DNS_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i;

function targetsIn(value: string, client: PodTemplate, index: ObjectIndex): Target[] {
  const out: Target[] = [];
  if (!value.includes(".") && !value.includes(":")) {
    // Only a bare Service name can be meant, as the whole value.
    const service = /\s/.test(value)
      ? undefined
      : index.find("Service", value.trim(), client.target.namespace);
    return service === undefined ? out : [{ service, ports: [] }];
  }
  for (const t of hostTokens(value)) {
    if (!DNS_NAME.test(t.host)) continue;
    const parts = t.host.toLowerCase().split(".");
    const [name, ns, svc] = parts;
    if (name === undefined || (parts.length > 2 && svc !== "svc")) continue;
    // A bare word counts only as the whole value or inside a URL, not in a sentence or a command.
    if (parts.length === 1 && !t.url && !t.whole) continue;
    const service = index.find("Service", name, parts.length >= 2 ? ns : client.target.namespace);
    if (service === undefined) continue;
    out.push({ service, ports: t.port === undefined ? [] : [t.port] });
  }
  return out;
}

/** The map's value for a key, made and stored on first use. */
function cached<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

class Net {
  constructor(
    private readonly index: ObjectIndex,
    private readonly nsLabels: ReadonlyMap<string, Record<string, string>>,
  ) {}

  private readonly selected = new Map<number, ManifestObject[]>();
  private readonly servers = new Map<ManifestObject, readonly PodTemplate[]>();
  private readonly ports = new Map<PodTemplate, Map<unknown, ResolvedPort>>();

  private readonly blockedCache = new Map<ManifestObject, Map<number | string, readonly Blocked[]>>();
  private readonly classes = new Map<PodTemplate, number>();
  private readonly classIds = new Map<string, number>();

  /**
   * The servers of a target whose policies block a client's connection. Policies see a client only
   * through its namespace and labels, so the answer is computed once per such class of clients
   * (copies of a workload, replicas of a template) and Service: large inputs with many alike
   * workloads made this rule cubic.
   */
  blocked(client: PodTemplate, t: Target, egressPolicies: readonly ManifestObject[]): readonly Blocked[] {
    // (Looked up without a closure for the value: every client's every connection asks.)
    let byClass = this.blockedCache.get(t.service);
    if (byClass === undefined) {
      byClass = new Map<number | string, readonly Blocked[]>();
      this.blockedCache.set(t.service, byClass);
    }
    const key = t.ports.length === 0 ? this.classOf(client) : `${this.classOf(client)}:${t.ports.join(",")}`;
    let found = byClass.get(key);
    if (found === undefined) {
      found = this.computeBlocked(client, t, egressPolicies);
      byClass.set(key, found);
    }
    return found;
  }

  /** A number for the pod's namespace and labels: pods with the same number are alike to policies. */
  private classOf(pod: PodTemplate): number {
    const known = this.classes.get(pod);
    if (known !== undefined) return known;
    // Labels in their written order: pods of one template list them alike (others merely share less).
    let key = pod.target.namespace ?? "\u0002";
    for (const k in pod.labels) key += `\u0000${k}\u0001${pod.labels[k] ?? ""}`;
    const id = cached(this.classIds, key, () => this.classIds.size);
    this.classes.set(pod, id);
    return id;
  }

  private computeBlocked(
    client: PodTemplate,
    t: Target,
    egressPolicies: readonly ManifestObject[],
  ): readonly Blocked[] {
    const out: Blocked[] = [];
    const svcPorts = asArray(field(t.service.object, "spec", "ports")).filter(
      (p) => t.ports.length === 0 || t.ports.includes(Number(field(p, "port"))),
    );
    for (const server of this.serversOf(t.service)) {
      const ingressPolicies = this.selecting(server, "Ingress");
      if (ingressPolicies.length === 0 && egressPolicies.length === 0) continue;
      // Blocked when no port of the Service gets through; reported with the first port's verdict.
      let first: Blocked | undefined;
      let open = false;
      for (const sp of svcPorts) {
        const target = field(sp, "targetPort") ?? field(sp, "port");
        const resolved = this.resolvePort(server, target);
        const protocol = asString(field(sp, "protocol")) ?? "TCP";
        const egress =
          egressPolicies.length === 0 ||
          egressPolicies.some((p) => this.allows(p, "Egress", server, resolved, protocol));
        const ingress =
          ingressPolicies.length === 0 ||
          ingressPolicies.some((p) => this.allows(p, "Ingress", client, resolved, protocol));
        if (egress && ingress) {
          open = true;
          break;
        }
        first ??= { server, port: field(sp, "port"), egress };
      }
      if (!open && first !== undefined) out.push(first);
    }
    return out;
  }

  /** The pods a Service selects (cached: every client of the Service asks). */
  serversOf(service: ManifestObject): readonly PodTemplate[] {
    return cached(this.servers, service, () =>
      this.index.podsSelectedBy(stringMap(field(service.object, "spec", "selector")), service.namespace),
    );
  }

  /** A Service's target port (number or name) as the server pod declares it (cached per pod). */
  resolvePort(server: PodTemplate, target: unknown): ResolvedPort {
    const byTarget = cached(this.ports, server, () => new Map<unknown, ResolvedPort>());
    return cached(byTarget, target, () => resolvePort(server, target));
  }

  /** Policies that select the pod for a direction (cached: servers are asked about once per client). */
  selecting(pod: PodTemplate, type: "Ingress" | "Egress"): ManifestObject[] {
    // By namespace and labels, all a policy sees of a pod: alike pods share the answer.
    // Egress under even numbers, Ingress under odd ones.
    const key = this.classOf(pod) * 2 + (type === "Ingress" ? 1 : 0);
    let found = this.selected.get(key);
    if (found === undefined) {
      found = this.select(pod, type);
      this.selected.set(key, found);
    }
    return found;
  }

  private select(pod: PodTemplate, type: "Ingress" | "Egress"): ManifestObject[] {
    return this.candidates(pod).filter((p) => {
      if (!sameNamespace(p.namespace, pod.target.namespace)) return false;
      if (!matchesSelector(field(p.object, "spec", "podSelector"), pod.labels)) return false;
      const types = asArray(field(p.object, "spec", "policyTypes"));
      if (types.length > 0) return types.includes(type);
      return type === "Ingress" || field(p.object, "spec", "egress") !== undefined;
    });
  }

  private readonly policyIndex = new Map<
    string,
    {
      readonly all: readonly ManifestObject[];
      readonly byPair: Map<string, number[]>;
      readonly open: number[];
    }
  >();

  /**
   * The policies of the pod's namespace that may select it, in input order: those whose podSelector
   * has a matchLabels pair the pod has, and those without matchLabels. An index per namespace, so
   * that a namespace with thousands of pods and policies is not their product.
   */
  private candidates(pod: PodTemplate): readonly ManifestObject[] {
    const idx = cached(this.policyIndex, pod.target.namespace ?? "", () => {
      const all = this.index.of("NetworkPolicy", pod.target.namespace);
      const byPair = new Map<string, number[]>();
      const open: number[] = [];
      all.forEach((p, i) => {
        const pairs = Object.entries(stringMap(field(p.object, "spec", "podSelector", "matchLabels")));
        if (pairs.length === 0) open.push(i);
        for (const [k, v] of pairs) cached(byPair, `${k}\u0000${v}`, () => []).push(i);
      });
      return { all, byPair, open };
    });
    // A few policies are quicker to test than to look up.
    if (idx.all.length <= 32) return idx.all;
    const picked = new Set<number>(idx.open);
    for (const k in pod.labels)
      for (const i of idx.byPair.get(`${k}\u0000${pod.labels[k] ?? ""}`) ?? []) picked.add(i);
    const all = idx.all;
    return [...picked].sort((a, b) => a - b).flatMap((i) => all[i] ?? []);
  }

  /** Whether a policy (of the pod it selects) allows traffic to (Egress) or from (Ingress) `peer` on a port of the server. */
  allows(
    policy: ManifestObject,
    type: "Ingress" | "Egress",
    peer: PodTemplate,
    port: ResolvedPort,
    protocol: string,
  ): boolean {
    const rules = asArray(field(policy.object, "spec", type === "Ingress" ? "ingress" : "egress"));
    return rules.some((r) => {
      const ports = asArray(field(r, "ports"));
      const portOk =
        ports.length === 0 ||
        ports.some((p) => {
          if ((asString(field(p, "protocol")) ?? "TCP") !== protocol) return false;
          const want = field(p, "port");
          if (want === undefined) return true;
          if (typeof want === "string") return want === port.name;
          if (typeof want !== "number") return false;
          const end = field(p, "endPort");
          return (
            port.number !== undefined &&
            (typeof end === "number" ? port.number >= want && port.number <= end : port.number === want)
          );
        });
      if (!portOk) return false;
      const peers = asArray(field(r, type === "Ingress" ? "from" : "to"));
      return peers.length === 0 || peers.some((x) => this.peerMatches(policy, x, peer));
    });
  }

  /** Whether egress to port 53 is allowed by one of the policies. */
  allowsDns(policies: readonly ManifestObject[]): boolean {
    return policies.some((p) =>
      asArray(field(p.object, "spec", "egress")).some((r) => {
        const ports = asArray(field(r, "ports"));
        return (
          ports.length === 0 ||
          ports.some(
            (x) => field(x, "port") === 53 || field(x, "port") === "dns" || field(x, "port") === undefined,
          )
        );
      }),
    );
  }

  private peerMatches(policy: ManifestObject, peer: unknown, pod: PodTemplate): boolean {
    const rec = asRecord(peer);
    if (rec === undefined) return false;
    if (rec.ipBlock !== undefined) return field(rec, "ipBlock", "cidr") === "0.0.0.0/0";
    const podNs = pod.target.namespace;
    if (rec.namespaceSelector === undefined) {
      return sameNamespace(policy.namespace, podNs) && matchesSelector(rec.podSelector, pod.labels);
    }
    const labels =
      podNs === undefined
        ? undefined
        : (this.nsLabels.get(podNs) ?? { "kubernetes.io/metadata.name": podNs });
    const nsOk = labels === undefined || matchesSelector(rec.namespaceSelector, labels);
    return nsOk && (rec.podSelector === undefined || matchesSelector(rec.podSelector, pod.labels));
  }
}

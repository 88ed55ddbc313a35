import { hasPermissions } from "./rbac.js";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type {
  INetworkPolicyEgressRule,
  INetworkPolicyIngressRule,
  INetworkPolicyPeer,
  INetworkPolicyPort,
} from "kubernetes-models/networking.k8s.io/v1";
import { GATEWAY_NAME_LABEL } from "./gateway-routes.js";
import { isExternal, isOperated } from "../catalog/catalog.js";
import type { BackupEgress, OperatedBacking } from "../catalog/operators/types.js";
import type { BackingRuntime } from "../catalog/types.js";
import type { AppModel } from "../model/app-model.js";
import { hasSeparateMetricsPort, type RenderContext, workloadNamed } from "./context.js";
import { backingGroupLabels, objectLabels, selectorLabels } from "./labels.js";
import { exporterName } from "./exporter-deployment.js";
import { INIT_JOB_SUFFIX } from "./job.js";
import { BACKUP_SUFFIX, backupPlans, RESTORE_SUFFIX } from "./backup-job.js";

type NamedPolicy = INetworkPolicy & { metadata: { name: string } };

/** Cluster DNS, which every pod needs: kube-dns (CoreDNS) pods in kube-system. */
export const DNS_PEER = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
} as const;

const tcp = (port: number | string): INetworkPolicyPort => ({ protocol: "TCP", port });

/**
 * NetworkPolicies from the dependency graph: deny everything by default, allow DNS, then for each
 * pod group exactly the `uses` edges in both directions (ingress on the target, egress on the
 * source), the ingress controller to routed services, metrics scrapes, cluster peers, and init jobs.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export function renderNetworkPolicies(ctx: RenderContext): NamedPolicy[] {
  const { model } = ctx;
  const out: NamedPolicy[] = [
    policy(model, `${model.app}-default-deny`, {}, [], []),
    policy(model, `${model.app}-allow-dns`, {}, undefined, [
      { to: [DNS_PEER], ports: [{ protocol: "UDP", port: 53 }, tcp(53)] },
    ]),
  ];
  out.push(...gatewayProxyPolicy(model));
  for (const w of model.workloads) {
    const ingress: INetworkPolicyIngressRule[] = [];
    const ports = w.port === undefined ? [] : [tcp(w.port)];
    const dependents = model.graph.dependentsOf(w.name, "uses");
    if (ports.length > 0 && dependents.length > 0)
      ingress.push({ from: dependents.map((d) => podsOf(model, d)), ports });
    if (w.route !== undefined && w.port !== undefined)
      ingress.push({ from: [controllerPeer(model)], ports: [tcp(w.port)] });
    if (w.metrics !== undefined)
      ingress.push({
        from: [scraperPeer(model)],
        ports: [tcp(hasSeparateMetricsPort(w) || w.port === undefined ? w.metrics.port : w.port)],
      });
    out.push(
      policy(model, w.name, selectorLabels(model, w.name), ingress, [
        ...egressTo(ctx, model.graph.dependenciesOf(w.name, "uses")),
        ...(hasPermissions(w) ? [API_SERVER_EGRESS] : []),
      ]),
    );
  }
  const plans = backupPlans(ctx);
  for (const b of ctx.backings.values()) {
    if (isExternal(b)) continue;
    if (isOperated(b)) {
      out.push(operatedPolicy(ctx, b));
      continue;
    }
    const ingress: INetworkPolicyIngressRule[] = [];
    // Clients need the client ports only (of the primary and its replicas, of Redis and its
    // sentinels); members (below) and metrics (scrapes) get their own rules.
    const clientPorts = clientPortsOf(b).map(tcp);
    const users = model.graph.dependentsOf(b.name, "uses").map((d) => peerOf(ctx, d));
    if (b.init !== undefined) users.push(podsOf(model, `${b.name}${INIT_JOB_SUFFIX}`));
    // Its own backup job, and those of the backings whose backups it stores.
    for (const plan of plans)
      if (
        plan.spec.name === b.name ||
        ("backing" in plan.target.egress && plan.target.egress.backing === b.name)
      )
        users.push(
          podsOf(model, `${plan.spec.name}${BACKUP_SUFFIX}`),
          podsOf(model, `${plan.spec.name}${RESTORE_SUFFIX}`),
        );
    const exporter = b.metrics?.deployment === undefined ? undefined : b.metrics;
    if (exporter !== undefined) users.push(podsOf(model, exporterName(b.name)));
    if (users.length > 0) ingress.push({ from: users, ports: clientPorts });
    const metricsPorts = [
      ...new Set(
        [b, ...b.members].flatMap((r) =>
          r.metrics && r.metrics.deployment === undefined ? [r.metrics.port.port] : [],
        ),
      ),
    ];
    if (metricsPorts.length > 0) ingress.push({ from: [scraperPeer(model)], ports: metricsPorts.map(tcp) });
    const egress = egressTo(ctx, model.graph.dependenciesOf(b.name, "uses"));
    const group = backingGroupLabels(model, b.name);
    if (b.replicas + b.members.reduce((n, m) => n + m.replicas, 0) > 1) {
      // Members talk to each other on their own ports (replication, gossip, quorum) and no others.
      const peerPorts = [...new Set([b, ...b.members].flatMap((r) => r.ports.map((p) => p.port)))].map(tcp);
      ingress.push({ from: [{ podSelector: { matchLabels: group } }], ports: peerPorts });
      egress.push({ to: [{ podSelector: { matchLabels: group } }], ports: peerPorts });
    }
    out.push(policy(model, b.name, group, ingress, egress));
    if (exporter !== undefined) {
      const name = exporterName(b.name);
      out.push(
        policy(
          model,
          name,
          selectorLabels(model, name),
          [{ from: [scraperPeer(model)], ports: [tcp(exporter.port.port)] }],
          [{ to: [{ podSelector: { matchLabels: group } }], ports: clientPorts }],
        ),
      );
    }
    if (b.init !== undefined) {
      const name = `${b.name}${INIT_JOB_SUFFIX}`;
      out.push(policy(model, name, selectorLabels(model, name), [], egressTo(ctx, [b.name])));
    }
    const plan = plans.find((x) => x.spec.name === b.name);
    if (plan !== undefined) {
      // The backup and restore jobs reach their database and their store, nothing else.
      const store = plan.target.egress;
      for (const name of [`${b.name}${BACKUP_SUFFIX}`, `${b.name}${RESTORE_SUFFIX}`])
        out.push(
          policy(
            model,
            name,
            selectorLabels(model, name),
            [],
            [...egressTo(ctx, [b.name]), storeEgress(model, store)],
          ),
        );
    }
  }
  return out;
}

/**
 * Egress of a workload with permissions to the Kubernetes API. Pods reach it through the
 * `kubernetes` Service (443), which most network plugins match after translating it to the API
 * server's own address and port (6443 on kubeadm, 443 on managed clusters). That address is not
 * known when rendering, so the rule names the ports and any address.
 */
const API_SERVER_EGRESS: INetworkPolicyEgressRule = {
  to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
  ports: [tcp(443), tcp(6443)],
};

function egressTo(ctx: RenderContext, targets: readonly string[]): INetworkPolicyEgressRule[] {
  const rules: INetworkPolicyEgressRule[] = [];
  for (const t of targets) {
    const b = ctx.backings.get(t);
    if (b !== undefined && isExternal(b))
      rules.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(b.port)] });
    else if (b !== undefined && isOperated(b))
      rules.push({
        to: [{ podSelector: { matchLabels: { ...b.pods.labels } } }],
        ports: b.pods.clientPorts.map(tcp),
      });
    else if (b !== undefined)
      rules.push({
        to: [{ podSelector: { matchLabels: backingGroupLabels(ctx.model, t) } }],
        ports: clientPortsOf(b).map(tcp),
      });
    else {
      const w = workloadNamed(ctx.model, t);
      if (w?.port !== undefined) rules.push({ to: [podsOf(ctx.model, t)], ports: [tcp(w.port)] });
    }
  }
  return rules;
}

/** The ports clients of a backing connect to: the first port of each of its StatefulSets. */
function clientPortsOf(b: BackingRuntime): number[] {
  return [...new Set([b, ...b.members].flatMap((r) => r.ports.slice(0, 1).map((p) => p.port)))];
}

/** The pods of a graph node as a peer: an operator's pods by its own labels, kubeship's by theirs. */
function peerOf(ctx: RenderContext, name: string): INetworkPolicyPeer {
  const b = ctx.backings.get(name);
  return b !== undefined && isOperated(b)
    ? { podSelector: { matchLabels: { ...b.pods.labels } } }
    : podsOf(ctx.model, name);
}

/**
 * The pods an operator runs for a backing (selected by the operator's own labels): clients on the
 * client ports, each other and the operator (whose ports differ by version: replication, status,
 * admin APIs) on any port, Prometheus on the metrics port; out to each other, the Kubernetes API
 * (instance managers, entity operators and peer discovery read it) and the backup store.
 */
function operatedPolicy(ctx: RenderContext, b: OperatedBacking): NamedPolicy {
  const { model } = ctx;
  const own = { podSelector: { matchLabels: { ...b.pods.labels } } };
  const ingress: INetworkPolicyIngressRule[] = [];
  const users = model.graph.dependentsOf(b.name, "uses").map((d) => peerOf(ctx, d));
  if (users.length > 0) ingress.push({ from: users, ports: b.pods.clientPorts.map(tcp) });
  ingress.push({ from: [own] });
  ingress.push({
    from: [
      b.operatorNamespace === undefined
        ? { namespaceSelector: {} }
        : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": b.operatorNamespace } } },
    ],
  });
  if (b.pods.metricsPort !== undefined)
    ingress.push({ from: [scraperPeer(model)], ports: [tcp(b.pods.metricsPort)] });
  const egress: INetworkPolicyEgressRule[] = [{ to: [own] }, API_SERVER_EGRESS];
  const store = b.backupEgress;
  if (store !== undefined) egress.push(storeEgress(model, store));
  const storeName = store !== undefined && "backing" in store ? store.backing : undefined;
  egress.push(
    ...egressTo(
      ctx,
      model.graph.dependenciesOf(b.name, "uses").filter((d) => d !== storeName),
    ),
  );
  return policy(model, b.name, { ...b.pods.labels }, ingress, egress);
}

/** Egress to a backup store: the pods of a minio backing of the app, or any address on its port. */
function storeEgress(model: AppModel, store: BackupEgress): INetworkPolicyEgressRule {
  return "backing" in store
    ? {
        to: [{ podSelector: { matchLabels: backingGroupLabels(model, store.backing) } }],
        ports: [tcp(store.port)],
      }
    : { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(store.port)] };
}

function podsOf(model: AppModel, name: string): { podSelector: { matchLabels: Record<string, string> } } {
  return { podSelector: { matchLabels: selectorLabels(model, name) } };
}

function scraperPeer(model: AppModel): { namespaceSelector: { matchLabels?: Record<string, string> } } {
  const ns = model.monitoring.prometheusNamespace;
  return ns === undefined
    ? { namespaceSelector: {} }
    : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } };
}

/**
 * Where routed traffic comes from: the ingress controller's namespace (any namespace when it is not
 * known), or, for a Gateway kubeship writes, the pods its implementation runs for it (labelled with
 * the Gateway's name, GEP-1762), in the Gateway's namespace.
 */
function controllerPeer(model: AppModel): INetworkPolicyPeer {
  const ns = model.ingress.controllerNamespace;
  const gw = model.ingress.gateway;
  if (ns === undefined && gw?.create !== undefined) {
    const pods = { podSelector: { matchLabels: { [GATEWAY_NAME_LABEL]: gw.name } } };
    return gw.namespace === model.namespace
      ? pods
      : { ...pods, namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": gw.namespace } } };
  }
  return ns === undefined
    ? { namespaceSelector: {} }
    : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } };
}

/**
 * For a Gateway kubeship writes in the app's namespace, whose default-deny would also hold its
 * proxies: they take traffic from anywhere and reach their own control plane, whose namespace and
 * ports depend on the implementation, so the policy allows both; the routed services still admit
 * only the proxies.
 */
function gatewayProxyPolicy(model: AppModel): NamedPolicy[] {
  const gw = model.ingress.gateway;
  if (gw?.create === undefined || gw.namespace !== model.namespace) return [];
  if (!model.workloads.some((w) => w.route !== undefined && w.port !== undefined)) return [];
  return [policy(model, `${model.app}-gateway`, { [GATEWAY_NAME_LABEL]: gw.name }, [{}], [{}])];
}

function policy(
  model: AppModel,
  name: string,
  matchLabels: Record<string, string>,
  ingress: INetworkPolicyIngressRule[] | undefined,
  egress: INetworkPolicyEgressRule[] | undefined,
): NamedPolicy {
  const policyTypes: ("Ingress" | "Egress")[] = [];
  if (ingress !== undefined) policyTypes.push("Ingress");
  if (egress !== undefined) policyTypes.push("Egress");
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: model.namespace, labels: objectLabels(model, name, "network-policy") },
    spec: {
      podSelector: Object.keys(matchLabels).length > 0 ? { matchLabels } : {},
      policyTypes,
      ...(ingress !== undefined ? { ingress } : {}),
      ...(egress !== undefined ? { egress } : {}),
    },
  };
}

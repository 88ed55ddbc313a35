import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { PollingStandIn } from "./polling-stand-in.js";

const run = promisify(execFile);

interface Obj {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly generation?: number };
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
}

/** The resources the stand-in answers for, as kubectl names them. */
const RESOURCES = [
  "clusters.postgresql.cnpg.io",
  "kafkas.kafka.strimzi.io",
  "kafkatopics.kafka.strimzi.io",
  "elasticsearches.elasticsearch.k8s.elastic.co",
  "rabbitmqclusters.rabbitmq.com",
];

/**
 * A TEST STAND-IN for the database operators (none can run here: no containers). For each resource of
 * the namespace it writes, through the status subresource, the status its operator documents once
 * the resource is running: CloudNativePG's phase "Cluster in healthy state", readyInstances and
 * condition Ready; Strimzi's condition Ready for the observed generation; ECK's phase Ready, health
 * green and availableNodes; the RabbitMQ Cluster Operator's AllReplicasReady and ClusterAvailable.
 * Resources named in `fail` get the status of a failure instead: CloudNativePG's "Invalid cluster
 * definition", Strimzi's NotReady with InvalidResourceException, ECK's phase Invalid.
 */
export class OperatorStandIn extends PollingStandIn {
  constructor(
    private readonly kubeconfig: string,
    private readonly namespace: string,
    private readonly fail: ReadonlySet<string> = new Set(),
  ) {
    super();
  }

  protected async reconcile(): Promise<void> {
    const items: Obj[] = [];
    // One resource at a time: a test may have installed only some of the CRDs.
    for (const resource of RESOURCES) {
      const listed = await run(
        "kubectl",
        ["--kubeconfig", this.kubeconfig, "get", resource, "-n", this.namespace, "-o", "json"],
        { maxBuffer: 1 << 24 },
      ).catch(() => undefined);
      if (listed !== undefined) items.push(...(JSON.parse(listed.stdout) as { items: Obj[] }).items);
    }
    for (const o of items) {
      const status = this.statusOf(o);
      if (JSON.stringify(o.status ?? {}) === JSON.stringify({ ...(o.status ?? {}), ...status })) continue;
      const resource = RESOURCES.find((r) => r.startsWith(o.kind.toLowerCase())) ?? "";
      await run("kubectl", [
        "--kubeconfig",
        this.kubeconfig,
        "patch",
        resource,
        o.metadata.name,
        "-n",
        this.namespace,
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status }),
      ]);
    }
  }

  private statusOf(o: Obj): Record<string, unknown> {
    const generation = o.metadata.generation ?? 1;
    const failing = this.fail.has(o.metadata.name);
    const spec = o.spec ?? {};
    switch (o.kind) {
      case "Cluster": {
        const instances = typeof spec["instances"] === "number" ? spec["instances"] : 1;
        return failing
          ? { phase: "Invalid cluster definition", phaseReason: "spec.storage.size: the volume is too small" }
          : {
              phase: "Cluster in healthy state",
              instances,
              readyInstances: instances,
              currentPrimary: `${o.metadata.name}-1`,
              writeService: `${o.metadata.name}-rw`,
              readService: `${o.metadata.name}-r`,
              conditions: [condition("Ready", "True", "ClusterIsReady", "Cluster is Ready")],
            };
      }
      case "Kafka":
      case "KafkaTopic":
        return failing
          ? {
              observedGeneration: generation,
              conditions: [
                condition(
                  "NotReady",
                  "True",
                  "InvalidResourceException",
                  "Kafka version 9.9.9 is not supported",
                ),
              ],
            }
          : { observedGeneration: generation, conditions: [condition("Ready", "True", "Ready", "")] };
      case "Elasticsearch": {
        const sets = (spec["nodeSets"] as { count?: number }[] | undefined) ?? [];
        const nodes = sets.reduce((n, s) => n + (s.count ?? 0), 0);
        return failing
          ? { observedGeneration: generation, phase: "Invalid", health: "unknown" }
          : { observedGeneration: generation, phase: "Ready", health: "green", availableNodes: nodes };
      }
      case "RabbitmqCluster":
        return {
          observedGeneration: generation,
          conditions: [
            condition("AllReplicasReady", "True", "AllPodsAreReady", ""),
            condition("ClusterAvailable", "True", "AtLeastOneEndpointAvailable", ""),
            condition("NoWarnings", "True", "NoWarnings", ""),
            condition("ReconcileSuccess", "True", "Success", ""),
          ],
        };
      default:
        return {};
    }
  }
}

function condition(type: string, status: string, reason: string, message: string) {
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime: new Date("2026-01-01T00:00:00Z").toISOString(),
  };
}

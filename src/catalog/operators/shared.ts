import type { Placement, Resources } from "../../model/app-model.js";

/** Requests and limits as a container's `resources`. */
export function resourcesOf(r: Resources): Record<string, Record<string, string>> {
  return {
    requests: { cpu: r.requests.cpu, memory: r.requests.memory },
    limits: { cpu: r.limits.cpu, memory: r.limits.memory },
  };
}

/** The spec's node selector and tolerations, where it has them (the shape pod specs use). */
export function affinityOf(p: Placement): Record<string, unknown> {
  return {
    ...(Object.keys(p.nodeSelector).length > 0 ? { nodeSelector: p.nodeSelector } : {}),
    ...(p.tolerations.length > 0 ? { tolerations: p.tolerations } : {}),
  };
}

/** Registry credentials as a pod spec names them. */
export function pullSecretsOf(p: Placement): Record<string, unknown> {
  return p.imagePullSecrets.length > 0
    ? { imagePullSecrets: p.imagePullSecrets.map((name) => ({ name })) }
    : {};
}

/** The replication factor of Kafka's internal topics and the app's: three copies where there are three brokers. */
export function replicationFactor(brokers: number): number {
  return Math.min(3, brokers);
}

import { HpaState, type HpaSpec, replicasForTotal, SYNC_PERIOD_SECONDS } from "./hpa.js";
import type { LoadPoint } from "./load-profile.js";

/** The most pods a simulation follows (an HPA may allow more; simulate refuses those). */
export const MAX_SIMULATED_REPLICAS = 10_000;

/** What a simulation runs: the HPA as rendered, what one pod serves, and the load. */
export interface SimulationInput {
  readonly hpa: HpaSpec;
  /** Requests per second one pod serves at 100% of its CPU request. */
  readonly capacityRps: number;
  /** Seconds from a pod's creation until it is ready and gets traffic. */
  readonly startupSeconds: number;
  /** Replicas at second 0. @default the HPA's minimum */
  readonly initialReplicas?: number;
  /** One pod's requests: CPU in cores, memory in bytes. */
  readonly podRequests: { readonly cpu: number; readonly memory: number };
  readonly profile: readonly LoadPoint[];
  /** How long to run. @default the last row plus the scale-down window plus two minutes */
  readonly durationSeconds?: number;
}

/** The state at one sync of the autoscaler. */
export interface SimulationPoint {
  /** Seconds since the start. */
  readonly t: number;
  readonly rps: number;
  /** Replicas the HPA set at this sync. */
  readonly replicas: number;
  /** Pods ready (serving) when the HPA looked. */
  readonly ready: number;
  /** Average CPU utilization of the ready pods, percent of the request (what the HPA saw). */
  readonly utilization: number;
}

/** The outcome: the timeline and what it costs at its peak. */
export interface SimulationResult {
  readonly points: readonly SimulationPoint[];
  readonly peakReplicas: number;
  /** CPU and memory requested at the peak: replicas times one pod's requests. */
  readonly peakCpu: number;
  readonly peakMemory: number;
  /** Seconds during which the ready pods got more than they serve at 100% of their request. */
  readonly overloadedSeconds: number;
  readonly targetUtilization: number;
}

/**
 * Replays a load profile through the autoscaler: every sync period the HPA reads the CPU
 * utilization of the ready pods and reconciles; new pods serve after the start-up delay; a scale-down
 * removes the pods that are not ready yet first, then the newest (as a ReplicaSet does).
 */
export function simulateHpa(input: SimulationInput): SimulationResult {
  const target = input.hpa.targets.cpu;
  if (target === undefined) throw new Error("simulateHpa needs a CPU utilization target");
  const last = input.profile.at(-1)?.t ?? 0;
  const duration = input.durationSeconds ?? last + input.hpa.scaleDown.stabilizationWindowSeconds + 120;
  const state = new HpaState(input.hpa);
  // Creation second of each pod, oldest first (so also in order of when each becomes ready).
  const pods: number[] = Array.from(
    { length: input.initialReplicas ?? input.hpa.minReplicas },
    () => -input.startupSeconds,
  );
  const points: SimulationPoint[] = [];
  let overloaded = 0;
  let row = 0;
  let peakReplicas = 0;
  for (let t = 0; t <= duration; t += SYNC_PERIOD_SECONDS) {
    while (row + 1 < input.profile.length && (input.profile[row + 1]?.t ?? Infinity) <= t) row++;
    const rps = input.profile[row]?.rps ?? 0;
    const ready = readyCount(pods, t - input.startupSeconds);
    const unready = pods.length - ready;
    const perPod = ready === 0 ? 0 : rps / ready / input.capacityRps;
    const desired = replicasForTotal(pods.length, ready, perPod * ready, unready, target);
    const next = state.reconcile(t, pods.length, desired);
    while (pods.length < next) pods.push(t);
    pods.length = next; // a scale-down removes the newest (and so not ready) first
    if (perPod > 1 || (ready === 0 && rps > 0)) overloaded += SYNC_PERIOD_SECONDS;
    peakReplicas = Math.max(peakReplicas, next);
    points.push({ t, rps, replicas: next, ready, utilization: Math.round(perPod * 1000) / 10 });
  }
  return {
    points,
    peakReplicas,
    peakCpu: peakReplicas * input.podRequests.cpu,
    peakMemory: peakReplicas * input.podRequests.memory,
    overloadedSeconds: overloaded,
    targetUtilization: target,
  };
}

/** How many of the pods (creation seconds, ascending) were created at or before `createdBy`. */
function readyCount(pods: readonly number[], createdBy: number): number {
  let lo = 0;
  let hi = pods.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((pods[mid] ?? Infinity) <= createdBy) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

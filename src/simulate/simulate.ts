import { HpaState, type HpaSpec, replicasForResource, SYNC_PERIOD_SECONDS } from "./hpa.js";
import { type LoadPoint, rpsAt } from "./load-profile.js";

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
  // Creation second of each pod, oldest first.
  let pods: number[] = Array.from(
    { length: input.initialReplicas ?? input.hpa.minReplicas },
    () => -input.startupSeconds,
  );
  const points: SimulationPoint[] = [];
  let overloaded = 0;
  for (let t = 0; t <= duration; t += SYNC_PERIOD_SECONDS) {
    const rps = rpsAt(input.profile, t);
    const ready = pods.filter((c) => t >= c + input.startupSeconds).length;
    const unready = pods.length - ready;
    const perPod = ready === 0 ? 0 : rps / ready / input.capacityRps;
    const usage = { ready: Array.from({ length: ready }, () => ({ cpu: perPod })), unready };
    const desired = replicasForResource(pods.length, usage, "cpu", target);
    const next = state.reconcile(t, pods.length, desired);
    if (next > pods.length) pods = [...pods, ...Array.from({ length: next - pods.length }, () => t)];
    else if (next < pods.length) pods = pods.slice(0, next); // newest (and so not ready) go first
    if (perPod > 1 || (ready === 0 && rps > 0)) overloaded += SYNC_PERIOD_SECONDS;
    points.push({ t, rps, replicas: next, ready, utilization: Math.round(perPod * 1000) / 10 });
  }
  const peakReplicas = Math.max(...points.map((p) => p.replicas));
  return {
    points,
    peakReplicas,
    peakCpu: peakReplicas * input.podRequests.cpu,
    peakMemory: peakReplicas * input.podRequests.memory,
    overloadedSeconds: overloaded,
    targetUtilization: target,
  };
}

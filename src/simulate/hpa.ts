/**
 * The HorizontalPodAutoscaler's algorithm, ported from kube-controller-manager
 * (pkg/controller/podautoscaler: replica_calculator.go GetResourceReplicas, horizontal.go
 * stabilizeRecommendationWithBehaviors, convertDesiredReplicasWithBehaviorRate,
 * calculateScaleUpLimitWithScalingRules, calculateScaleDownLimitWithBehaviors) for Resource
 * metrics with a Utilization target. Time is explicit (seconds), so the same inputs give the same steps.
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 */

/** One scaling policy: at most `value` pods or percent per `periodSeconds`. */
export interface ScalingPolicy {
  readonly type: "Pods" | "Percent";
  readonly value: number;
  readonly periodSeconds: number;
}

/** The rules of one direction (`behavior.scaleUp` or `behavior.scaleDown`), defaults filled in. */
export interface ScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: "Max" | "Min" | "Disabled";
  readonly policies: readonly ScalingPolicy[];
}

/** What the algorithm needs of an HPA. */
export interface HpaSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Target average utilization (percent of the request) per resource, e.g. `{cpu: 70}`. */
  readonly targets: Readonly<Record<string, number>>;
  readonly scaleUp: ScalingRules;
  readonly scaleDown: ScalingRules;
}

/** The controller's default tolerance: no change while usage is within 10% of the target. */
export const TOLERANCE = 0.1;
/** The controller's default sync period (--horizontal-pod-autoscaler-sync-period). */
export const SYNC_PERIOD_SECONDS = 15;
/** The default scale-down stabilization (--horizontal-pod-autoscaler-downscale-stabilization). */
export const DOWNSCALE_STABILIZATION_SECONDS = 300;

/** The API server's defaults for `behavior.scaleUp` (k8s.io/kubernetes pkg/apis/autoscaling/v2/defaults.go). */
export const DEFAULT_SCALE_UP: ScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
};

/** The API server's defaults for `behavior.scaleDown`. */
export const DEFAULT_SCALE_DOWN: ScalingRules = {
  stabilizationWindowSeconds: DOWNSCALE_STABILIZATION_SECONDS,
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
};

/** What the metrics say about the pods at one sync: per ready pod, its usage as a fraction of its request. */
export interface PodUsage {
  /** Usage of each ready pod, per resource, as a fraction of the request (0.7 = 70%). */
  readonly ready: readonly Readonly<Record<string, number>>[];
  /** Pods that exist but are not ready yet (starting). */
  readonly unready: number;
}

/**
 * GetResourceReplicas for one resource: the replica count the metric asks for, before behaviors.
 * Unready pods count as using nothing when that would scale up; no change within the tolerance.
 */
export function replicasForResource(
  currentReplicas: number,
  usage: PodUsage,
  resource: string,
  targetUtilization: number,
  tolerance = TOLERANCE,
): number | undefined {
  const total = usage.ready.reduce((a, p) => a + (p[resource] ?? 0), 0);
  return replicasForTotal(
    currentReplicas,
    usage.ready.length,
    total,
    usage.unready,
    targetUtilization,
    tolerance,
  );
}

/**
 * `replicasForResource` from counts: `readyCount` pods using `total` (in units of their request)
 * together, and `unready` pods. The simulation, whose ready pods all use the same, calls this
 * without building one record per pod.
 */
export function replicasForTotal(
  currentReplicas: number,
  readyCount: number,
  total: number,
  unready: number,
  targetUtilization: number,
  tolerance = TOLERANCE,
): number | undefined {
  if (readyCount === 0) return undefined; // "did not receive metrics for targeted pods"
  const usageRatio = ((total / readyCount) * 100) / targetUtilization;
  const within = (r: number): boolean => 1 - tolerance <= r && r <= 1 + tolerance;
  const scaleUpWithUnready = unready > 0 && usageRatio > 1;
  if (!scaleUpWithUnready) {
    if (within(usageRatio)) return currentReplicas;
    return Math.ceil(usageRatio * readyCount);
  }
  const counted = readyCount + unready;
  const newUsageRatio = ((total / counted) * 100) / targetUtilization;
  if (within(newUsageRatio) || newUsageRatio < 1) return currentReplicas;
  const newReplicas = Math.ceil(newUsageRatio * counted);
  return newReplicas < currentReplicas ? currentReplicas : newReplicas;
}

/** A recommendation or a scale event, with the second it happened. */
interface Timed {
  readonly t: number;
  readonly value: number;
}

/** The controller's memory for one HPA: past recommendations and scale events. */
export class HpaState {
  private recommendations: Timed[] = [];
  private scaleUpEvents: Timed[] = [];
  private scaleDownEvents: Timed[] = [];

  constructor(private readonly spec: HpaSpec) {}

  /**
   * One reconcile at second `now`: the new replica count. `desired` is what the metrics ask for
   * (the largest over metrics), `undefined` when no metric could be computed.
   */
  reconcile(now: number, currentReplicas: number, desired: number | undefined): number {
    const { spec } = this;
    if (currentReplicas === 0) return 0; // scaling is disabled for a workload scaled to zero
    let next: number;
    if (currentReplicas > spec.maxReplicas) next = spec.maxReplicas;
    else if (currentReplicas < spec.minReplicas) next = spec.minReplicas;
    else if (desired === undefined) return currentReplicas;
    else {
      const stabilized = this.stabilize(now, currentReplicas, desired);
      next = this.limitRate(now, currentReplicas, stabilized);
    }
    if (next !== currentReplicas) {
      if (next > currentReplicas) this.scaleUpEvents.push({ t: now, value: next - currentReplicas });
      else this.scaleDownEvents.push({ t: now, value: currentReplicas - next });
    }
    return next;
  }

  private stabilize(now: number, current: number, desired: number): number {
    const upCutoff = now - this.spec.scaleUp.stabilizationWindowSeconds;
    const downCutoff = now - this.spec.scaleDown.stabilizationWindowSeconds;
    let up = desired;
    let down = desired;
    let oldIndex = -1;
    this.recommendations.forEach((r, i) => {
      if (r.t > upCutoff) up = Math.min(r.value, up);
      if (r.t > downCutoff) down = Math.max(r.value, down);
      if (r.t < upCutoff && r.t < downCutoff) oldIndex = i;
    });
    let recommendation = current;
    if (recommendation < up) recommendation = up;
    if (recommendation > down) recommendation = down;
    if (oldIndex >= 0) this.recommendations[oldIndex] = { t: now, value: desired };
    else this.recommendations.push({ t: now, value: desired });
    return recommendation;
  }

  private limitRate(now: number, current: number, desired: number): number {
    const { spec } = this;
    if (desired > current) {
      const limit = Math.max(
        rateLimit("up", now, current, this.scaleUpEvents, this.scaleDownEvents, spec.scaleUp),
        current,
      );
      const maximum = Math.min(spec.maxReplicas, limit);
      if (desired > maximum) return maximum;
    } else if (desired < current) {
      const limit = Math.min(
        rateLimit("down", now, current, this.scaleUpEvents, this.scaleDownEvents, spec.scaleDown),
        current,
      );
      const minimum = Math.max(spec.minReplicas, limit);
      if (desired < minimum) return minimum;
    }
    return Math.min(Math.max(desired, spec.minReplicas), spec.maxReplicas);
  }
}

function changeInPeriod(now: number, periodSeconds: number, events: readonly Timed[]): number {
  const cutoff = now - periodSeconds;
  return events.filter((e) => e.t > cutoff).reduce((a, e) => a + e.value, 0);
}

/**
 * How far the rate policies let one step go (calculateScaleUpLimitWithScalingRules and
 * calculateScaleDownLimitWithBehaviors): each policy proposes a count from the replicas at the start
 * of its period; `Max` takes the largest change, `Min` the smallest, `Disabled` none.
 */
function rateLimit(
  direction: "up" | "down",
  now: number,
  current: number,
  ups: readonly Timed[],
  downs: readonly Timed[],
  rules: ScalingRules,
): number {
  if (rules.selectPolicy === "Disabled") return current;
  const highest = (rules.selectPolicy === "Max") === (direction === "up");
  const pick = highest ? Math.max : Math.min;
  let result = highest ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies) {
    const start =
      current - changeInPeriod(now, p.periodSeconds, ups) + changeInPeriod(now, p.periodSeconds, downs);
    // Up rounds up (or a small percentage would never add a pod); down truncates, as Go's int32(...) does.
    const proposed =
      direction === "up"
        ? p.type === "Pods"
          ? start + p.value
          : Math.ceil(start * (1 + p.value / 100))
        : p.type === "Pods"
          ? start - p.value
          : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

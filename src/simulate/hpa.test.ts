import { describe, expect, it } from "vitest";
import {
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  HpaState,
  type HpaSpec,
  replicasForResource,
  type ScalingRules,
} from "./hpa.js";
import { parseLoadProfile, rpsAt } from "./load-profile.js";
import { simulateHpa } from "./simulate.js";

const pods = (n: number, cpu: number) => ({ ready: Array.from({ length: n }, () => ({ cpu })), unready: 0 });
const spec = (over: Partial<HpaSpec> = {}): HpaSpec => ({
  minReplicas: 1,
  maxReplicas: 100,
  targets: { cpu: 100 },
  scaleUp: DEFAULT_SCALE_UP,
  scaleDown: DEFAULT_SCALE_DOWN,
  ...over,
});

// The examples of https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
describe("replica calculation (replica_calculator.go)", () => {
  it("doubles when the metric is twice the target, halves when it is half", () => {
    // "if the current metric value is 200m, and the desired value is 100m, the number of replicas will be doubled"
    expect(replicasForResource(1, pods(1, 2.0), "cpu", 100)).toBe(2);
    // "if the current value is instead 50m, you'll halve the number of replicas"
    expect(replicasForResource(4, pods(4, 0.5), "cpu", 100)).toBe(2);
  });

  it("skips changes within the 10% tolerance and rounds up outside it", () => {
    expect(replicasForResource(10, pods(10, 0.77), "cpu", 70)).toBe(10); // ratio 1.1: within
    expect(replicasForResource(10, pods(10, 0.78), "cpu", 70)).toBe(12); // ratio 1.114: ceil(11.14)
    expect(replicasForResource(10, pods(10, 0.63), "cpu", 70)).toBe(10); // ratio 0.9: within
    expect(replicasForResource(10, pods(10, 0.62), "cpu", 70)).toBe(9); // ratio 0.886: ceil(8.86)
  });

  it("counts starting pods as idle when scaling up, and never reverses the direction because of them", () => {
    // 2 ready at 150% of a 50% target (ratio 3), 2 starting: (2*1.5)/4 = 0.75 -> ratio 1.5 -> ceil(6)
    expect(replicasForResource(4, { ready: [{ cpu: 1.5 }, { cpu: 1.5 }], unready: 2 }, "cpu", 50)).toBe(6);
    // 1 ready at 110% of 100%, 3 starting: new ratio 0.275 < 1 -> keep the current count
    expect(replicasForResource(4, { ready: [{ cpu: 1.1 }], unready: 3 }, "cpu", 100)).toBe(4);
  });

  it("gives no recommendation without a ready pod", () => {
    expect(replicasForResource(3, { ready: [], unready: 3 }, "cpu", 70)).toBeUndefined();
  });
});

/** The scale-down policies of the HPA documentation's example: 4 pods or 10% per 60 s, no window. */
function documentedScaleDown(selectPolicy: "Max" | "Min"): ScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy,
    policies: [
      { type: "Pods", value: 4, periodSeconds: 60 },
      { type: "Percent", value: 10, periodSeconds: 60 },
    ],
  };
}

describe("behaviors (horizontal.go)", () => {
  it("scales up by the default policies: the larger of 4 pods and 100% per 15 s", () => {
    const hpa = new HpaState(spec());
    const steps = [0, 15, 30, 45].map((t) => ({ t, n: 0 }));
    let current = 1;
    for (const s of steps) {
      current = hpa.reconcile(s.t, current, 1000);
      s.n = current;
    }
    expect(steps.map((s) => s.n)).toEqual([5, 10, 20, 40]);
  });

  it("holds a scale-down for the 300 s stabilization window (the highest recommendation in it wins)", () => {
    const hpa = new HpaState(spec());
    let current = hpa.reconcile(0, 10, 10);
    const seen: number[] = [];
    for (let t = 15; t <= 315; t += 15) {
      current = hpa.reconcile(t, current, 2);
      seen.push(current);
    }
    expect(seen.slice(0, -2).every((n) => n === 10)).toBe(true); // t = 15..285
    expect(seen.at(-2)).toBe(2); // t = 300: the t = 0 recommendation has left the window
  });

  it("limits a scale-down by the documented policies (Pods 4 and Percent 10 per 60 s, the larger change)", () => {
    const hpa = new HpaState(spec({ scaleDown: documentedScaleDown("Max") }));
    let current = 80;
    const seen: number[] = [];
    for (let t = 0; t <= 120; t += 15) {
      current = hpa.reconcile(t, current, 1);
      seen.push(current);
    }
    // 8 pods (10% of 80) at t=0, nothing more inside that minute; at t=60 the first event has left the
    // period and 90% of 72 is truncated to 64 (as Go's int32 conversion does), then 57.
    expect(seen).toEqual([72, 72, 72, 72, 64, 64, 64, 64, 57]);
  });

  it("takes the smaller change with selectPolicy Min, and none with Disabled", () => {
    const min = new HpaState(spec({ scaleDown: documentedScaleDown("Min") }));
    expect(min.reconcile(0, 80, 1)).toBe(76);
    const off = new HpaState(
      spec({ scaleDown: { ...DEFAULT_SCALE_DOWN, stabilizationWindowSeconds: 0, selectPolicy: "Disabled" } }),
    );
    expect(off.reconcile(0, 80, 1)).toBe(80);
  });

  it("keeps the count within min and max, and brings an out-of-range count back at once", () => {
    const hpa = new HpaState(spec({ minReplicas: 2, maxReplicas: 6 }));
    expect(hpa.reconcile(0, 5, 50)).toBe(6);
    expect(new HpaState(spec({ minReplicas: 2, maxReplicas: 6 })).reconcile(0, 1, undefined)).toBe(2);
    expect(new HpaState(spec({ minReplicas: 2, maxReplicas: 6 })).reconcile(0, 9, 9)).toBe(6);
  });
});

describe("simulation", () => {
  it("follows a load step up and back down, waiting for pods to start and for the window", () => {
    const result = simulateHpa({
      hpa: spec({ minReplicas: 2, maxReplicas: 10, targets: { cpu: 70 } }),
      capacityRps: 100,
      startupSeconds: 30,
      podRequests: { cpu: 0.25, memory: 256 * 2 ** 20 },
      profile: [
        { t: 0, rps: 100 },
        { t: 300, rps: 600 },
        { t: 900, rps: 100 },
      ],
    });
    const at = (t: number) => result.points.find((p) => p.t === t);
    expect(at(285)?.replicas).toBe(2);
    // 600 rps on 2 pods is 300% of a 70% target: ratio 4.29 -> ceil(8.57) = 9, capped at 2 + 4 pods = 6
    expect(at(300)?.replicas).toBe(6);
    expect(Math.max(...result.points.map((p) => p.replicas))).toBe(9);
    expect(result.peakReplicas).toBe(9);
    expect(result.peakCpu).toBeCloseTo(2.25);
    expect(result.overloadedSeconds).toBeGreaterThan(0);
    // The load drops at 900; the last high recommendation (t = 885) holds the count for 300 s.
    expect(result.points.filter((p) => p.t >= 900 && p.t < 1185).every((p) => p.replicas === 9)).toBe(true);
    expect(at(1185)?.replicas).toBe(2);
    expect(result.points.at(-1)?.replicas).toBe(2);
  });
});

describe("load profiles", () => {
  it("reads CSV with a header and comments, and holds each value until the next row", () => {
    const { points } = parseLoadProfile("seconds,rps\n0,100 # night\n600, 250\n", "load.csv");
    expect(points).toEqual([
      { t: 0, rps: 100 },
      { t: 600, rps: 250 },
    ]);
    expect(rpsAt(points ?? [], 599)).toBe(100);
    expect(rpsAt(points ?? [], 600)).toBe(250);
  });

  it("names the line of a bad row", () => {
    const { points, diagnostics } = parseLoadProfile("0,100\n60\n120,5\n90,1\n", "load.csv");
    expect(points).toBeUndefined();
    expect(diagnostics.map((d) => d.position?.line)).toEqual([2, 4]);
    expect(diagnostics[1]?.message).toBe("second 90 does not come after 120");
  });
});

import { autoscalerFor } from "../render/horizontal-pod-autoscaler.js";
import type { KubeObject } from "../render/kube-object.js";
import { MAX_SIMULATED_REPLICAS } from "./simulate.js";
import { quantityValue } from "../spec/quantity.js";
import { error, type Diagnostic, warning } from "../spec/diagnostic.js";
import { didYouMean } from "../spec/suggest.js";
import { DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, type HpaSpec, type ScalingRules } from "./hpa.js";
import { asArray, recordOf } from "../spec/plain-data.js";

/** What a simulation needs from the rendered objects of one workload. */
export interface SimulationTarget {
  readonly hpa: HpaSpec;
  /** One pod's requests (the sum over its containers): CPU in cores, memory in bytes. */
  readonly podRequests: { readonly cpu: number; readonly memory: number };
}

function rules(v: unknown, defaults: ScalingRules): ScalingRules {
  const r = recordOf(v);
  const policies = asArray(r.policies).map((p) => ({
    type: recordOf(p).type === "Pods" ? ("Pods" as const) : ("Percent" as const),
    value: Number(recordOf(p).value),
    periodSeconds: Number(recordOf(p).periodSeconds),
  }));
  const select = r.selectPolicy;
  return {
    stabilizationWindowSeconds:
      typeof r.stabilizationWindowSeconds === "number"
        ? r.stabilizationWindowSeconds
        : defaults.stabilizationWindowSeconds,
    selectPolicy:
      select === "Min" || select === "Disabled" || select === "Max" ? select : defaults.selectPolicy,
    policies: policies.length > 0 ? policies : defaults.policies,
  };
}

/** Finds the HPA and the pod requests of a workload among rendered objects. */
export function simulationTarget(
  objects: readonly KubeObject[],
  workload: string,
): { value?: SimulationTarget; diagnostics: Diagnostic[] } {
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const deployment = deployments.find((o) => o.metadata.name === workload);
  if (deployment === undefined)
    return {
      diagnostics: [
        error(
          "simulate/unknown-service",
          [],
          `the spec has no service or worker '${workload}'${didYouMean(
            workload,
            deployments.map((d) => d.metadata.name),
          )}`,
          `choose one of: ${deployments.map((d) => d.metadata.name).join(", ")}`,
        ),
      ],
    };
  const hpa = autoscalerFor(objects, `Deployment/${workload}`);
  if (hpa === undefined)
    return {
      diagnostics: [
        error(
          "simulate/not-autoscaled",
          [],
          `'${workload}' has no HorizontalPodAutoscaler (autoscale is off)`,
          `give it autoscale: { min: 2, max: 10, cpu: 70 } in the spec`,
        ),
      ],
    };
  const spec = recordOf(hpa.spec);
  const targets: Record<string, number> = {};
  for (const m of asArray(spec.metrics)) {
    const r = recordOf(recordOf(m).resource);
    const util = recordOf(r.target).averageUtilization;
    if (recordOf(m).type === "Resource" && typeof r.name === "string" && typeof util === "number")
      targets[r.name] = util;
  }
  if (targets.cpu === undefined)
    return {
      diagnostics: [
        error(
          "simulate/no-cpu-target",
          [],
          `the autoscaler of '${workload}' has no CPU utilization target; the load profile drives CPU only`,
          "set autoscale.cpu in the spec",
        ),
      ],
    };
  if (Number(spec.maxReplicas) > MAX_SIMULATED_REPLICAS)
    return {
      diagnostics: [
        error(
          "simulate/too-many-replicas",
          [],
          `the autoscaler of '${workload}' may run ${String(spec.maxReplicas)} pods; simulate follows at most ${MAX_SIMULATED_REPLICAS}`,
          "simulate with a spec (or --env) whose autoscale.max is lower",
        ),
      ],
    };
  const containers = asArray(recordOf(recordOf(recordOf(deployment.spec).template).spec).containers);
  const sum = (resource: string): number =>
    containers.reduce<number>(
      (a, c) => a + quantityValue(recordOf(recordOf(recordOf(c).resources).requests)[resource] ?? 0),
      0,
    );
  const behavior = recordOf(spec.behavior);
  const vpa = objects.find(
    (o) => o.kind === "VerticalPodAutoscaler" && recordOf(recordOf(o.spec).targetRef).name === workload,
  );
  const mode = recordOf(recordOf(vpa?.spec).updatePolicy).updateMode;
  const notes =
    vpa === undefined || mode === "Off"
      ? []
      : [
          warning(
            "simulate/vertical-not-modelled",
            [],
            `a VerticalPodAutoscaler (${typeof mode === "string" ? mode : "Recreate"}) resizes the pods of '${workload}': vertical scaling is outside this model, which keeps each pod's requests at the spec's`,
            "read the result as horizontal scaling alone; with the VPA in mode Off, the two agree",
          ),
        ];
  return {
    value: {
      hpa: {
        minReplicas: typeof spec.minReplicas === "number" ? spec.minReplicas : 1,
        maxReplicas: Number(spec.maxReplicas),
        targets,
        scaleUp: rules(behavior.scaleUp, DEFAULT_SCALE_UP),
        scaleDown: rules(behavior.scaleDown, DEFAULT_SCALE_DOWN),
      },
      podRequests: { cpu: sum("cpu"), memory: sum("memory") },
    },
    diagnostics: notes,
  };
}

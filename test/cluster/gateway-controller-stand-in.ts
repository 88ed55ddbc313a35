import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { PollingStandIn } from "./polling-stand-in.js";

const run = promisify(execFile);

/** The controller name the stand-in writes into statuses. */
export const STAND_IN_CONTROLLER = "kubeship.io/test-gateway-controller-stand-in";

interface Obj {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly generation?: number };
  readonly spec?: { readonly parentRefs?: readonly Record<string, unknown>[] };
  readonly status?: {
    readonly parents?: readonly unknown[];
    readonly conditions?: readonly { observedGeneration?: number }[];
  };
}

/**
 * A TEST STAND-IN for a gateway controller (none can run here: no data plane, no containers). It does
 * only what the deploy waits for: it accepts a GatewayClass, and writes the status conditions a real
 * controller writes on Gateways (Accepted, Programmed) and routes (Accepted, ResolvedRefs per
 * parent), through the status subresource, as their CRDs define them. Routes named in `refuse` get
 * Accepted False with reason NotAllowedByListeners, as a controller reports a listener that does not
 * take them.
 */
export class GatewayControllerStandIn extends PollingStandIn {
  constructor(
    private readonly kubeconfig: string,
    private readonly namespace: string,
    private readonly refuse: ReadonlySet<string> = new Set(),
  ) {
    super();
  }

  private kubectl(args: string[]): Promise<{ stdout: string }> {
    return run("kubectl", ["--kubeconfig", this.kubeconfig, ...args], { maxBuffer: 1 << 24 });
  }

  /** Creates the GatewayClass and marks it accepted, as its controller would. */
  async acceptClass(name: string): Promise<void> {
    const cls = {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GatewayClass",
      metadata: { name },
      spec: { controllerName: STAND_IN_CONTROLLER },
    };
    execFileSync("kubectl", ["--kubeconfig", this.kubeconfig, "apply", "-f", "-"], {
      input: JSON.stringify(cls),
    });
    await this.patchStatus("gatewayclass", name, undefined, {
      conditions: [condition("Accepted", "True", "Accepted", 1)],
    });
  }

  protected async reconcile(): Promise<void> {
    const { stdout } = await this.kubectl([
      "get",
      "gateways.gateway.networking.k8s.io,httproutes.gateway.networking.k8s.io,grpcroutes.gateway.networking.k8s.io",
      "-n",
      this.namespace,
      "-o",
      "json",
    ]);
    const items = (JSON.parse(stdout) as { items: Obj[] }).items;
    for (const o of items) {
      const generation = o.metadata.generation ?? 1;
      if (o.kind === "Gateway") {
        if (o.status?.conditions?.some((c) => c.observedGeneration === generation) === true) continue;
        await this.patchStatus("gateway", o.metadata.name, this.namespace, {
          conditions: [
            condition("Accepted", "True", "Accepted", generation),
            condition("Programmed", "True", "Programmed", generation),
          ],
        });
        continue;
      }
      const parents = o.spec?.parentRefs ?? [];
      const seen = JSON.stringify(o.status?.parents ?? []).includes(`"observedGeneration":${generation}`);
      if (seen) continue;
      const refused = this.refuse.has(o.metadata.name);
      await this.patchStatus(
        o.kind === "HTTPRoute" ? "httproute" : "grpcroute",
        o.metadata.name,
        this.namespace,
        {
          parents: parents.map((parentRef) => ({
            parentRef,
            controllerName: STAND_IN_CONTROLLER,
            conditions: [
              refused
                ? condition(
                    "Accepted",
                    "False",
                    "NotAllowedByListeners",
                    generation,
                    "no listener of the Gateway allows this route",
                  )
                : condition("Accepted", "True", "Accepted", generation),
              condition("ResolvedRefs", "True", "ResolvedRefs", generation),
            ],
          })),
        },
      );
    }
  }

  private async patchStatus(
    resource: string,
    name: string,
    namespace: string | undefined,
    status: unknown,
  ): Promise<void> {
    await this.kubectl([
      "patch",
      `${resource}.gateway.networking.k8s.io`,
      name,
      ...(namespace === undefined ? [] : ["-n", namespace]),
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status }),
    ]);
  }
}

function condition(type: string, status: string, reason: string, generation: number, message = "") {
  return {
    type,
    status,
    reason,
    message,
    observedGeneration: generation,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

/**
 * Whether a deploy can wait for its Gateway API objects: a route's Accepted and ResolvedRefs
 * conditions come from the controller of its Gateway's class, so the wait is worth it only when that
 * controller is there (the GatewayClass exists and is accepted). Otherwise the routes are applied
 * and the deploy says, once, why it did not wait for them.
 */
import type { AppModel } from "../model/app-model.js";
import { GATEWAY_API_VERSION, GATEWAY_KINDS } from "../render/gateway-routes.js";
import type { KubeObject } from "../render/kube-object.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";
import { ClusterError } from "./kube/errors.js";
import { conditionTrue } from "./readiness.js";
import type { AppliedObject } from "./wait.js";

export interface GatewayJudgement {
  /** Whether the deploy waits for this Gateway API object. */
  readonly waits: (o: AppliedObject) => boolean;
  /** Why it does not wait, when it does not. */
  readonly note?: string;
}

const NO_GATEWAY_OBJECTS: GatewayJudgement = { waits: () => true };

/** Finds the GatewayClass behind the deploy's routes and whether its controller accepted it. */
export async function judgeGatewayControllers(
  cluster: Cluster,
  model: AppModel,
  objects: readonly KubeObject[],
): Promise<GatewayJudgement> {
  const gw = model.ingress.gateway;
  if (gw === undefined || !objects.some((o) => GATEWAY_KINDS.has(o.kind))) return NO_GATEWAY_OBJECTS;
  // A Gateway kubeship writes in another namespace is outside the deploy's watches: not waited for.
  const waitsFor = (o: AppliedObject): boolean => o.kind !== "Gateway" || gw.namespace === model.namespace;
  const skip = (note: string): GatewayJudgement => ({ waits: (o) => !GATEWAY_KINDS.has(o.kind), note });
  try {
    let className: string | undefined;
    if (gw.create !== undefined) className = gw.create.className;
    else {
      const live = await cluster.get({
        apiVersion: GATEWAY_API_VERSION,
        kind: "Gateway",
        name: gw.name,
        namespace: gw.namespace,
      });
      if (live === undefined)
        return skip(
          `Gateway ${gw.namespace}/${gw.name} does not exist: the routes are applied, and no gateway serves them until it does`,
        );
      className = gatewayClassNameOf(live);
    }
    if (className === undefined)
      return skip("the Gateway names no GatewayClass: its routes are not waited for");
    const cls = await cluster.get({ apiVersion: GATEWAY_API_VERSION, kind: "GatewayClass", name: className });
    if (cls === undefined)
      return skip(
        `GatewayClass ${className} does not exist, so no gateway controller will accept the routes: they are applied, not waited for (install the implementation, or name its class)`,
      );
    if (!conditionTrue(cls, "Accepted"))
      return skip(
        `GatewayClass ${className} is not accepted by a controller (${controllerNameOf(cls)}): the routes are applied, not waited for`,
      );
    return { waits: waitsFor };
  } catch (e) {
    if (e instanceof ClusterError && (e.status === 403 || e.status === 404))
      return skip(
        `cannot read the Gateway and its GatewayClass (${e.message}): the routes are applied, not waited for`,
      );
    throw e;
  }
}

/** The controller a GatewayClass names. */
export function controllerNameOf(cls: LiveObject): string {
  const name = (cls["spec"] as { controllerName?: unknown } | undefined)?.controllerName;
  return typeof name === "string" ? name : "?";
}

/** The GatewayClass a live Gateway names. */
export function gatewayClassNameOf(gateway: LiveObject): string | undefined {
  const name = (gateway["spec"] as { gatewayClassName?: unknown } | undefined)?.gatewayClassName;
  return typeof name === "string" ? name : undefined;
}

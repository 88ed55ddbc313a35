/**
 * `kubeship doctor` for `ingress.api: gateway`: the Gateway API CRDs the routes need, the GatewayClass
 * and whether a controller accepted it, and the Gateway the routes attach to (with its listener).
 */
import type { AppModel } from "../model/app-model.js";
import { GATEWAY_API_VERSION } from "../render/gateway-routes.js";
import type { KubeObject } from "../render/kube-object.js";
import type { DoctorCheck } from "./doctor-check.js";
import { controllerNameOf, gatewayClassNameOf } from "./gateway.js";
import type { Cluster } from "./kube/cluster.js";
import { conditionTrue } from "./readiness.js";

const INSTALL_CRDS =
  "install Gateway API's standard CRDs (kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml), or the implementation's chart that ships them";

export async function gatewayChecks(
  cluster: Cluster,
  model: AppModel,
  objects: readonly KubeObject[],
): Promise<DoctorCheck[]> {
  const gw = model.ingress.gateway;
  if (gw === undefined) return [];
  const kinds = [...new Set(objects.filter((o) => o.apiVersion === GATEWAY_API_VERSION).map((o) => o.kind))];
  if (kinds.length === 0) return [];
  const missing: string[] = [];
  for (const kind of [...new Set(["Gateway", "GatewayClass", ...kinds])].sort())
    if (!(await cluster.serves(GATEWAY_API_VERSION, kind))) missing.push(kind);
  if (missing.length > 0)
    return [
      {
        name: "Gateway API",
        status: "fail",
        detail: `the cluster does not serve ${GATEWAY_API_VERSION} ${missing.join(", ")}: the routes cannot be applied`,
        fix: INSTALL_CRDS,
      },
    ];
  const checks: DoctorCheck[] = [
    { name: "Gateway API", status: "ok", detail: `serves ${kinds.sort().join(", ")}` },
  ];

  let className = gw.create?.className;
  if (gw.create === undefined) {
    const live = await cluster.get({
      apiVersion: GATEWAY_API_VERSION,
      kind: "Gateway",
      name: gw.name,
      namespace: gw.namespace,
    });
    if (live === undefined) {
      const others = await cluster.list(GATEWAY_API_VERSION, "Gateway", undefined);
      checks.push({
        name: "Gateway",
        status: "fail",
        detail: `no Gateway ${gw.namespace}/${gw.name}: the routes attach to nothing`,
        fix:
          others.length > 0
            ? `set ingress.gateway to one of: ${others.map((g) => `${g.metadata.namespace ?? ""}/${g.metadata.name}`).join(", ")}`
            : "create the Gateway, or let kubeship write one (ingress.gateway.create: { className })",
      });
      return checks;
    }
    className = gatewayClassNameOf(live);
    const spec = (live["spec"] ?? {}) as { listeners?: { name?: unknown }[] };
    const listeners = (spec.listeners ?? []).map((l) => String(l.name));
    if (gw.sectionName !== undefined && !listeners.includes(gw.sectionName))
      checks.push({
        name: "Gateway",
        status: "fail",
        detail: `Gateway ${gw.namespace}/${gw.name} has no listener ${gw.sectionName}`,
        fix: `set ingress.gateway.sectionName to one of: ${listeners.join(", ")}`,
      });
    else
      checks.push({
        name: "Gateway",
        status: "ok",
        detail: `${gw.namespace}/${gw.name} (listeners ${listeners.join(", ")})`,
      });
  }
  if (className === undefined) return checks;
  const cls = await cluster.get({ apiVersion: GATEWAY_API_VERSION, kind: "GatewayClass", name: className });
  const controller = cls === undefined ? "?" : controllerNameOf(cls);
  if (cls === undefined) {
    const all = await cluster.list(GATEWAY_API_VERSION, "GatewayClass", undefined);
    checks.push({
      name: "GatewayClass",
      status: "fail",
      detail: `no GatewayClass ${className}: no controller will program the Gateway or accept the routes`,
      fix:
        all.length > 0
          ? `use one of: ${all.map((c) => c.metadata.name).join(", ")} (ingress.gateway.create.className)`
          : "install a Gateway API implementation (Envoy Gateway, Istio, Cilium, NGINX Gateway Fabric, kgateway ...)",
    });
  } else if (!conditionTrue(cls, "Accepted"))
    checks.push({
      name: "GatewayClass",
      status: "fail",
      detail: `GatewayClass ${className} is not accepted by its controller ${controller}: the controller is not running, or refuses it`,
      fix: `check the controller ${controller} (its pods and logs) and the class's status conditions`,
    });
  else checks.push({ name: "GatewayClass", status: "ok", detail: `${className} accepted by ${controller}` });
  return checks;
}

import type { DocPath } from "../../spec/diagnostic.js";
import { validateLabels } from "./meta.js";
import {
  arr,
  dns1123SubdomainErrors,
  qualifiedNameErrors,
  type Obj,
  rec,
  type Refusals,
  shown,
  str,
} from "./support.js";

/** Fields whose values the API server limits to a set, wherever they appear in an object. */
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  imagePullPolicy: ["Always", "IfNotPresent", "Never"],
  terminationMessagePolicy: ["File", "FallbackToLogsOnError"],
  dnsPolicy: ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
  preemptionPolicy: ["Never", "PreemptLowerPriority"],
  sessionAffinity: ["ClientIP", "None"],
  externalTrafficPolicy: ["Cluster", "Local"],
  internalTrafficPolicy: ["Cluster", "Local"],
  ipFamilyPolicy: ["SingleStack", "PreferDualStack", "RequireDualStack"],
  pathType: ["Exact", "Prefix", "ImplementationSpecific"],
  whenUnsatisfiable: ["DoNotSchedule", "ScheduleAnyway"],
  fsGroupChangePolicy: ["OnRootMismatch", "Always"],
  selectPolicy: ["Max", "Min", "Disabled"],
  operator: ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Equal"],
  effect: ["NoSchedule", "PreferNoSchedule", "NoExecute", ""],
  volumeMode: ["Block", "Filesystem"],
  mountPropagation: ["None", "HostToContainer", "Bidirectional"],
};

/** Enums whose field name also means other things: only where their parent says so. */
function enumAt(path: DocPath, key: string): readonly string[] | undefined {
  const parent = String(path[path.length - 1] ?? "");
  if (key === "type" && parent === "seccompProfile") return ["Localhost", "RuntimeDefault", "Unconfined"];
  if (key === "type" && parent === "appArmorProfile") return ["Localhost", "RuntimeDefault", "Unconfined"];
  if (key === "protocol") return ["TCP", "UDP", "SCTP"];
  if (key === "operator" && (parent === "matchExpressions" || typeof path[path.length - 1] === "number")) {
    const grand = String(path[path.length - 2] ?? "");
    if (grand === "tolerations") return ["Exists", "Equal"];
    if (grand === "matchExpressions") {
      const owner = String(path[path.length - 4] ?? "");
      return owner === "nodeSelectorTerms" || owner === "preference"
        ? ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
        : ["In", "NotIn", "Exists", "DoesNotExist"];
    }
    return undefined;
  }
  if (key === "operator" || key === "effect") return undefined;
  return ENUMS[key];
}

/** Integer fields of 64 bits; every other integer of a built-in kind is an int32. */
const INT64_FIELDS = new Set([
  "activeDeadlineSeconds",
  "terminationGracePeriodSeconds",
  "runAsUser",
  "runAsGroup",
  "fsGroup",
  "supplementalGroups",
  "startingDeadlineSeconds",
  "tolerationSeconds",
  "expirationSeconds",
  "gracePeriodSeconds",
  "deletionGracePeriodSeconds",
  "generation",
  "observedGeneration",
]);
const INT32_MAX = 2147483647;
const NONE: readonly number[] = [];

/** The field paths a downward-API env var may read (validateEnvVarValueFrom's fieldRef list). */
const ENV_FIELD_PATHS = new Set([
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
]);

/** A peer of a NetworkPolicy rule names what it allows. */
function checkPeer(r: Refusals, peer: unknown, path: DocPath): void {
  const p = rec(peer) ?? {};
  const kinds = ["podSelector", "namespaceSelector", "ipBlock"].filter(
    (k) => p[k] !== undefined && p[k] !== null,
  );
  if (kinds.length === 0) r.required(path, "must specify a peer");
  if (p["ipBlock"] !== undefined && kinds.length > 1)
    r.add(path, "Forbidden: may not specify both ipBlock and another peer");
}

/**
 * The checks that apply wherever a field appears: enums, label selectors (`matchLabels`, a Service's
 * `selector`, `nodeSelector`), references by name to Secrets and ConfigMaps, topology keys.
 */
export function validateEverywhere(r: Refusals, root: unknown, rootPath: DocPath, kind: string): void {
  // A stack, not recursion: a hostile manifest may nest thousands of levels deep.
  const stack: [unknown, DocPath][] = [[root, rootPath]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [value, path] = item;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], [...path, i]]);
      continue;
    }
    const o = rec(value);
    if (o !== undefined) visit(r, o, path, kind, stack);
  }
}

function visit(r: Refusals, o: Obj, path: DocPath, kind: string, stack: [unknown, DocPath][]): void {
  for (const k in o) {
    const v = o[k];
    // The path is made only when something is reported or walked into: most fields are leaves.
    const here = (): DocPath => [...path, k];
    const ints =
      typeof v === "number"
        ? [v]
        : k === "supplementalGroups"
          ? arr(v).filter((x) => typeof x === "number")
          : NONE;
    for (const n of ints)
      if (Number.isInteger(n) && !INT64_FIELDS.has(k) && (n > INT32_MAX || n < -INT32_MAX - 1))
        r.add(here(), `cannot unmarshal number ${String(n)} into Go struct field ${k} of type int32`);
      else if (
        ["runAsUser", "runAsGroup", "fsGroup", "supplementalGroups"].includes(k) &&
        (n < 0 || n > INT32_MAX)
      )
        r.invalid(here(), n, ["must be between 0 and 2147483647, inclusive"]);
    if (
      k === "fieldPath" &&
      path[path.length - 1] === "fieldRef" &&
      path[path.length - 2] === "valueFrom" &&
      typeof v === "string"
    ) {
      const subscripted = /^metadata\.(labels|annotations)\['[^']+'\]$/.test(v);
      if (!ENV_FIELD_PATHS.has(v) && !subscripted)
        r.invalid(here(), v, [`error converting fieldPath: field label not supported: ${v}`]);
    }
    if (k === "envFrom")
      for (const [i, e] of arr(v).entries()) {
        const src = rec(e) ?? {};
        const refs = ["configMapRef", "secretRef"].filter((x) => src[x] !== undefined && src[x] !== null);
        if (refs.length === 0) r.invalid(here(), "", ["must specify one of: `configMapRef` or `secretRef`"]);
        for (const ref of refs)
          if ((str(rec(src[ref])?.["name"]) ?? "") === "") r.required([...here(), i, ref, "name"]);
      }
    if (k === "securityContext" && rec(v) !== undefined && path[path.length - 2] !== "template") {
      const sc = rec(v) ?? {};
      if (sc["allowPrivilegeEscalation"] === false && sc["privileged"] === true)
        r.invalid(here(), v, ["cannot set `allowPrivilegeEscalation` to false and `privileged` to true"]);
      const added = arr(rec(sc["capabilities"])?.["add"]).map(String);
      if (
        sc["allowPrivilegeEscalation"] === false &&
        (added.includes("SYS_ADMIN") || added.includes("CAP_SYS_ADMIN"))
      )
        r.invalid(here(), v, [
          "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
        ]);
    }
    // An empty string is Go's zero value: the server defaults it before it validates.
    // (NetworkPolicy ports keep a pointer: there "" stays "" and is refused.)
    const zero = v === "" && !(kind === "NetworkPolicy" && k === "protocol");
    const allowed = typeof v === "string" && !zero ? enumAt(path, k) : undefined;
    if (allowed !== undefined && typeof v === "string" && !allowed.includes(v))
      r.add(
        here(),
        `Unsupported value: ${shown(v)}: supported values: ${allowed.map((x) => shown(x)).join(", ")}`,
      );
    if (
      k === "matchLabels" ||
      k === "nodeSelector" ||
      (k === "selector" && kind === "Service" && path.length === 1)
    )
      validateLabels(r, v, here());
    else if (k === "matchExpressions")
      for (const [i, e] of arr(v).entries()) {
        const key = str(rec(e)?.["key"]);
        if (key !== undefined) r.invalid([...here(), i, "key"], key, qualifiedNameErrors(key));
      }
    else if (
      k === "topologyKey" &&
      typeof v === "string" &&
      path[path.length - 1] !== undefined &&
      String(path[path.length - 2]) !== "topologySpreadConstraints"
    ) {
      if (v === "") r.required(here(), "can not be empty");
      else r.invalid(here(), v, qualifiedNameErrors(v));
    } else if (
      (k === "secretKeyRef" || k === "configMapKeyRef" || k === "secretRef" || k === "configMapRef") &&
      rec(v) !== undefined
    ) {
      const name = str(rec(v)?.["name"]);
      if (name !== undefined && name !== "")
        r.invalid([...here(), "name"], name, dns1123SubdomainErrors(name));
    }
    // (Volumes' secretName and configMap name are not checked for a format by the server.)
    if (kind === "NetworkPolicy" && (k === "from" || k === "to") && Array.isArray(v))
      v.forEach((peer, i) => {
        checkPeer(r, peer, [...here(), i]);
      });
    if (v !== null && typeof v === "object") stack.push([v, here()]);
  }
}

import type { DocPath } from "../../spec/diagnostic.js";
import { validateLabels } from "./meta.js";
import {
  arr,
  dns1123SubdomainErrors,
  qualifiedNameErrors,
  type Obj,
  rec,
  type Refusals,
  keyAbove,
  pathAt,
  Step,
  sub,
  type Where,
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
function enumAt(at: Where, key: string): readonly string[] | undefined {
  const parentKey = keyAbove(at, 1);
  const parent = String(parentKey ?? "");
  if (key === "type" && parent === "seccompProfile") return ["Localhost", "RuntimeDefault", "Unconfined"];
  if (key === "type" && parent === "appArmorProfile") return ["Localhost", "RuntimeDefault", "Unconfined"];
  if (key === "operator" && (parent === "matchExpressions" || typeof parentKey === "number")) {
    const grand = String(keyAbove(at, 2) ?? "");
    if (grand === "tolerations") return ["Exists", "Equal"];
    if (grand === "matchExpressions") {
      const owner = String(keyAbove(at, 4) ?? "");
      return owner === "nodeSelectorTerms" || owner === "preference"
        ? ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
        : ["In", "NotIn", "Exists", "DoesNotExist"];
    }
    return undefined;
  }
  if (key === "operator" || key === "effect") return undefined;
  return ENUMS[key];
}

/**
 * Protocols, in the order the server lists them: sorted (sets.List) for pods' and Services' ports, as
 * written for a NetworkPolicy's. Checked here only, wherever a port has one.
 */
const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const POLICY_PROTOCOLS = ["TCP", "UDP", "SCTP"];

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
function checkPeer(r: Refusals, peer: unknown, path: Where): void {
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
export function validateEverywhere(r: Refusals, root: unknown, rootKey: string, kind: string): void {
  // A stack, not recursion: a hostile manifest may nest thousands of levels deep.
  const stack: Place[] = [new Place(ROOT, rootKey, root)];
  for (let place = stack.pop(); place !== undefined; place = stack.pop()) {
    const value = place.value;
    if (Array.isArray(value)) {
      // Only objects and arrays hold what the checks look at: a list of strings is passed by.
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (item !== null && typeof item === "object") stack.push(new Place(place, i, item));
      }
      continue;
    }
    const o = rec(value);
    if (o !== undefined) visit(r, o, place, kind, stack);
  }
}

const ROOT: DocPath = [];

/**
 * Where the walk is: a step below the object's root (its path, made only when something is
 * reported: this walk sees every field of every object lint reads), and the value there.
 */
class Place extends Step {
  constructor(
    up: Where,
    key: string | number,
    readonly value: unknown,
  ) {
    super(up, key);
  }
}

/** String fields some check looks at; every other string is passed by. */
const STRING_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(ENUMS),
  "type",
  "protocol",
  "fieldPath",
  "topologyKey",
]);
/** Object and array fields some check looks at (all of them are walked into either way). */
const OBJECT_KEYS: ReadonlySet<string> = new Set([
  "envFrom",
  "securityContext",
  "matchLabels",
  "nodeSelector",
  "selector",
  "matchExpressions",
  "secretKeyRef",
  "configMapKeyRef",
  "secretRef",
  "configMapRef",
  "from",
  "to",
  "supplementalGroups",
]);
/** Enum fields held by pointer in the API types: an empty string is not defaulted, it is refused. */
const POINTER_ENUMS: ReadonlySet<string> = new Set(["fsGroupChangePolicy", "pathType"]);
const UNSIGNED_IDS: ReadonlySet<string> = new Set([
  "runAsUser",
  "runAsGroup",
  "fsGroup",
  "supplementalGroups",
]);

/**
 * Maps whose keys are the user's, not field names (labels, annotations, a ConfigMap's data, resource
 * quantities): a key `protocol` or `type` there is no enum, and a number no int32. Their own checks
 * (label maps, quantities) are made where they are named; the walk does not go into them.
 */
export const FREE_FORM: ReadonlySet<string> = new Set([
  "labels",
  "annotations",
  "matchLabels",
  "nodeSelector",
  "data",
  "stringData",
  "binaryData",
  "requests",
  "limits",
  "volumeAttributes",
]);

function visit(r: Refusals, o: Obj, place: Place, kind: string, stack: Place[]): void {
  for (const k in o) {
    const v = o[k];
    if (typeof v === "number") {
      if (numberRefused(k, v)) checkNumber(r, place, k, v);
    } else if (typeof v === "string") {
      if (STRING_KEYS.has(k)) checkString(r, place, k, v, kind);
    } else if (v !== null && typeof v === "object") {
      if (OBJECT_KEYS.has(k)) checkObject(r, place, k, v, kind);
      if (!FREE_FORM.has(k) && !(k === "selector" && kind === "Service" && place.up === ROOT))
        stack.push(new Place(place, k, v));
    }
  }
}

/** Whether `checkNumber` has something to say (the common case, a number that passes, costs no path). */
function numberRefused(k: string, n: number): boolean {
  return (
    (Number.isInteger(n) && !INT64_FIELDS.has(k) && (n > INT32_MAX || n < -INT32_MAX - 1)) ||
    (UNSIGNED_IDS.has(k) && (n < 0 || n > INT32_MAX))
  );
}

function checkNumber(r: Refusals, path: Where, k: string, n: number): void {
  if (Number.isInteger(n) && !INT64_FIELDS.has(k) && (n > INT32_MAX || n < -INT32_MAX - 1))
    r.add(sub(path, k), `cannot unmarshal number ${String(n)} into Go struct field ${k} of type int32`);
  else if (UNSIGNED_IDS.has(k) && (n < 0 || n > INT32_MAX))
    r.invalid(sub(path, k), n, ["must be between 0 and 2147483647, inclusive"]);
}

function checkString(r: Refusals, path: Where, k: string, v: string, kind: string): void {
  if (k === "fieldPath" && keyAbove(path, 1) === "fieldRef" && keyAbove(path, 2) === "valueFrom") {
    const subscripted = /^metadata\.(labels|annotations)\['[^']+'\]$/.test(v);
    if (!ENV_FIELD_PATHS.has(v) && !subscripted)
      r.invalid(sub(path, k), v, [`error converting fieldPath: field label not supported: ${v}`]);
    return;
  }
  if (k === "topologyKey") {
    if (String(keyAbove(path, 2)) === "topologySpreadConstraints") return;
    if (v === "") r.required(sub(path, k), "can not be empty");
    else r.invalid(sub(path, k), v, qualifiedNameErrors(v));
    return;
  }
  // An empty string is Go's zero value: the server defaults it before it validates.
  // (NetworkPolicy ports keep a pointer: there "" stays "" and is refused.)
  if (v === "" && !(kind === "NetworkPolicy" && k === "protocol") && !POINTER_ENUMS.has(k)) return;
  const allowed =
    k === "protocol" ? (kind === "NetworkPolicy" ? POLICY_PROTOCOLS : PROTOCOLS) : enumAt(path, k);
  if (allowed !== undefined && !allowed.includes(v))
    r.add(
      sub(path, k),
      `Unsupported value: ${shown(v)}: supported values: ${allowed.map((x) => shown(x)).join(", ")}`,
    );
}

function checkObject(r: Refusals, path: Where, k: string, v: object, kind: string): void {
  const at = sub(path, k);
  if (k === "supplementalGroups") {
    for (const n of arr(v)) if (typeof n === "number") checkNumber(r, path, k, n);
  } else if (k === "envFrom")
    for (const [i, e] of arr(v).entries()) {
      const src = rec(e) ?? {};
      const refs = ["configMapRef", "secretRef"].filter((x) => src[x] !== undefined && src[x] !== null);
      if (refs.length === 0) r.invalid(at, "", ["must specify one of: `configMapRef` or `secretRef`"]);
      for (const ref of refs)
        if ((str(rec(src[ref])?.["name"]) ?? "") === "") r.required(sub(at, i, ref, "name"));
    }
  else if (k === "securityContext" && keyAbove(path, 2) !== "template") {
    const sc = rec(v) ?? {};
    if (sc["allowPrivilegeEscalation"] === false && sc["privileged"] === true)
      r.invalid(at, v, ["cannot set `allowPrivilegeEscalation` to false and `privileged` to true"]);
    const added = arr(rec(sc["capabilities"])?.["add"]).map(String);
    if (
      sc["allowPrivilegeEscalation"] === false &&
      (added.includes("SYS_ADMIN") || added.includes("CAP_SYS_ADMIN"))
    )
      r.invalid(at, v, [
        "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
      ]);
  } else if (
    k === "matchLabels" ||
    k === "nodeSelector" ||
    (k === "selector" && kind === "Service" && pathAt(path).length === 1)
  )
    validateLabels(r, v, at);
  else if (k === "matchExpressions")
    for (const [i, e] of arr(v).entries()) {
      const key = str(rec(e)?.["key"]);
      if (key !== undefined) r.invalid(sub(at, i, "key"), key, qualifiedNameErrors(key));
    }
  else if (k === "secretKeyRef" || k === "configMapKeyRef") {
    // (Volumes' secretName and configMap name are not checked for a format by the server.)
    const name = str(rec(v)?.["name"]);
    if (name !== undefined && name !== "") r.invalid(sub(at, "name"), name, dns1123SubdomainErrors(name));
  } else if ((k === "secretRef" || k === "configMapRef") && keyAbove(path, 2) === "envFrom") {
    // An envFrom source's name is checked as a prefix (ValidateConfigMapName(name, true)): a
    // trailing dash passes, since something may follow it (apimachinery's maskTrailingDash).
    const name = str(rec(v)?.["name"]);
    if (name !== undefined && name !== "")
      r.invalid(sub(at, "name"), name, dns1123SubdomainErrors(maskTrailingDash(name)));
  } else if (kind === "NetworkPolicy" && (k === "from" || k === "to") && Array.isArray(v))
    v.forEach((peer, i) => {
      checkPeer(r, peer, sub(at, i));
    });
}

/**
 * A name checked as a prefix (apimachinery's maskTrailingDash, to the letter: a trailing dash and the
 * character before it become one `a`).
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}

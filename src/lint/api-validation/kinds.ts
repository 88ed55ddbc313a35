import { cronProblem } from "../../spec/cron.js";
import { quantityValue } from "../../spec/quantity.js";
import { validatePodTemplate, validatePortRef } from "./pod.js";
import {
  arr,
  configMapKeyErrors,
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  num,
  type Obj,
  pathSegmentErrors,
  portNumErrors,
  qualifiedNameErrors,
  rec,
  type Refusals,
  sub,
  type Where,
  shown,
  str,
} from "./support.js";

const ALWAYS = ["Always"];

/** An IPv4 or IPv6 address (netip.ParseAddr, without zones). */
function isIp(s: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s))
    return s.split(".").every((p) => Number(p) <= 255 && (p === "0" || !p.startsWith("0")));
  return s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s) && (s.match(/::/g) ?? []).length <= 1;
}
const JOB_POLICIES = ["OnFailure", "Never"];
const INT_OR_PERCENT = /^(\d+)%$/;

/** Whether a label selector's matchLabels and matchExpressions select these labels. */
function selects(selector: Obj, labels: Obj): boolean {
  for (const [k, v] of Object.entries(rec(selector["matchLabels"]) ?? {})) if (labels[k] !== v) return false;
  for (const e of arr(selector["matchExpressions"])) {
    const x = rec(e) ?? {};
    const key = str(x["key"]) ?? "";
    const values = arr(x["values"]).map(String);
    const have = labels[key];
    const op = str(x["operator"]);
    if (op === "In" && !(typeof have === "string" && values.includes(have))) return false;
    if (op === "NotIn" && typeof have === "string" && values.includes(have)) return false;
    if (op === "Exists" && have === undefined) return false;
    if (op === "DoesNotExist" && have !== undefined) return false;
  }
  return true;
}

function validateSelector(r: Refusals, s: unknown, path: Where): Obj | undefined {
  const selector = rec(s);
  // Missing: the schema rule reports it. (Its matchLabels are checked wherever they are: generic.ts.)
  if (selector === undefined) return undefined;
  for (const [i, e] of arr(selector["matchExpressions"]).entries()) {
    const x = rec(e) ?? {};
    const op = str(x["operator"]) ?? "";
    const values = arr(x["values"]);
    if ((op === "In" || op === "NotIn") && values.length === 0)
      r.required(
        sub(path, "matchExpressions", i, "values"),
        "must be specified when `operator` is 'In' or 'NotIn'",
      );
    if ((op === "Exists" || op === "DoesNotExist") && values.length > 0)
      r.add(
        sub(path, "matchExpressions", i, "values"),
        "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      );
  }
  if (
    Object.keys(rec(selector["matchLabels"]) ?? {}).length === 0 &&
    arr(selector["matchExpressions"]).length === 0
  )
    r.invalid(path, "", ["empty selector is invalid for deployment"]);
  return selector;
}

/** A workload's selector that must select its pod template's labels. */
function validateSelectedTemplate(r: Refusals, spec: Obj, path: Where): void {
  const selector = validateSelector(r, spec["selector"], sub(path, "selector"));
  const labels = rec(rec(rec(spec["template"])?.["metadata"])?.["labels"]) ?? {};
  if (selector !== undefined && !selects(selector, labels))
    r.invalid(sub(path, "template", "metadata", "labels"), labels, [
      "`selector` does not match template `labels`",
    ]);
}

function nonNegative(r: Refusals, spec: Obj, path: Where, fields: readonly string[]): void {
  for (const f of fields) {
    const n = num(spec[f]);
    if (n !== undefined && n < 0) r.invalid(sub(path, f), n, ["must be greater than or equal to 0"]);
  }
}

/** An int-or-percent value: its number, and whether it is a percentage. */
function intOrPercent(r: Refusals, v: unknown, path: Where): { n: number; percent: boolean } | undefined {
  if (typeof v === "number") {
    if (v < 0) r.invalid(path, v, ["must be greater than or equal to 0"]);
    return { n: v, percent: false };
  }
  if (typeof v === "string") {
    const m = INT_OR_PERCENT.exec(v);
    if (m === null) {
      r.invalid(path, v, [
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ]);
      return undefined;
    }
    return { n: Number(m[1]), percent: true };
  }
  return undefined;
}

function validateDeployment(r: Refusals, spec: Obj): void {
  const path = ["spec"];
  validateSelectedTemplate(r, spec, path);
  nonNegative(r, spec, path, ["replicas", "minReadySeconds", "revisionHistoryLimit"]);
  validatePodTemplate(r, spec["template"], sub(path, "template"), ALWAYS);
  const strategy = rec(spec["strategy"]) ?? {};
  // An empty type is Go's zero value, defaulted to RollingUpdate.
  const type = str(strategy["type"]) || "RollingUpdate";
  const rolling = rec(strategy["rollingUpdate"]);
  if (type !== "Recreate" && type !== "RollingUpdate")
    r.add(
      sub(path, "strategy"),
      `Unsupported value: ${shown(type)}: supported values: "Recreate", "RollingUpdate"`,
    );
  if (type === "Recreate" && rolling !== undefined)
    r.add(
      sub(path, "strategy", "rollingUpdate"),
      "Forbidden: may not be specified when strategy `type` is 'Recreate'",
    );
  if (type === "RollingUpdate" && rolling !== undefined) {
    const at = sub(path, "strategy", "rollingUpdate");
    const unavailable = intOrPercent(r, rolling["maxUnavailable"], sub(at, "maxUnavailable"));
    const surge = intOrPercent(r, rolling["maxSurge"], sub(at, "maxSurge"));
    if (unavailable?.percent === true && unavailable.n > 100)
      r.invalid(sub(at, "maxUnavailable"), rolling["maxUnavailable"], ["must not be greater than 100%"]);
    if (unavailable !== undefined && surge !== undefined && unavailable.n === 0 && surge.n === 0)
      r.invalid(sub(at, "maxUnavailable"), rolling["maxUnavailable"], ["may not be 0 when `maxSurge` is 0"]);
  }
  const deadline = num(spec["progressDeadlineSeconds"]);
  const ready = num(spec["minReadySeconds"]) ?? 0;
  if (deadline !== undefined && deadline <= ready)
    r.invalid(sub(path, "progressDeadlineSeconds"), deadline, ["must be greater than minReadySeconds"]);
}

function validateStatefulSet(r: Refusals, spec: Obj): void {
  const path = ["spec"];
  validateSelectedTemplate(r, spec, path);
  nonNegative(r, spec, path, ["replicas", "minReadySeconds", "revisionHistoryLimit"]);
  // A volume claim template's name is a volume the pods may mount.
  const claims = arr(spec["volumeClaimTemplates"]).flatMap(
    (t) => str(rec(rec(t)?.["metadata"])?.["name"]) ?? [],
  );
  validatePodTemplate(r, spec["template"], sub(path, "template"), ALWAYS, claims);
  const service = str(spec["serviceName"]);
  if (service !== undefined && service !== "")
    r.invalid(sub(path, "serviceName"), service, dns1123LabelErrors(service));
  const retention = rec(spec["persistentVolumeClaimRetentionPolicy"]) ?? {};
  for (const f of ["whenDeleted", "whenScaled"]) {
    const v = str(retention[f]);
    if (v !== undefined && v !== "" && v !== "Retain" && v !== "Delete")
      r.add(
        sub(path, "persistentVolumeClaimRetentionPolicy", f),
        `Unsupported value: ${shown(v)}: supported values: "Retain", "Delete"`,
      );
  }
  const policy = str(spec["podManagementPolicy"]);
  if (policy !== undefined && policy !== "OrderedReady" && policy !== "Parallel")
    r.add(
      sub(path, "podManagementPolicy"),
      `Unsupported value: ${shown(policy)}: supported values: "OrderedReady", "Parallel"`,
    );
  const type = str(rec(spec["updateStrategy"])?.["type"]);
  if (type !== undefined && type !== "" && type !== "RollingUpdate" && type !== "OnDelete")
    r.add(
      sub(path, "updateStrategy", "type"),
      `Unsupported value: ${shown(type)}: supported values: "OnDelete", "RollingUpdate"`,
    );
  for (const [i, t] of arr(spec["volumeClaimTemplates"]).entries()) {
    const name = str(rec(rec(t)?.["metadata"])?.["name"]);
    if (name !== undefined)
      r.invalid(sub(path, "volumeClaimTemplates", i, "metadata", "name"), name, dns1123SubdomainErrors(name));
    validateClaimSpec(r, rec(rec(t)?.["spec"]) ?? {}, sub(path, "volumeClaimTemplates", i, "spec"));
  }
}

function validateJobSpec(r: Refusals, spec: Obj, path: Where): void {
  nonNegative(r, spec, path, ["parallelism", "completions", "backoffLimit", "ttlSecondsAfterFinished"]);
  const deadline = num(spec["activeDeadlineSeconds"]);
  if (deadline !== undefined && deadline <= 0)
    r.invalid(sub(path, "activeDeadlineSeconds"), deadline, ["must be greater than or equal to 1"]);
  if (spec["manualSelector"] === true) validateSelectedTemplate(r, spec, path);
  validatePodTemplate(r, spec["template"], sub(path, "template"), JOB_POLICIES);
}

function validateCronJob(r: Refusals, spec: Obj): void {
  const schedule = str(spec["schedule"]);
  if (schedule === "") r.required(["spec", "schedule"]);
  else if (schedule !== undefined) {
    const problem = cronProblem(schedule);
    if (problem !== undefined) r.invalid(["spec", "schedule"], schedule, [problem]);
  }
  const policy = str(spec["concurrencyPolicy"]);
  if (policy !== undefined && !["Allow", "Forbid", "Replace"].includes(policy))
    r.add(
      ["spec", "concurrencyPolicy"],
      `Unsupported value: ${shown(policy)}: supported values: "Allow", "Forbid", "Replace"`,
    );
  nonNegative(
    r,
    spec,
    ["spec"],
    ["startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"],
  );
  validateJobSpec(r, rec(rec(spec["jobTemplate"])?.["spec"]) ?? {}, ["spec", "jobTemplate", "spec"]);
}

function validateService(r: Refusals, spec: Obj): void {
  const type = str(spec["type"]) ?? "ClusterIP";
  const ports = arr(spec["ports"]);
  const headless = spec["clusterIP"] === "None";
  if (ports.length === 0 && type !== "ExternalName" && !headless) r.required(["spec", "ports"]);
  const names = new Set<string>();
  const seen = new Set<string>();
  for (const [i, p] of ports.entries()) {
    const port = rec(p) ?? {};
    const at = ["spec", "ports", i];
    const name = str(port["name"]);
    if (ports.length > 1 && (name === undefined || name === "")) r.required(sub(at, "name"));
    if (name !== undefined && name !== "") {
      r.invalid(sub(at, "name"), name, dns1123LabelErrors(name));
      if (names.has(name)) r.add(sub(at, "name"), `Duplicate value: ${shown(name)}`);
      names.add(name);
    }
    const n = num(port["port"]);
    if (n !== undefined) r.invalid(sub(at, "port"), n, portNumErrors(n));
    // (An unknown protocol is refused where every protocol is: generic.ts.)
    const proto = str(port["protocol"]) || "TCP";
    const key = `${String(n)}/${proto}`;
    if (seen.has(key)) r.add(at, `Duplicate value: ${shown({ port: n, protocol: proto })}`);
    seen.add(key);
    const appProtocol = str(port["appProtocol"]);
    // An empty appProtocol is refused too (it is a pointer in the API: set means validated).
    if (appProtocol !== undefined)
      r.invalid(sub(at, "appProtocol"), appProtocol, qualifiedNameErrors(appProtocol));
    if (port["targetPort"] !== undefined && port["targetPort"] !== "" && port["targetPort"] !== 0)
      validatePortRef(r, port["targetPort"], sub(at, "targetPort"));
    const node = num(port["nodePort"]);
    if (node !== undefined && node !== 0 && type !== "NodePort" && type !== "LoadBalancer")
      r.add(sub(at, "nodePort"), "Forbidden: may not be used when `type` is 'ClusterIP'");
  }
  const ip = str(spec["clusterIP"]);
  if (ip !== undefined && ip !== "" && ip !== "None" && !isIp(ip))
    r.invalid(["spec", "clusterIPs", 0], ip, [
      "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
    ]);
  if (type !== "" && !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].includes(type))
    r.add(
      ["spec", "type"],
      `Unsupported value: ${shown(type)}: supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
    );
  if (headless && (type === "NodePort" || type === "LoadBalancer"))
    r.invalid(["spec", "clusterIPs", 0], "None", [`may not be set to 'None' for ${type} services`]);
}

function validateData(r: Refusals, o: Obj): void {
  const keys = new Set<string>();
  let size = 0;
  for (const section of ["data", "binaryData", "stringData"]) {
    for (const [k, v] of Object.entries(rec(o[section]) ?? {})) {
      r.invalid([section], k, configMapKeyErrors(k));
      if (section !== "stringData" && keys.has(k))
        r.invalid([section], k, ["duplicate of key present in data"]);
      keys.add(k);
      size += k.length + (typeof v === "string" ? v.length : 0);
    }
  }
  if (o["kind"] === "ConfigMap" && size > 1024 * 1024) r.add([], "Too long: must have at most 1048576 bytes");
}

function validateClaimSpec(r: Refusals, spec: Obj, path: Where): void {
  const cls = str(spec["storageClassName"]);
  if (cls !== undefined && cls !== "")
    r.invalid(sub(path, "storageClassName"), cls, dns1123SubdomainErrors(cls));
  const modes = arr(spec["accessModes"]);
  if (modes.length === 0) r.required(sub(path, "accessModes"), "at least 1 access mode is required");
  for (const [i, m] of modes.entries())
    if (!["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"].includes(String(m)))
      r.add(
        sub(path, "accessModes", i),
        `Unsupported value: ${shown(m)}: supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`,
      );
  const storage = rec(rec(spec["resources"])?.["requests"])?.["storage"];
  if (storage === undefined && spec["dataSourceRef"] === undefined)
    r.required(sub(path, "resources", "requests", "storage"));
  else if (storage !== undefined && quantityValue(storage) <= 0)
    r.invalid(sub(path, "resources", "requests", "storage"), storage, ["must be greater than zero"]);
}

function validatePdb(r: Refusals, spec: Obj): void {
  if (spec["minAvailable"] !== undefined && spec["maxUnavailable"] !== undefined)
    r.invalid(["spec"], spec, ["minAvailable and maxUnavailable cannot be both set"]);
  for (const f of ["minAvailable", "maxUnavailable"]) {
    const v = intOrPercent(r, spec[f], ["spec", f]);
    if (v?.percent === true && v.n > 100) r.invalid(["spec", f], spec[f], ["must not be greater than 100%"]);
  }
  const policy = str(spec["unhealthyPodEvictionPolicy"]);
  if (policy !== undefined && policy !== "IfHealthyBudget" && policy !== "AlwaysAllow")
    r.add(
      ["spec", "unhealthyPodEvictionPolicy"],
      `Unsupported value: ${shown(policy)}: supported values: "AlwaysAllow", "IfHealthyBudget"`,
    );
}

function validateHpa(r: Refusals, spec: Obj): void {
  const min = num(spec["minReplicas"]);
  const max = num(spec["maxReplicas"]);
  if (min !== undefined && min < 1)
    r.invalid(["spec", "minReplicas"], min, ["must be greater than or equal to 1"]);
  if (max !== undefined && max < 1) r.invalid(["spec", "maxReplicas"], max, ["must be greater than 0"]);
  if (max !== undefined && min !== undefined && max < min)
    r.invalid(["spec", "maxReplicas"], max, ["must be greater than or equal to `minReplicas`"]);
  const target = rec(spec["scaleTargetRef"]) ?? {};
  if (target["kind"] === "") r.required(["spec", "scaleTargetRef", "kind"]);
  if (target["name"] === "") r.required(["spec", "scaleTargetRef", "name"]);
  for (const dir of ["scaleUp", "scaleDown"]) {
    const rules = rec(rec(spec["behavior"])?.[dir]);
    if (rules === undefined) continue;
    const at = ["spec", "behavior", dir];
    const window = num(rules["stabilizationWindowSeconds"]);
    if (window !== undefined && window < 0)
      r.invalid(sub(at, "stabilizationWindowSeconds"), window, ["must be greater than or equal to zero"]);
    if (window !== undefined && window > 3600)
      r.invalid(sub(at, "stabilizationWindowSeconds"), window, ["must be less than or equal to 3600"]);
    if (Array.isArray(rules["policies"]) && rules["policies"].length === 0)
      r.required(sub(at, "policies"), "must specify at least one Policy");
    for (const [j, p] of arr(rules["policies"]).entries()) {
      const policy = rec(p) ?? {};
      const period = num(policy["periodSeconds"]);
      if (period !== undefined && period <= 0)
        r.invalid(sub(at, "policies", j, "periodSeconds"), period, ["must be greater than zero"]);
      if (period !== undefined && period > 1800)
        r.invalid(sub(at, "policies", j, "periodSeconds"), period, ["must be less than or equal to 1800"]);
      const value = num(policy["value"]);
      if (value !== undefined && value <= 0)
        r.invalid(sub(at, "policies", j, "value"), value, ["must be greater than zero"]);
      const type = str(policy["type"]);
      if (type !== undefined && type !== "Pods" && type !== "Percent")
        r.add(
          sub(at, "policies", j, "type"),
          `Unsupported value: ${shown(type)}: supported values: "Pods", "Percent"`,
        );
    }
  }
  const targetApi = str(target["apiVersion"]) ?? "";
  if (targetApi.split("/").length > 2)
    r.invalid(["spec", "scaleTargetRef", "apiVersion"], targetApi, [
      `unexpected GroupVersion string: ${targetApi}`,
    ]);
  else if (!targetApi.includes("/") || targetApi.startsWith("/"))
    r.invalid(["spec", "scaleTargetRef", "apiVersion"], targetApi, ["apiVersion must specify API group"]);
  const targetKind = str(target["kind"]);
  if (targetKind !== undefined)
    r.invalid(["spec", "scaleTargetRef", "kind"], targetKind, pathSegmentErrors(targetKind));
  const targetName = str(target["name"]);
  if (targetName !== undefined && targetName !== "")
    r.invalid(["spec", "scaleTargetRef", "name"], targetName, pathSegmentErrors(targetName));
  for (const [i, m] of arr(spec["metrics"]).entries()) {
    const metric = rec(m) ?? {};
    const mt = str(metric["type"]);
    if (mt !== undefined && !["ContainerResource", "External", "Object", "Pods", "Resource"].includes(mt))
      r.add(
        ["spec", "metrics", i, "type"],
        `Unsupported value: ${shown(mt)}: supported values: "ContainerResource", "External", "Object", "Pods", "Resource"`,
      );
    const SOURCES: Readonly<Record<string, string>> = {
      Resource: "resource",
      ContainerResource: "containerResource",
      Pods: "pods",
      Object: "object",
      External: "external",
    };
    const own = mt === undefined ? undefined : SOURCES[mt];
    if (own !== undefined && (metric[own] === undefined || metric[own] === null))
      r.required(["spec", "metrics", i, own], "must populate information for the given metric source");
    for (const src of Object.values(SOURCES))
      if (own !== undefined && src !== own && metric[src] !== undefined && metric[src] !== null)
        r.add(["spec", "metrics", i, src], "Forbidden: must populate the given metric source only");
    for (const src of ["resource", "containerResource", "pods", "object", "external"]) {
      const target = rec(rec(metric[src])?.["target"]);
      const tt = str(target?.["type"]);
      const needs: Readonly<Record<string, string>> = {
        Utilization: "averageUtilization",
        Value: "value",
        AverageValue: "averageValue",
      };
      const wanted = tt === undefined ? undefined : needs[tt];
      if (target !== undefined && wanted !== undefined && target[wanted] === undefined)
        r.required(
          ["spec", "metrics", i, src, "target", wanted],
          "must set either a target raw value or a target utilization",
        );
      if (tt !== undefined && !["Utilization", "Value", "AverageValue"].includes(tt))
        r.invalid(["spec", "metrics", i, src, "target", "type"], tt, [
          "must be either Utilization, Value, or AverageValue",
        ]);
    }
    const res = rec(metric["resource"]) ?? rec(metric["containerResource"]);
    const t = rec(res?.["target"]);
    const util = num(t?.["averageUtilization"]);
    if (util !== undefined && util < 1)
      r.invalid(
        [
          "spec",
          "metrics",
          i,
          metric["resource"] ? "resource" : "containerResource",
          "target",
          "averageUtilization",
        ],
        util,
        ["must be greater than 0"],
      );
  }
}

function validateIngress(r: Refusals, spec: Obj): void {
  const cls = str(spec["ingressClassName"]);
  if (cls !== undefined) r.invalid(["spec", "ingressClassName"], cls, dns1123SubdomainErrors(cls));
  for (const [i, tls] of arr(spec["tls"]).entries()) {
    for (const [j, h] of arr(rec(tls)?.["hosts"]).entries())
      if (typeof h === "string")
        r.invalid(
          ["spec", "tls", i, "hosts", j],
          h,
          dns1123SubdomainErrors(h.startsWith("*.") ? h.slice(2) : h),
        );
    const secret = str(rec(tls)?.["secretName"]);
    if (secret !== undefined && secret !== "")
      r.invalid(["spec", "tls", i, "secretName"], secret, dns1123SubdomainErrors(secret));
  }
  if (arr(spec["rules"]).length === 0 && spec["defaultBackend"] === undefined)
    r.invalid(["spec"], [], ["either `defaultBackend` or `rules` must be specified"]);
  for (const [i, rule] of arr(spec["rules"]).entries()) {
    const host = str(rec(rule)?.["host"]);
    if (host !== undefined && host !== "") {
      const bare = host.startsWith("*.") ? host.slice(2) : host;
      r.invalid(["spec", "rules", i, "host"], host, dns1123SubdomainErrors(bare));
    }
    for (const [j, p] of arr(rec(rec(rule)?.["http"])?.["paths"]).entries()) {
      const at = ["spec", "rules", i, "http", "paths", j];
      const path = rec(p) ?? {};
      const type = str(path["pathType"]);
      if (type === undefined) r.required(sub(at, "pathType"), "pathType must be specified");
      const value = str(path["path"]);
      if ((type === "Prefix" || type === "Exact") && !(value ?? "").startsWith("/"))
        r.invalid(sub(at, "path"), value ?? "", ["must be an absolute path"]);
      const backend = rec(path["backend"]);
      if (backend !== undefined && backend["service"] === undefined && backend["resource"] === undefined)
        r.invalid(sub(at, "backend"), "", ["resource or service backend is required"]);
      const svc = rec(backend?.["service"]);
      if (svc !== undefined) {
        const svcName = str(svc["name"]);
        if (svcName !== undefined && svcName !== "")
          r.invalid(sub(at, "backend", "service", "name"), svcName, dns1035LabelErrors(svcName));
        const p = rec(svc["port"]);
        if (p === undefined || ((str(p["name"]) ?? "") === "" && (num(p["number"]) ?? 0) === 0))
          r.required(sub(at, "backend"), "port name or number is required");
      }
      const port = rec(svc?.["port"]);
      const portName = str(port?.["name"]);
      if (portName !== undefined && portName !== "")
        validatePortRef(r, portName, sub(at, "backend", "service", "port", "name"));
      const portNumber = num(port?.["number"]);
      if (portNumber !== undefined)
        r.invalid(sub(at, "backend", "service", "port", "number"), portNumber, portNumErrors(portNumber));
      if (
        svc !== undefined &&
        port !== undefined &&
        port["name"] !== undefined &&
        port["number"] !== undefined
      )
        r.invalid(sub(at, "backend", "service", "port"), port, ["cannot set both port name & port number"]);
    }
  }
}

function validateRules(r: Refusals, o: Obj): void {
  for (const [i, rule] of arr(o["rules"]).entries()) {
    const x = rec(rule) ?? {};
    if (Array.isArray(x["verbs"]) && x["verbs"].length === 0)
      r.required(["rules", i, "verbs"], "verbs must contain at least one value");
    if (
      arr(x["nonResourceURLs"]).length > 0 &&
      (arr(x["resources"]).length > 0 || arr(x["apiGroups"]).length > 0)
    )
      r.invalid(["rules", i, "nonResourceURLs"], x["nonResourceURLs"], [
        "rules cannot apply to both regular resources and non-resource URLs",
      ]);
    if (o["kind"] === "Role" && arr(x["nonResourceURLs"]).length > 0)
      r.invalid(["rules", i, "nonResourceURLs"], x["nonResourceURLs"], [
        "namespaced rules cannot apply to non-resource URLs",
      ]);
    if (arr(x["nonResourceURLs"]).length === 0 && arr(x["apiGroups"]).length === 0)
      r.required(["rules", i, "apiGroups"], "resource rules must supply at least one api group");
    if (arr(x["nonResourceURLs"]).length === 0 && arr(x["resources"]).length === 0)
      r.required(["rules", i, "resources"], "resource rules must supply at least one resource");
  }
}

function validateBinding(r: Refusals, o: Obj): void {
  const ref = rec(o["roleRef"]) ?? {};
  const kind = str(ref["kind"]);
  const allowed = o["kind"] === "RoleBinding" ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (kind !== undefined && !allowed.includes(kind))
    r.add(
      ["roleRef", "kind"],
      `Unsupported value: ${shown(kind)}: supported values: ${allowed.map((k) => shown(k)).join(", ")}`,
    );
  if (ref["name"] === "") r.required(["roleRef", "name"]);
  const refName = str(ref["name"]);
  if (refName !== undefined && refName !== "")
    r.invalid(["roleRef", "name"], refName, pathSegmentErrors(refName));
  if (ref["apiGroup"] !== undefined && ref["apiGroup"] !== "rbac.authorization.k8s.io")
    r.add(
      ["roleRef", "apiGroup"],
      `Unsupported value: ${shown(ref["apiGroup"] ?? "")}: supported values: "rbac.authorization.k8s.io"`,
    );
  for (const [i, s] of arr(o["subjects"]).entries()) {
    const subject = rec(s) ?? {};
    const at = ["subjects", i];
    const kindOf = str(subject["kind"]);
    const name = str(subject["name"]) ?? "";
    if (subject["name"] === "") r.required(sub(at, "name"));
    if (kindOf === "ServiceAccount") {
      if (name !== "") r.invalid(sub(at, "name"), name, dns1123SubdomainErrors(name));
      if (o["kind"] === "ClusterRoleBinding" && (str(subject["namespace"]) ?? "") === "")
        r.required(sub(at, "namespace"));
    } else if (kindOf !== undefined && kindOf !== "User" && kindOf !== "Group")
      r.add(
        sub(at, "kind"),
        `Unsupported value: ${shown(kindOf)}: supported values: "ServiceAccount", "User", "Group"`,
      );
  }
}

function validateNetworkPolicy(r: Refusals, spec: Obj): void {
  if (arr(spec["policyTypes"]).length > 2)
    r.invalid(["spec", "policyTypes"], spec["policyTypes"], ["may not specify more than two policyTypes"]);
  for (const [i, t] of arr(spec["policyTypes"]).entries())
    if (t !== "Ingress" && t !== "Egress")
      r.add(
        ["spec", "policyTypes", i],
        `Unsupported value: ${shown(t)}: supported values: "Ingress", "Egress"`,
      );
  for (const dir of ["ingress", "egress"])
    for (const [i, rule] of arr(spec[dir]).entries()) {
      for (const [j, peer] of arr(rec(rule)?.[dir === "ingress" ? "from" : "to"]).entries()) {
        const block = rec(rec(peer)?.["ipBlock"]);
        if (block === undefined) continue;
        const at = ["spec", dir, i, dir === "ingress" ? "from" : "to", j, "ipBlock"];
        const cidr = str(block["cidr"]) ?? "";
        if (cidr === "") r.required(sub(at, "cidr"));
        else if (!isCidr(cidr))
          r.invalid(sub(at, "cidr"), cidr, [
            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
          ]);
        for (const [k, e] of arr(block["except"]).entries())
          if (typeof e === "string" && !isCidr(e))
            r.invalid(sub(at, "except", k), e, [
              "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            ]);
      }
      for (const [j, p] of arr(rec(rule)?.["ports"]).entries()) {
        const port = rec(p) ?? {};
        if (port["port"] !== undefined)
          validatePortRef(r, port["port"], ["spec", dir, i, "ports", j, "port"]);
        const end = num(port["endPort"]);
        const start = num(port["port"]);
        if (end !== undefined && (start === undefined || end < start))
          r.invalid(["spec", dir, i, "ports", j, "endPort"], end, [
            "must be greater than or equal to `port`",
          ]);
      }
    }
}

/** A CIDR as Go's netip.ParsePrefix reads it: IPv4 without leading zeros, or IPv6; a prefix length in range. */
export function isCidr(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash < 0) return false;
  const ip = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(bits)) return false;
  const n = Number(bits);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip))
    return n <= 32 && ip.split(".").every((o) => /^(0|[1-9]\d*)$/.test(o) && Number(o) <= 255);
  return n <= 128 && isIPv6(ip);
}

/** An IPv6 address as Go's netip reads it: hex groups, one `::` at most, an IPv4 tail, no zone. */
function isIPv6(ip: string): boolean {
  const halves = ip.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | undefined => (part === "" ? [] : part.split(":"));
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (head === undefined || tail === undefined) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (const [i, g] of all.entries()) {
    if (i === all.length - 1 && /^\d{1,3}(\.\d{1,3}){3}$/.test(g)) {
      if (!g.split(".").every((o) => /^(0|[1-9]\d*)$/.test(o) && Number(o) <= 255)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** The kind-specific rules of the built-in kinds kubeship writes and the guides hold. */
/** Kinds whose spec holds required fields: without a spec at all, the API server refuses them. */
const NEEDS_SPEC = new Set([
  "apps/v1 Deployment",
  "apps/v1 StatefulSet",
  "apps/v1 DaemonSet",
  "apps/v1 ReplicaSet",
  "batch/v1 Job",
  "batch/v1 CronJob",
  "autoscaling/v2 HorizontalPodAutoscaler",
  "v1 PersistentVolumeClaim",
  "networking.k8s.io/v1 Ingress",
]);

type KindValidator = (r: Refusals, o: Obj, spec: Obj) => void;

/** A validation of a kind's spec, or of the whole object. */
const onSpec =
  (f: (r: Refusals, spec: Obj) => void): KindValidator =>
  (r, _o, spec) => {
    f(r, spec);
  };
const onObject =
  (f: (r: Refusals, o: Obj) => void): KindValidator =>
  (r, o) => {
    f(r, o);
  };
const workloadSpec = (r: Refusals, spec: Obj): void => {
  validateSelectedTemplate(r, spec, ["spec"]);
  validatePodTemplate(r, spec["template"], ["spec", "template"], ALWAYS);
};

/** The validation of each built-in kind, by API version and kind. */
const BY_KIND: Readonly<Record<string, KindValidator>> = {
  "apps/v1 Deployment": onSpec(validateDeployment),
  "apps/v1 StatefulSet": onSpec(validateStatefulSet),
  "apps/v1 DaemonSet": onSpec(workloadSpec),
  "apps/v1 ReplicaSet": onSpec(workloadSpec),
  "batch/v1 Job": onSpec((r, spec) => {
    validateJobSpec(r, spec, ["spec"]);
  }),
  "batch/v1 CronJob": onSpec(validateCronJob),
  "v1 Service": onSpec(validateService),
  "v1 ConfigMap": onObject(validateData),
  "v1 Secret": onObject(validateData),
  "v1 PersistentVolumeClaim": onSpec((r, spec) => {
    validateClaimSpec(r, spec, ["spec"]);
  }),
  "policy/v1 PodDisruptionBudget": onSpec(validatePdb),
  "autoscaling/v2 HorizontalPodAutoscaler": onSpec(validateHpa),
  "networking.k8s.io/v1 Ingress": onSpec(validateIngress),
  "networking.k8s.io/v1 NetworkPolicy": onSpec(validateNetworkPolicy),
  "rbac.authorization.k8s.io/v1 Role": onObject(validateRules),
  "rbac.authorization.k8s.io/v1 ClusterRole": onObject(validateRules),
  "rbac.authorization.k8s.io/v1 RoleBinding": onObject(validateBinding),
  "rbac.authorization.k8s.io/v1 ClusterRoleBinding": onObject(validateBinding),
};

/**
 * The same, by kind and then API version: looked up for every object, where joining the two into one
 * string (and comparing it) cost more than two look-ups.
 */
const VALIDATORS = new Map<
  string,
  Map<string, { readonly validate: KindValidator; readonly needsSpec: boolean }>
>();
for (const [key, validate] of Object.entries(BY_KIND)) {
  const [apiVersion = "", kind = ""] = key.split(" ");
  const versions = VALIDATORS.get(kind) ?? new Map<string, { validate: KindValidator; needsSpec: boolean }>();
  versions.set(apiVersion, { validate, needsSpec: NEEDS_SPEC.has(key) });
  VALIDATORS.set(kind, versions);
}

export function validateKind(r: Refusals, o: Obj, kind: string, apiVersion: string): void {
  const v = VALIDATORS.get(kind)?.get(apiVersion);
  if (v === undefined) return;
  if (o["spec"] === undefined && v.needsSpec) {
    r.required(["spec"]);
    return;
  }
  v.validate(r, o, rec(o["spec"]) ?? {});
}

import { quantityValue } from "../../spec/quantity.js";
import { validateAnnotations, validateLabels } from "./meta.js";
import {
  arr,
  configMapKeyErrors,
  dns1123LabelErrors,
  num,
  type Obj,
  portNameErrors,
  portNumErrors,
  labelValueErrors,
  qualifiedNameErrors,
  QUANTITY,
  rec,
  type Refusals,
  sub,
  type Where,
  shown,
  str,
} from "./support.js";

const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"];
const PROBE_COUNTS = [
  "initialDelaySeconds",
  "timeoutSeconds",
  "periodSeconds",
  "successThreshold",
  "failureThreshold",
  "terminationGracePeriodSeconds",
];
const VOLUME_SOURCES = [
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "downwardAPI",
  "fc",
  "azureFile",
  "configMap",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "csi",
  "ephemeral",
  "image",
];

/** A port of a probe or a Service's target: a number 1..65535 or an IANA service name. */
export function validatePortRef(r: Refusals, v: unknown, path: Where): void {
  if (typeof v === "number") r.invalid(path, v, portNumErrors(v));
  else if (typeof v === "string") {
    if (/^\d+$/.test(v)) r.invalid(path, v, portNumErrors(Number(v)));
    else r.invalid(path, v, portNameErrors(v));
  }
}

function validateProbe(r: Refusals, p: unknown, path: Where, mustSucceedOnce: boolean): void {
  const probe = rec(p);
  if (probe === undefined) return;
  validateHandler(r, probe, path, HANDLERS);
  for (const f of PROBE_COUNTS) {
    const n = num(probe[f]);
    if (n !== undefined && n < 0) r.invalid(sub(path, f), n, ["must be greater than or equal to 0"]);
  }
  const success = num(probe["successThreshold"]);
  // 0 is the zero value, defaulted to 1 before validation.
  if (mustSucceedOnce && success !== undefined && success !== 0 && success !== 1)
    r.invalid(sub(path, "successThreshold"), success, ["must be 1"]);
  const grpc = rec(probe["grpc"]);
  if (grpc !== undefined && num(grpc["port"]) !== undefined)
    r.invalid(sub(path, "grpc", "port"), grpc["port"], portNumErrors(num(grpc["port"]) ?? 0));
}

function validateResources(r: Refusals, res: unknown, path: Where): void {
  const requests = rec(rec(res)?.["requests"]) ?? {};
  const limits = rec(rec(res)?.["limits"]) ?? {};
  for (const [key, list] of [
    ["requests", requests],
    ["limits", limits],
  ] as const)
    for (const [name, q] of Object.entries(list)) {
      if (typeof q === "string" && !QUANTITY.test(q))
        r.invalid(sub(path, key, name), q, [
          "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ]);
      else if (quantityValue(q) < 0)
        r.invalid(sub(path, key, name), q, ["must be greater than or equal to 0"]);
    }
  for (const [name, req] of Object.entries(requests)) {
    const lim = limits[name];
    if (lim === undefined) continue;
    if (quantityValue(req) > quantityValue(lim))
      r.invalid(sub(path, "requests"), req, [
        `must be less than or equal to ${name} limit of ${typeof lim === "string" || typeof lim === "number" ? String(lim) : "?"}`,
      ]);
  }
}

/** Env names since 1.34 (RelaxedEnvironmentVariableValidation): printable ASCII other than '='. */
function envNameErrors(name: string): string[] {
  return name !== "" && /^[\x20-\x3c\x3e-\x7e]+$/.test(name)
    ? []
    : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
}

function validateContainer(
  r: Refusals,
  c: Obj,
  path: Where,
  volumes: ReadonlySet<string>,
  init: boolean,
  regular: boolean,
): void {
  const name = str(c["name"]);
  if (name === "") r.required(sub(path, "name"));
  else if (name !== undefined) r.invalid(sub(path, "name"), name, dns1123LabelErrors(name));
  if ((str(c["image"]) ?? "") === "") r.required(sub(path, "image"));
  const portNames = new Set<string>();
  const ps = arr(c["ports"]);
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    const port = rec(p) ?? {};
    const at = sub(path, "ports", i);
    const cp = num(port["containerPort"]);
    if (cp !== undefined) r.invalid(sub(at, "containerPort"), cp, portNumErrors(cp));
    const hp = num(port["hostPort"]);
    if (hp !== undefined && hp !== 0) r.invalid(sub(at, "hostPort"), hp, portNumErrors(hp));
    // (Its protocol is checked where every protocol is: generic.ts.)
    const pn = str(port["name"]);
    if (pn !== undefined && pn !== "") {
      r.invalid(sub(at, "name"), pn, portNameErrors(pn));
      if (portNames.has(pn)) r.add(sub(at, "name"), `Duplicate value: ${shown(pn)}`);
      portNames.add(pn);
    }
  }
  const es = arr(c["env"]);
  for (let i = 0; i < es.length; i++) {
    const e = es[i];
    const env = rec(e) ?? {};
    const at = sub(path, "env", i);
    const en = str(env["name"]);
    if (en === "") r.required(sub(at, "name"));
    else if (en !== undefined) r.invalid(sub(at, "name"), en, envNameErrors(en));
    const from = rec(env["valueFrom"]);
    if (from !== undefined) {
      const sources = [
        "fieldRef",
        "resourceFieldRef",
        "configMapKeyRef",
        "secretKeyRef",
        "fileKeyRef",
      ].filter((k) => from[k] !== undefined && from[k] !== null);
      if (sources.length === 0)
        r.invalid(sub(at, "valueFrom"), "", [
          "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ]);
      else if (sources.length > 1)
        r.invalid(sub(at, "valueFrom"), "", ["may not have more than one field specified at a time"]);
      if ((str(env["value"]) ?? "") !== "")
        r.invalid(sub(at, "valueFrom"), "", ["may not be specified when `value` is not empty"]);
      for (const k of ["configMapKeyRef", "secretKeyRef"]) {
        const ref = rec(from[k]);
        if (ref === undefined) continue;
        const key = str(ref["key"]);
        if (key === "") r.required(sub(at, "valueFrom", k, "key"));
        else if (key !== undefined) r.invalid(sub(at, "valueFrom", k, "key"), key, configMapKeyErrors(key));
        if ((str(ref["name"]) ?? "") === "") r.required(sub(at, "valueFrom", k, "name"));
      }
    }
  }
  validateResources(r, c["resources"], sub(path, "resources"));
  const paths = new Set<string>();
  const ms = arr(c["volumeMounts"]);
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i];
    const mount = rec(m) ?? {};
    const at = sub(path, "volumeMounts", i);
    const vn = str(mount["name"]);
    if (vn === "") r.required(sub(at, "name"));
    else if (vn !== undefined && !volumes.has(vn)) r.add(sub(at, "name"), `Not found: ${shown(vn)}`);
    const mp = str(mount["mountPath"]);
    if (mp === "") r.required(sub(at, "mountPath"));
    else if (mp !== undefined) {
      if (paths.has(mp)) r.invalid(sub(at, "mountPath"), mp, ["must be unique"]);
      paths.add(mp);
    }
    const subPath = str(mount["subPath"]);
    if (subPath !== undefined && subPath !== "") {
      if (subPath.startsWith("/")) r.invalid(sub(at, "subPath"), subPath, ["must be a relative path"]);
      if (subPath.split("/").includes(".."))
        r.invalid(sub(at, "subPath"), subPath, ["must not contain '..'"]);
    }
  }
  // Init containers run to completion: no lifecycle or probes (unless restartable sidecars).
  const sidecar = init && str(c["restartPolicy"]) === "Always";
  if (init && !sidecar) {
    for (const f of ["readinessProbe", "livenessProbe", "startupProbe", "lifecycle"])
      if (c[f] !== undefined && c[f] !== null)
        r.add(sub(path, f), `Forbidden: may not be set for init containers without restartPolicy=Always`);
  }
  if (regular || sidecar) {
    validateProbe(r, c["livenessProbe"], sub(path, "livenessProbe"), true);
    validateProbe(r, c["startupProbe"], sub(path, "startupProbe"), true);
    validateProbe(r, c["readinessProbe"], sub(path, "readinessProbe"), false);
    const lifecycle = rec(c["lifecycle"]);
    if (lifecycle !== undefined)
      for (const hook of ["postStart", "preStop"]) {
        const handler = rec(lifecycle[hook]);
        if (handler !== undefined)
          validateHandler(r, handler, sub(path, "lifecycle", hook), LIFECYCLE_HANDLERS);
      }
  }
}

/** The handlers a lifecycle hook may have (validateHandler: exactly one). */
const LIFECYCLE_HANDLERS = ["exec", "httpGet", "tcpSocket", "sleep"];

/**
 * A probe's or a lifecycle hook's handler (validateHandler): exactly one of `kinds`, each extra one
 * refused where it is; an exec command, an HTTP or TCP port.
 */
function validateHandler(r: Refusals, handler: Obj, path: Where, kinds: readonly string[]): void {
  let handlers = 0;
  for (const h of kinds) {
    if (handler[h] === undefined || handler[h] === null) continue;
    if (handlers++ > 0) r.add(sub(path, h), "Forbidden: may not specify more than 1 handler type");
  }
  if (handlers === 0) r.required(path, "must specify a handler type");
  const exec = rec(handler["exec"]);
  if (exec !== undefined && arr(exec["command"]).length === 0) r.required(sub(path, "exec", "command"));
  const http = rec(handler["httpGet"]);
  if (http !== undefined) validatePortRef(r, http["port"], sub(path, "httpGet", "port"));
  const tcp = rec(handler["tcpSocket"]);
  if (tcp !== undefined) validatePortRef(r, tcp["port"], sub(path, "tcpSocket", "port"));
}

/** File modes of Secret, ConfigMap, downward API and projected volumes: 0 to 0777 (fileModeErrorMsg). */
function validateFileMode(r: Refusals, mode: unknown, path: Where): void {
  if (typeof mode === "number" && (mode < 0 || mode > 0o777))
    r.invalid(path, mode, ["must be a number between 0 and 0777 (octal), both inclusive"]);
}

/** A volume source's defaultMode and its items' modes (secret, configMap, downwardAPI, projected). */
function validateVolumeModes(r: Refusals, vol: Obj, at: Where): void {
  for (const source of ["secret", "configMap", "downwardAPI", "projected"]) {
    const src = rec(vol[source]);
    if (src === undefined) continue;
    validateFileMode(r, src["defaultMode"], sub(at, source, "defaultMode"));
    validateItemModes(r, src, sub(at, source));
    if (source === "projected") {
      const sources = arr(src["sources"]);
      for (let i = 0; i < sources.length; i++) {
        const projection = rec(sources[i]);
        if (projection === undefined) continue;
        for (const kind of ["secret", "configMap", "downwardAPI"]) {
          const p = rec(projection[kind]);
          if (p !== undefined) validateItemModes(r, p, sub(at, source, "sources", i, kind));
        }
      }
    }
  }
}

function validateItemModes(r: Refusals, src: Obj, at: Where): void {
  const items = arr(src["items"]);
  for (let j = 0; j < items.length; j++)
    validateFileMode(r, rec(items[j])?.["mode"], sub(at, "items", j, "mode"));
}

/** A pod spec (validatePodSpec): containers, volumes and mounts, restart policy for its owner. */
export function validatePodSpec(
  r: Refusals,
  spec: Obj,
  path: Where,
  restartPolicies: readonly string[] | undefined,
  claims: readonly string[] = [],
): void {
  const volumes = new Set<string>(claims);
  const vs = arr(spec["volumes"]);
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    const vol = rec(v) ?? {};
    const at = sub(path, "volumes", i);
    const vn = str(vol["name"]);
    if (vn === "") r.required(sub(at, "name"));
    else if (vn !== undefined) {
      r.invalid(sub(at, "name"), vn, dns1123LabelErrors(vn));
      if (volumes.has(vn)) r.add(sub(at, "name"), `Duplicate value: ${shown(vn)}`);
      volumes.add(vn);
    }
    const sources = VOLUME_SOURCES.filter((s) => vol[s] !== undefined && vol[s] !== null);
    // No source at all is defaulted to an emptyDir (SetDefaults_Volume) before validation.
    if (sources.length > 1)
      r.add(sub(at, sources[1] ?? ""), "Forbidden: may not specify more than 1 volume type");
    // A ConfigMap's or Secret's volume must name it (validateConfigMapVolumeSource, ...SecretVolumeSource).
    const cmVol = rec(vol["configMap"]);
    if (cmVol !== undefined && (str(cmVol["name"]) ?? "") === "") r.required(sub(at, "configMap", "name"));
    const secretVol = rec(vol["secret"]);
    if (secretVol !== undefined && (str(secretVol["secretName"]) ?? "") === "")
      r.required(sub(at, "secret", "secretName"));
    validateVolumeModes(r, vol, at);
    const cm = rec(vol["configMap"]) ?? rec(vol["secret"]);
    const items = arr(cm?.["items"]);
    for (let j = 0; j < items.length; j++) {
      const item = items[j];
      const key = str(rec(item)?.["key"]);
      if (key === undefined || key === "")
        r.required(sub(at, vol["configMap"] ? "configMap" : "secret", "items", j, "key"));
    }
  }
  validateSeccomp(r, rec(spec["securityContext"]), sub(path, "securityContext"));
  for (const list of ["initContainers", "containers", "ephemeralContainers"])
    for (const [i, c] of arr(spec[list]).entries())
      validateSeccomp(r, rec(rec(c)?.["securityContext"]), sub(path, list, i, "securityContext"));
  const containers = arr(spec["containers"]);
  if (Array.isArray(spec["containers"]) && containers.length === 0) r.required(sub(path, "containers"));
  const names = new Set<string>();
  const each = (list: string, init: boolean): void => {
    const cs = arr(spec[list]);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      const container = rec(c) ?? {};
      validateContainer(r, container, sub(path, list, i), volumes, init, list === "containers");
      const n = str(container["name"]);
      if (n !== undefined && n !== "") {
        if (names.has(n)) r.add(sub(path, list, i, "name"), `Duplicate value: ${shown(n)}`);
        names.add(n);
      }
    }
  };
  each("initContainers", true);
  each("containers", false);
  const policy = str(spec["restartPolicy"]) ?? "Always";
  if (restartPolicies !== undefined && !restartPolicies.includes(policy))
    r.add(
      sub(path, "restartPolicy"),
      `Unsupported value: ${shown(policy)}: supported values: ${restartPolicies.map((p) => shown(p)).join(", ")}`,
    );
  const spreads = new Set<string>();
  const cs = arr(spec["topologySpreadConstraints"]);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    const skew = num(rec(c)?.["maxSkew"]);
    if (skew !== undefined && skew <= 0)
      r.invalid(sub(path, "topologySpreadConstraints", i, "maxSkew"), skew, ["must be greater than zero"]);
    const domains = num(rec(c)?.["minDomains"]);
    if (domains !== undefined && domains <= 0)
      r.invalid(sub(path, "topologySpreadConstraints", i, "minDomains"), domains, ["must be greater than 0"]);
    const key = `${str(rec(c)?.["topologyKey"]) ?? ""}, ${str(rec(c)?.["whenUnsatisfiable"]) ?? ""}`;
    if (spreads.has(key))
      r.add(
        sub(path, "topologySpreadConstraints", i, "{topologyKey, whenUnsatisfiable}"),
        `Duplicate value: "{${key}}"`,
      );
    spreads.add(key);
  }
  const ts = arr(spec["tolerations"]);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const tol = rec(t) ?? {};
    const at = sub(path, "tolerations", i);
    const key = str(tol["key"]) ?? "";
    const operator = str(tol["operator"]) ?? "";
    const value = str(tol["value"]) ?? "";
    if (key !== "") r.invalid(sub(at, "key"), key, qualifiedNameErrors(key));
    if (key === "" && operator !== "Exists")
      r.invalid(sub(at, "operator"), operator, [
        'operator must be Exists when `key` is empty, which means "match all values and all keys"',
      ]);
    if (
      tol["tolerationSeconds"] !== undefined &&
      tol["tolerationSeconds"] !== null &&
      str(tol["effect"]) !== "NoExecute"
    )
      r.invalid(sub(at, "effect"), str(tol["effect"]) ?? "", [
        "effect must be 'NoExecute' when `tolerationSeconds` is set",
      ]);
    if (operator === "Exists" && value !== "")
      r.invalid(sub(at, "operator"), value, ["value must be empty when `operator` is 'Exists'"]);
    if ((operator === "Equal" || operator === "") && value !== "")
      r.invalid(sub(at, "value"), value, labelValueErrors(value));
  }
  // A negative terminationGracePeriodSeconds is accepted with a warning and treated as 1 (a Pod's is
  // set to 1): not a refusal.
  const affinity = rec(spec["affinity"]);
  for (const kind of ["nodeAffinity", "podAffinity", "podAntiAffinity"])
    for (const [i, term] of arr(
      rec(affinity?.[kind])?.["preferredDuringSchedulingIgnoredDuringExecution"],
    ).entries()) {
      const weight = num(rec(term)?.["weight"]);
      if (weight !== undefined && (weight < 1 || weight > 100))
        r.invalid(
          sub(path, "affinity", kind, "preferredDuringSchedulingIgnoredDuringExecution", i, "weight"),
          weight,
          ["must be in the range 1-100"],
        );
    }
  const deadline = num(spec["activeDeadlineSeconds"]);
  if (deadline !== undefined && deadline <= 0)
    r.invalid(sub(path, "activeDeadlineSeconds"), deadline, ["must be between 1 and 2147483647, inclusive"]);
  const sa = str(spec["serviceAccountName"]);
  if (sa !== undefined && sa !== "")
    r.invalid(sub(path, "serviceAccountName"), sa, dns1123SubdomainOrEmpty(sa));
}

function dns1123SubdomainOrEmpty(name: string): string[] {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) && name.length <= 253
    ? []
    : [
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      ];
}

/** A pod template (ValidatePodTemplateSpec): its labels and annotations, and its pod spec. */
export function validatePodTemplate(
  r: Refusals,
  t: unknown,
  path: Where,
  restartPolicies: readonly string[],
  claims: readonly string[] = [],
): void {
  const template = rec(t);
  if (template === undefined) return;
  const meta = rec(template["metadata"]) ?? {};
  validateLabels(r, meta["labels"], sub(path, "metadata", "labels"));
  validateAnnotations(r, meta["annotations"], sub(path, "metadata", "annotations"));
  const spec = rec(template["spec"]);
  if (spec === undefined) r.required(sub(path, "spec", "containers"));
  else validatePodSpec(r, spec, sub(path, "spec"), restartPolicies, claims);
}

/** A seccomp profile, where one is set: its type is required and one of three (validateSeccompProfileField). */
function validateSeccomp(r: Refusals, context: Obj | undefined, path: Where): void {
  const profile = rec(context?.["seccompProfile"]);
  if (profile === undefined) return;
  const type = str(profile["type"]) ?? "";
  const at = sub(path, "seccompProfile", "type");
  if (type === "") r.add(at, "Required value: type is required when seccompProfile is set");
  else if (!["RuntimeDefault", "Unconfined", "Localhost"].includes(type))
    r.add(
      at,
      `Unsupported value: ${shown(type)}: supported values: "Localhost", "RuntimeDefault", "Unconfined"`,
    );
}

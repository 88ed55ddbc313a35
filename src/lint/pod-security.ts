import { compareMinor } from "./deprecations.js";
import { asArray, asRecord, asString, field } from "./object.js";

/**
 * The Pod Security Standards as the upstream admission plugin checks them: a port of
 * k8s.io/pod-security-admission/policy (check ids, versions and forbidden reasons kept).
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** A check that forbids the pod. */
export interface PodSecurityViolation {
  /** Upstream check id, e.g. `hostNamespaces`, `runAsNonRoot`. */
  readonly check: string;
  readonly level: "baseline" | "restricted";
  /** Upstream ForbiddenReason, e.g. `host namespaces`. */
  readonly reason: string;
  /** Upstream ForbiddenDetail, naming the containers and fields. */
  readonly detail: string;
}

type Rec = Readonly<Record<string, unknown>>;
interface Check {
  readonly id: string;
  readonly level: "baseline" | "restricted";
  /** Checks this one replaces at the restricted level. */
  readonly overrides?: string;
  run(meta: Rec, spec: Rec, version: string): readonly [reason: string, detail: string] | undefined;
}

const CAPS_BASELINE = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
const SYSCTLS: readonly (readonly [string, readonly string[]])[] = [
  [
    "1.0",
    [
      "kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range",
      "net.ipv4.tcp_syncookies",
      "net.ipv4.ping_group_range",
      "net.ipv4.ip_unprivileged_port_start",
    ],
  ],
  ["1.27", ["net.ipv4.ip_local_reserved_ports"]],
  [
    "1.29",
    [
      "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes",
    ],
  ],
  ["1.32", ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
];
const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t"];
const SELINUX_TYPES_1_31 = [...SELINUX_TYPES, "container_engine_t"];

interface C {
  readonly name: string;
  readonly sc: Rec | undefined;
  readonly c: Rec;
}
// Every check walks the containers; one evaluation reads them once (the checks of one pod run in a
// row, so the last pod's list is the one asked for; a WeakMap would keep lists alive, see `indexOf`).
let last: { readonly spec: Rec; readonly list: C[] } | undefined;
function containers(spec: Rec): C[] {
  if (last?.spec === spec) return last.list;
  const list = ["initContainers", "containers", "ephemeralContainers"].flatMap((k) =>
    asArray(spec[k]).flatMap((x) => {
      const c = asRecord(x);
      return c === undefined ? [] : [{ name: asString(c.name) ?? "", sc: asRecord(c.securityContext), c }];
    }),
  );
  last = { spec, list };
  return list;
}
const quote = (xs: readonly string[]): string => xs.map((x) => JSON.stringify(x)).join(", ");
const plural = (xs: readonly string[]): string =>
  `${xs.length === 1 ? "container" : "containers"} ${quote(xs)}`;
const isWindows = (spec: Rec): boolean => field(spec, "os", "name") === "windows";

const CHECKS: readonly Check[] = [
  {
    id: "hostNamespaces",
    level: "baseline",
    run: (_m, spec) => {
      if (spec.hostNetwork !== true && spec.hostPID !== true && spec.hostIPC !== true) return undefined;
      const on = ["hostNetwork", "hostPID", "hostIPC"].filter((k) => spec[k] === true);
      return ["host namespaces", on.map((k) => `${k}=true`).join(", ")];
    },
  },
  {
    id: "privileged",
    level: "baseline",
    run: (_m, spec) => {
      const bad = containers(spec)
        .filter((c) => c.sc?.privileged === true)
        .map((c) => c.name);
      return bad.length > 0
        ? ["privileged", `${plural(bad)} must not set securityContext.privileged=true`]
        : undefined;
    },
  },
  {
    id: "capabilities_baseline",
    level: "baseline",
    run: (_m, spec) => {
      const bad: string[] = [];
      const caps = new Set<string>();
      for (const c of containers(spec)) {
        const add = asArray(field(c.sc, "capabilities", "add")).map(String);
        const extra = add.filter((x) => !CAPS_BASELINE.has(x));
        if (extra.length > 0) bad.push(c.name);
        for (const x of extra) caps.add(x);
      }
      return bad.length > 0
        ? [
            "non-default capabilities",
            `${plural(bad)} must not include ${quote([...caps].sort())} in securityContext.capabilities.add`,
          ]
        : undefined;
    },
  },
  {
    id: "hostPathVolumes",
    level: "baseline",
    run: (_m, spec) => {
      const bad = asArray(spec.volumes)
        .map(asRecord)
        .filter((v) => v?.hostPath !== undefined)
        .map((v) => asString(v?.name) ?? "");
      return bad.length > 0 ? ["hostPath volumes", `volumes ${quote(bad)}`] : undefined;
    },
  },
  {
    id: "hostPorts",
    level: "baseline",
    run: (_m, spec) => {
      const bad: string[] = [];
      const ports: string[] = [];
      for (const c of containers(spec)) {
        const hp = asArray(c.c.ports)
          .map((p) => field(p, "hostPort"))
          .filter((p) => typeof p === "number" && p !== 0);
        if (hp.length > 0) bad.push(c.name);
        ports.push(...hp.map(String));
      }
      return bad.length > 0 ? ["hostPort", `${plural(bad)} uses hostPorts ${ports.join(", ")}`] : undefined;
    },
  },
  {
    id: "appArmorProfile",
    level: "baseline",
    run: (meta, spec) => {
      const bad: string[] = [];
      const ok = (t: unknown): boolean => t === undefined || t === "RuntimeDefault" || t === "Localhost";
      if (!ok(field(spec, "securityContext", "appArmorProfile", "type"))) bad.push("pod");
      for (const c of containers(spec))
        if (!ok(field(c.sc, "appArmorProfile", "type"))) bad.push(`container ${JSON.stringify(c.name)}`);
      for (const [k, v] of Object.entries(asRecord(field(meta, "annotations")) ?? {})) {
        if (!k.startsWith("container.apparmor.security.beta.kubernetes.io/")) continue;
        if (v !== "runtime/default" && !(typeof v === "string" && v.startsWith("localhost/")))
          bad.push(`annotation ${k}`);
      }
      return bad.length > 0
        ? [
            "forbidden AppArmor profile",
            `${bad.join(", ")} must not set an AppArmor profile other than RuntimeDefault or Localhost`,
          ]
        : undefined;
    },
  },
  {
    id: "seLinuxOptions",
    level: "baseline",
    run: (_m, spec, version) => {
      const types = compareMinor(version, "1.31") >= 0 ? SELINUX_TYPES_1_31 : SELINUX_TYPES;
      const bad: string[] = [];
      const check = (o: unknown, who: string): void => {
        const se = asRecord(o);
        if (se === undefined) return;
        const t = asString(se.type) ?? "";
        if (!types.includes(t) || (asString(se.user) ?? "") !== "" || (asString(se.role) ?? "") !== "")
          bad.push(who);
      };
      check(field(spec, "securityContext", "seLinuxOptions"), "pod");
      for (const c of containers(spec))
        check(field(c.sc, "seLinuxOptions"), `container ${JSON.stringify(c.name)}`);
      return bad.length > 0
        ? ["seLinuxOptions", `${bad.join(", ")} set forbidden securityContext.seLinuxOptions`]
        : undefined;
    },
  },
  {
    id: "procMount",
    level: "baseline",
    run: (_m, spec) => {
      const bad = containers(spec)
        .filter((c) => c.sc?.procMount !== undefined && c.sc.procMount !== "Default")
        .map((c) => c.name);
      return bad.length > 0
        ? ["procMount", `${plural(bad)} must not set securityContext.procMount to a value other than Default`]
        : undefined;
    },
  },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    run: (_m, spec) => {
      const bad: string[] = [];
      if (field(spec, "securityContext", "seccompProfile", "type") === "Unconfined") bad.push("pod");
      for (const c of containers(spec))
        if (field(c.sc, "seccompProfile", "type") === "Unconfined")
          bad.push(`container ${JSON.stringify(c.name)}`);
      return bad.length > 0
        ? [
            "seccompProfile",
            `${bad.join(" and ")} must not set securityContext.seccompProfile.type to "Unconfined"`,
          ]
        : undefined;
    },
  },
  {
    id: "sysctls",
    level: "baseline",
    run: (_m, spec, version) => {
      const sysctls = asArray(field(spec, "securityContext", "sysctls"));
      if (sysctls.length === 0) return undefined;
      const allowed = new Set(SYSCTLS.filter(([v]) => compareMinor(version, v) >= 0).flatMap(([, s]) => s));
      const bad = sysctls.map((s) => asString(field(s, "name")) ?? "").filter((n) => !allowed.has(n));
      return bad.length > 0 ? ["forbidden sysctls", bad.join(", ")] : undefined;
    },
  },
  {
    id: "windowsHostProcess",
    level: "baseline",
    run: (_m, spec) => {
      const bad: string[] = [];
      if (field(spec, "securityContext", "windowsOptions", "hostProcess") === true) bad.push("pod");
      for (const c of containers(spec))
        if (field(c.sc, "windowsOptions", "hostProcess") === true)
          bad.push(`container ${JSON.stringify(c.name)}`);
      return bad.length > 0
        ? ["hostProcess", `${bad.join(", ")} must not set securityContext.windowsOptions.hostProcess=true`]
        : undefined;
    },
  },
  {
    id: "hostProbesAndHostLifecycle",
    level: "baseline",
    run: (_m, spec, version) => {
      if (compareMinor(version, "1.34") < 0) return undefined;
      const bad = new Set<string>();
      const hosts = new Set<string>();
      for (const c of containers(spec)) {
        for (const h of [
          field(c.c, "livenessProbe"),
          field(c.c, "readinessProbe"),
          field(c.c, "startupProbe"),
          field(c.c, "lifecycle", "postStart"),
          field(c.c, "lifecycle", "preStop"),
        ]) {
          for (const host of [field(h, "httpGet", "host"), field(h, "tcpSocket", "host")]) {
            if (typeof host === "string" && host !== "") {
              bad.add(c.name);
              hosts.add(host);
            }
          }
        }
      }
      return bad.size > 0
        ? ["probe or lifecycle host", `${plural([...bad])} uses disallowed hosts ${quote([...hosts].sort())}`]
        : undefined;
    },
  },
  {
    id: "restrictedVolumes",
    level: "restricted",
    overrides: "hostPathVolumes",
    run: (_m, spec) => {
      const bad: string[] = [];
      const types = new Set<string>();
      for (const v of asArray(spec.volumes).map(asRecord)) {
        if (v === undefined) continue;
        const kinds = Object.keys(v).filter((k) => k !== "name");
        if (kinds.length > 0 && kinds.every((k) => RESTRICTED_VOLUMES.has(k))) continue;
        bad.push(asString(v.name) ?? "");
        for (const k of kinds) if (!RESTRICTED_VOLUMES.has(k)) types.add(k);
      }
      return bad.length > 0
        ? [
            "restricted volume types",
            `volumes ${quote(bad)} use restricted volume types ${quote([...types].sort())}`,
          ]
        : undefined;
    },
  },
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    run: (_m, spec) => {
      if (isWindows(spec)) return undefined;
      const bad = containers(spec)
        .filter((c) => c.sc?.allowPrivilegeEscalation !== false)
        .map((c) => c.name);
      return bad.length > 0
        ? [
            "allowPrivilegeEscalation != false",
            `${plural(bad)} must set securityContext.allowPrivilegeEscalation=false`,
          ]
        : undefined;
    },
  },
  {
    id: "runAsNonRoot",
    level: "restricted",
    run: (_m, spec) => {
      const podValue = field(spec, "securityContext", "runAsNonRoot");
      const explicit = containers(spec)
        .filter((c) => c.sc?.runAsNonRoot === false)
        .map((c) => c.name);
      if (podValue === false || explicit.length > 0) {
        const who = [podValue === false ? "pod" : "", explicit.length > 0 ? plural(explicit) : ""].filter(
          Boolean,
        );
        return [
          "runAsNonRoot != true",
          `${who.join(" and ")} must not set securityContext.runAsNonRoot=false`,
        ];
      }
      const implicit = containers(spec)
        .filter((c) => c.sc?.runAsNonRoot === undefined && podValue !== true)
        .map((c) => c.name);
      return implicit.length > 0
        ? ["runAsNonRoot != true", `pod or ${plural(implicit)} must set securityContext.runAsNonRoot=true`]
        : undefined;
    },
  },
  {
    id: "runAsUser",
    level: "restricted",
    run: (_m, spec) => {
      const bad: string[] = [];
      if (field(spec, "securityContext", "runAsUser") === 0) bad.push("pod");
      for (const c of containers(spec))
        if (c.sc?.runAsUser === 0) bad.push(`container ${JSON.stringify(c.name)}`);
      return bad.length > 0 ? ["runAsUser=0", `${bad.join(" and ")} must not set runAsUser=0`] : undefined;
    },
  },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    overrides: "seccompProfile_baseline",
    run: (_m, spec) => {
      if (isWindows(spec)) return undefined;
      const valid = (t: unknown): boolean => t === "RuntimeDefault" || t === "Localhost";
      const podType = field(spec, "securityContext", "seccompProfile", "type");
      const explicit: string[] = [];
      if (podType !== undefined && !valid(podType)) explicit.push("pod");
      const implicit: string[] = [];
      for (const c of containers(spec)) {
        const t = field(c.sc, "seccompProfile", "type");
        if (t !== undefined && !valid(t)) explicit.push(`container ${JSON.stringify(c.name)}`);
        else if (t === undefined && !valid(podType)) implicit.push(c.name);
      }
      if (explicit.length > 0)
        return [
          "seccompProfile",
          `${explicit.join(" and ")} must not set securityContext.seccompProfile.type to a value other than RuntimeDefault or Localhost`,
        ];
      return implicit.length > 0
        ? [
            "seccompProfile",
            `pod or ${plural(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
          ]
        : undefined;
    },
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    overrides: "capabilities_baseline",
    run: (_m, spec) => {
      if (isWindows(spec)) return undefined;
      const noDrop: string[] = [];
      const badAdd: string[] = [];
      const caps = new Set<string>();
      for (const c of containers(spec)) {
        if (!asArray(field(c.sc, "capabilities", "drop")).includes("ALL")) noDrop.push(c.name);
        const extra = asArray(field(c.sc, "capabilities", "add"))
          .map(String)
          .filter((x) => x !== "NET_BIND_SERVICE");
        if (extra.length > 0) badAdd.push(c.name);
        for (const x of extra) caps.add(x);
      }
      const parts = [
        noDrop.length > 0 ? `${plural(noDrop)} must set securityContext.capabilities.drop=["ALL"]` : "",
        badAdd.length > 0
          ? `${plural(badAdd)} must not include ${quote([...caps].sort())} in securityContext.capabilities.add`
          : "",
      ].filter(Boolean);
      return parts.length > 0 ? ["unrestricted capabilities", parts.join("; ")] : undefined;
    },
  },
];

/** The checks a level runs: its own and the lower level's, without those its own replace. */
function checksOf(level: "baseline" | "restricted"): readonly Check[] {
  const active = CHECKS.filter((c) => level === "restricted" || c.level === "baseline");
  const overridden = new Set(active.map((c) => c.overrides).filter((x): x is string => x !== undefined));
  return active.filter((c) => !overridden.has(c.id));
}
const BASELINE = checksOf("baseline");
const RESTRICTED = checksOf("restricted");

/** The check ids of each level, for the docs. */
export const POD_SECURITY_CHECKS: readonly { id: string; level: string }[] = CHECKS.map((c) => ({
  id: c.id,
  level: c.level,
}));

/** Evaluates a pod (its metadata and spec) against a level of the Pod Security Standards for a version. */
export function evaluatePodSecurity(
  meta: Rec,
  spec: Rec,
  level: PodSecurityLevel,
  version: string,
): PodSecurityViolation[] {
  if (level === "privileged") return [];
  const out: PodSecurityViolation[] = [];
  for (const c of level === "restricted" ? RESTRICTED : BASELINE) {
    const r = c.run(meta, spec, version);
    if (r !== undefined) out.push({ check: c.id, level: c.level, reason: r[0], detail: r[1] });
  }
  return out;
}

import { describe, expect, it } from "vitest";
import { evaluatePodSecurity } from "./pod-security.js";

const restrictedPod = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  containers: [
    {
      name: "app",
      image: "app:1",
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    },
  ],
};
const checks = (
  spec: Record<string, unknown>,
  level: "baseline" | "restricted",
  version = "1.34",
  meta = {},
) => evaluatePodSecurity(meta, spec, level, version).map((v) => v.check);

// Cases from the upstream check tests (k8s.io/pod-security-admission/policy/check_*_test.go).
describe("Pod Security Standards, as the admission plugin checks them", () => {
  it("passes a pod written for restricted at both levels", () => {
    expect(checks(restrictedPod, "restricted")).toEqual([]);
    expect(checks(restrictedPod, "baseline")).toEqual([]);
  });

  it("lets baseline through what only restricted forbids", () => {
    const plain = { containers: [{ name: "app", image: "app:1" }] };
    expect(checks(plain, "baseline")).toEqual([]);
    expect(checks(plain, "restricted")).toEqual([
      "allowPrivilegeEscalation",
      "runAsNonRoot",
      "seccompProfile_restricted",
      "capabilities_restricted",
    ]);
  });

  it("forbids host namespaces, privileged, hostPath, hostPort and extra capabilities at baseline", () => {
    const bad = {
      hostNetwork: true,
      volumes: [{ name: "h", hostPath: { path: "/" } }],
      containers: [
        {
          name: "a",
          securityContext: { privileged: true, capabilities: { add: ["NET_ADMIN", "CHOWN"] } },
          ports: [{ containerPort: 80, hostPort: 80 }],
        },
      ],
    };
    expect(checks(bad, "baseline")).toEqual([
      "hostNamespaces",
      "privileged",
      "capabilities_baseline",
      "hostPathVolumes",
      "hostPorts",
    ]);
    // restrictedVolumes replaces hostPathVolumes at the restricted level, as upstream overrides it.
    expect(checks(bad, "restricted")).toContain("restrictedVolumes");
    expect(checks(bad, "restricted")).not.toContain("hostPathVolumes");
  });

  it("takes the container's setting over the pod's, and a container's false over the pod's true", () => {
    const spec = {
      ...restrictedPod,
      containers: [
        {
          ...restrictedPod.containers[0],
          securityContext: { ...restrictedPod.containers[0]?.securityContext, runAsNonRoot: false },
        },
      ],
    };
    const v = evaluatePodSecurity({}, spec, "restricted", "1.34");
    expect(v.map((x) => x.check)).toEqual(["runAsNonRoot"]);
    expect(v[0]?.detail).toBe('container "app" must not set securityContext.runAsNonRoot=false');
  });

  it("follows the version: sysctls allowed from 1.29, probe hosts checked from 1.34", () => {
    const sysctl = {
      securityContext: { sysctls: [{ name: "net.ipv4.tcp_keepalive_time", value: "60" }] },
      containers: [],
    };
    expect(checks(sysctl, "baseline", "1.28")).toEqual(["sysctls"]);
    expect(checks(sysctl, "baseline", "1.30")).toEqual([]);
    const probe = { containers: [{ name: "a", livenessProbe: { httpGet: { host: "10.0.0.1", port: 80 } } }] };
    expect(checks(probe, "baseline", "1.33")).toEqual([]);
    expect(checks(probe, "baseline", "1.34")).toEqual(["hostProbesAndHostLifecycle"]);
  });

  it("checks seccomp Unconfined, AppArmor annotations and SELinux types", () => {
    expect(
      checks({ securityContext: { seccompProfile: { type: "Unconfined" } }, containers: [] }, "baseline"),
    ).toEqual(["seccompProfile_baseline"]);
    expect(
      checks({ containers: [{ name: "a" }] }, "baseline", "1.34", {
        annotations: { "container.apparmor.security.beta.kubernetes.io/a": "unconfined" },
      }),
    ).toEqual(["appArmorProfile"]);
    expect(
      checks({ securityContext: { seLinuxOptions: { type: "spc_t" } }, containers: [] }, "baseline"),
    ).toEqual(["seLinuxOptions"]);
    expect(
      checks(
        { securityContext: { seLinuxOptions: { type: "container_engine_t" } }, containers: [] },
        "baseline",
        "1.30",
      ),
    ).toEqual(["seLinuxOptions"]);
    expect(
      checks(
        { securityContext: { seLinuxOptions: { type: "container_engine_t" } }, containers: [] },
        "baseline",
        "1.31",
      ),
    ).toEqual([]);
  });
});

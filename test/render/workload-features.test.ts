import { describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import type { Diagnostic } from "../../src/spec/diagnostic.js";
import { find } from "../helpers/render.js";

/** A medical-audit style app: an API and its Celery worker share an uploads volume. */
const BASE = `app: audit
volumes:
  uploads: { size: 10Gi, access: ReadWriteMany }
services:
  api:
    image: ghcr.io/acme/api:1.0.0
    port: 8000
    replicas: 2
    mounts: { uploads: /data/uploads }
workers:
  celery:
    image: ghcr.io/acme/api:1.0.0
    health: { exec: [celery, status] }
    replicas: 2
    mounts: { uploads: { path: /data/uploads, readOnly: true } }
security: { networkPolicies: true }
`;

function render(text: string, readFile?: (p: string) => string | undefined) {
  return renderSpec(text, { file: "a.yaml", ...(readFile ? { readFile } : {}) });
}

function objectsOf(text: string, readFile?: (p: string) => string | undefined): readonly KubeObject[] {
  const r = render(text, readFile);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics, null, 2));
  return r.value.objects;
}

function only(text: string, code: string): Diagnostic {
  const found = render(text).diagnostics.filter((d) => d.code === code);
  expect(found, `one ${code}`).toHaveLength(1);
  return found[0] as Diagnostic;
}

type Pod = {
  automountServiceAccountToken: boolean;
  volumes: {
    name: string;
    persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
    configMap?: { name: string };
    secret?: { secretName: string };
  }[];
  containers: { volumeMounts: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[] }[];
};
const template = (o: KubeObject) =>
  (o["spec"] as { template: { metadata: { annotations: Record<string, string> }; spec: Pod } }).template;

describe("volumes", () => {
  it("creates one claim and mounts it in each workload, read-only where asked", () => {
    const objects = objectsOf(BASE);
    const pvc = find(objects, "PersistentVolumeClaim", "uploads");
    expect(pvc["spec"]).toEqual({
      accessModes: ["ReadWriteMany"],
      resources: { requests: { storage: "10Gi" } },
    });
    expect(pvc.metadata.labels?.["app.kubernetes.io/instance"]).toBe("audit");
    const api = template(find(objects, "Deployment", "api")).spec;
    expect(api.volumes).toContainEqual({
      name: "vol-uploads",
      persistentVolumeClaim: { claimName: "uploads" },
    });
    expect(api.containers[0]?.volumeMounts).toContainEqual({
      name: "vol-uploads",
      mountPath: "/data/uploads",
    });
    const celery = template(find(objects, "Deployment", "celery")).spec;
    expect(celery.volumes).toContainEqual({
      name: "vol-uploads",
      persistentVolumeClaim: { claimName: "uploads", readOnly: true },
    });
    expect(celery.containers[0]?.volumeMounts).toContainEqual({
      name: "vol-uploads",
      mountPath: "/data/uploads",
      readOnly: true,
    });
  });

  it("refuses a ReadWriteOnce volume on a two-replica service, at the mount, naming the fix", () => {
    const d = only(BASE.replace("access: ReadWriteMany", "access: ReadWriteOnce"), "spec/rwo-volume-shared");
    expect(d.severity).toBe("error");
    expect(d.path).toEqual(["services", "api", "mounts", "uploads"]);
    expect(d.position?.line).toBe(9);
    expect(d.hint).toContain("ReadWriteMany");
  });

  it("refuses a ReadWriteOnce volume mounted by two one-pod workloads", () => {
    const text = BASE.replace("access: ReadWriteMany", "access: ReadWriteOnce").replaceAll(
      "replicas: 2",
      "replicas: 1",
    );
    const d = only(text, "spec/rwo-volume-shared");
    expect(d.message).toContain("services.api and workers.celery");
  });

  it("counts an autoscaler's maximum as the pods a ReadWriteOnce volume would need", () => {
    const text = BASE.replace("access: ReadWriteMany", "access: ReadWriteOnce")
      .replace(
        "    replicas: 2\n    mounts: { uploads: /data/uploads }",
        "    replicas: 1\n    autoscale: { min: 1, max: 3 }\n    mounts: { uploads: /data/uploads }",
      )
      .replace(/workers:[\s\S]*security/, "security");
    expect(only(text, "spec/rwo-volume-shared").message).toContain("up to 3 pods");
  });

  it("replaces a one-pod Deployment's rolling update with Recreate when it writes a ReadWriteOnce volume", () => {
    const text = BASE.replace("access: ReadWriteMany", "access: ReadWriteOnce")
      .replace("    replicas: 2\n    mounts", "    replicas: 1\n    mounts")
      .replace(/workers:[\s\S]*security/, "security");
    const d = find(objectsOf(text), "Deployment", "api")["spec"] as { strategy: unknown };
    expect(d.strategy).toEqual({ type: "Recreate" });
    const rwx = find(objectsOf(BASE), "Deployment", "api")["spec"] as { strategy: { type: string } };
    expect(rwx.strategy.type).toBe("RollingUpdate");
  });

  it("names an unknown volume with the one meant, and overlapping paths", () => {
    const d = only(
      BASE.replace("mounts: { uploads: /data/uploads }", "mounts: { upload: /data/uploads }"),
      "spec/unknown-volume",
    );
    expect(d.message).toContain("did you mean 'uploads'");
    const clash = only(
      BASE.replace(
        "mounts: { uploads: /data/uploads }",
        "mounts: { uploads: /data }\n    files: { /data/app.yaml: { content: x } }",
      ),
      "spec/mount-path-clash",
    );
    expect(clash.path).toEqual(["services", "api", "files", "/data/app.yaml"]);
  });
});

describe("configuration files", () => {
  const withFile = (content: string) =>
    BASE.replace(
      "    mounts: { uploads: /data/uploads }",
      `    mounts: { uploads: /data/uploads }\n    env: { MODEL: gpt }\n    files:\n      /etc/app/config.yaml: { content: ${JSON.stringify(content)} }`,
    );

  it("mounts each file alone from the workload's ConfigMap, read-only", () => {
    const objects = objectsOf(withFile("model: os.environ/MODEL\n"));
    expect(find(objects, "ConfigMap", "api-files")["data"]).toEqual({
      "etc_app_config.yaml": "model: os.environ/MODEL\n",
    });
    const pod = template(find(objects, "Deployment", "api")).spec;
    expect(pod.containers[0]?.volumeMounts).toContainEqual({
      name: "files",
      mountPath: "/etc/app/config.yaml",
      subPath: "etc_app_config.yaml",
      readOnly: true,
    });
  });

  it("rolls exactly the pods that mount a changed file", () => {
    const a = objectsOf(withFile("a: 1\n"));
    const b = objectsOf(withFile("a: 2\n"));
    const hash = (objects: readonly KubeObject[], name: string) =>
      template(find(objects, "Deployment", name)).metadata.annotations["kubeship.io/files-hash"];
    expect(hash(a, "api")).toBeDefined();
    expect(hash(a, "api")).not.toBe(hash(b, "api"));
    expect(template(find(a, "Deployment", "celery"))).toEqual(template(find(b, "Deployment", "celery")));
  });

  it("reads a file next to the spec at render time", () => {
    const text = BASE.replace(
      "    mounts: { uploads: /data/uploads }",
      "    mounts: { uploads: /data/uploads }\n    files: { /etc/nginx/nginx.conf: { from: ./nginx.conf } }",
    );
    const seen: string[] = [];
    const objects = objectsOf(text, (p) => (seen.push(p), "worker_processes 1;\n"));
    expect(seen).toEqual(["./nginx.conf"]);
    expect(find(objects, "ConfigMap", "api-files")["data"]).toEqual({
      "etc_nginx_nginx.conf": "worker_processes 1;\n",
    });
    const missing = renderSpec(text, { file: "a.yaml", readFile: () => undefined });
    expect(missing.ok).toBe(false);
    const d = missing.diagnostics.find((x) => x.code === "spec/file-unreadable");
    expect(d?.path).toEqual(["services", "api", "files", "/etc/nginx/nginx.conf", "from"]);
    expect(d?.position?.line).toBeGreaterThan(8);
  });

  it("warns of a variable the file reads that the workload does not have (Kubernetes expands none)", () => {
    const d = only(
      withFile("key: os.environ/OPENAI_API_KEY\nmodel: ${MODEL}\nurl: ${DB_URL:-x}\n"),
      "spec/file-unknown-variable",
    );
    expect(d.message).toContain("'DB_URL', 'OPENAI_API_KEY'");
    expect(d.message).not.toContain("'MODEL'");
    expect(d.path).toEqual(["services", "api", "files", "/etc/app/config.yaml"]);
  });

  it("keeps secret files out of the output: a Secret the deploy fills from the file", () => {
    const text = BASE.replace(
      "    mounts: { uploads: /data/uploads }",
      "    mounts: { uploads: /data/uploads }\n    files: { /etc/tls/client.key: { secret: true, from: ./client.key } }",
    );
    const r = render(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.objects.some((o) => o.kind === "Secret")).toBe(false);
    expect(r.value.secrets).toContainEqual({
      name: "api-files",
      keys: ["etc_tls_client.key"],
      source: "external",
      files: { "etc_tls_client.key": "./client.key" },
    });
    const pod = template(find(r.value.objects, "Deployment", "api")).spec;
    expect(pod.volumes).toContainEqual({
      name: "secret-files",
      secret: { secretName: "api-files", defaultMode: 0o440 },
    });
  });

  it("refuses a path that cannot be a ConfigMap key and two paths with one key", () => {
    expect(
      only(withFile("x").replace("/etc/app/config.yaml", "/etc/../passwd"), "spec/invalid-file-path")
        .severity,
    ).toBe("error");
    const two = withFile("x").replace(
      "      /etc/app/config.yaml:",
      "      /etc/app_config.yaml: { content: y }\n      /etc/app/config.yaml:",
    );
    expect(only(two, "spec/file-key-clash").severity).toBe("error");
  });
});

describe("vertical autoscaling", () => {
  const spec = (autoscale: string) =>
    BASE.replace(
      "    replicas: 2\n    mounts: { uploads: /data/uploads }",
      `    autoscale: ${autoscale}\n    mounts: { uploads: /data/uploads }`,
    );

  it("refuses an HPA and a VPA both on CPU, at autoscale.vertical", () => {
    const d = only(
      spec("{ min: 2, max: 5, cpu: 70, vertical: { mode: Recreate } }"),
      "spec/hpa-vpa-conflict",
    );
    expect(d.severity).toBe("error");
    expect(d.path).toEqual(["services", "api", "autoscale", "vertical"]);
    expect(d.position?.line).toBe(8);
    expect(d.hint).toContain("resources: [memory]");
  });

  it("allows a VPA on memory beside a CPU HPA, or one that only recommends", () => {
    for (const ok of [
      "{ min: 2, max: 5, cpu: 70, vertical: { resources: [memory], max: { memory: 2Gi } } }",
      "{ min: 2, max: 5, memory: 70, cpu: 60, vertical: { mode: 'Off' } }",
    ]) {
      const r = render(spec(ok));
      expect(
        r.diagnostics.filter((d) => d.severity === "error"),
        ok,
      ).toEqual([]);
    }
    const objects = objectsOf(
      spec("{ min: 2, max: 5, cpu: 70, vertical: { resources: [memory], max: { memory: 2Gi } } }"),
    );
    expect(find(objects, "VerticalPodAutoscaler", "api")["spec"]).toEqual({
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
      updatePolicy: { updateMode: "Recreate" },
      resourcePolicy: {
        containerPolicies: [
          {
            containerName: "api",
            controlledResources: ["memory"],
            controlledValues: "RequestsAndLimits",
            maxAllowed: { memory: "2Gi" },
          },
        ],
      },
    });
    expect(objects.some((o) => o.kind === "HorizontalPodAutoscaler")).toBe(true);
  });

  it("renders a VPA alone without an HPA, keeping the replicas", () => {
    const objects = objectsOf(spec("{ vertical: { mode: InPlaceOrRecreate } }"));
    expect(objects.some((o) => o.kind === "HorizontalPodAutoscaler" && o.metadata.name === "api")).toBe(
      false,
    );
    expect(find(objects, "VerticalPodAutoscaler", "api")).toBeDefined();
  });

  it("warns that mode Auto is deprecated, and needs min and max together", () => {
    expect(only(spec("{ vertical: { mode: Auto } }"), "spec/vpa-auto-deprecated").severity).toBe("warning");
    expect(only(spec("{ min: 2 }"), "spec/autoscale-range").message).toContain("max is missing");
  });
});

describe("API permissions", () => {
  const spec = (rules: string, key = "permissions") =>
    BASE.replace(
      "    mounts: { uploads: /data/uploads }",
      `    mounts: { uploads: /data/uploads }\n    ${key}:\n${rules}`,
    );

  it("binds a Role to the workload's own account, mounts its token, and lets it reach the API", () => {
    const objects = objectsOf(
      spec("      - { resources: [configmaps], verbs: [get, list, watch], names: [audit-config] }"),
    );
    expect(find(objects, "Role", "api")["rules"]).toEqual([
      {
        apiGroups: [""],
        resources: ["configmaps"],
        verbs: ["get", "list", "watch"],
        resourceNames: ["audit-config"],
      },
    ]);
    const binding = find(objects, "RoleBinding", "api");
    expect(binding["roleRef"]).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "api" });
    expect(binding["subjects"]).toEqual([{ kind: "ServiceAccount", name: "api", namespace: "audit" }]);
    expect(template(find(objects, "Deployment", "api")).spec.automountServiceAccountToken).toBe(true);
    expect(template(find(objects, "Deployment", "celery")).spec.automountServiceAccountToken).toBe(false);
    const egress = (name: string) =>
      JSON.stringify((find(objects, "NetworkPolicy", name)["spec"] as { egress?: unknown }).egress ?? []);
    expect(egress("api")).toContain("6443");
    expect(egress("celery")).not.toContain("6443");
  });

  it("makes cluster permissions a ClusterRole named and labelled with the namespace", () => {
    const objects = objectsOf(
      spec("      - { resources: [nodes], verbs: [get, list] }", "clusterPermissions"),
    );
    const role = find(objects, "ClusterRole", "audit-api");
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.metadata.labels?.["kubeship.io/namespace"]).toBe("audit");
    expect(find(objects, "ClusterRoleBinding", "audit-api")["subjects"]).toEqual([
      { kind: "ServiceAccount", name: "api", namespace: "audit" },
    ]);
  });

  it("warns at the rule of what lint flags as dangerous", () => {
    const r = render(
      spec(
        [
          "      - { resources: [secrets], verbs: [list] }",
          "      - { resources: ['*'], verbs: [get] }",
          "      - { resources: [pods/exec], verbs: [create] }",
          "      - { apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind, escalate] }",
          "      - { resources: [secrets], verbs: [get], names: [one] }",
        ].join("\n"),
      ),
    );
    expect(r.ok).toBe(true);
    const found = r.diagnostics
      .filter((d) => d.code.startsWith("spec/rbac-"))
      .map((d) => `${d.code} ${String(d.path.at(-1))}`);
    expect(found).toEqual([
      "spec/rbac-read-secrets 0",
      "spec/rbac-wildcard 1",
      // A wildcard resource reaches secrets and pods/exec too.
      "spec/rbac-read-secrets 1",
      "spec/rbac-pod-exec 1",
      "spec/rbac-pod-exec 2",
      "spec/rbac-escalation 3",
    ]);
  });
});

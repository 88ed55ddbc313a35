import type { IContainer, IEnvVar, IPodSpec } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderSpec } from "../../src/app.js";
import { emitStream, emitYamlFiles } from "../../src/emit/yaml.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { find, ofKind, readRepoFile, renderFile, SPECS } from "../helpers/render.js";
import { readLikeKubectl } from "../helpers/go-yaml.js";
import { schemaError } from "../helpers/validate.js";

/** The pod spec of a workload object, wherever its kind keeps it. */
function podSpec(o: KubeObject): IPodSpec | undefined {
  const spec = o["spec"] as Record<string, unknown> | undefined;
  if (o.kind === "CronJob")
    return (spec?.["jobTemplate"] as { spec: { template: { spec: IPodSpec } } }).spec.template.spec;
  if (["Deployment", "StatefulSet", "Job"].includes(o.kind))
    return (spec?.["template"] as { spec: IPodSpec }).spec;
  return undefined;
}

function containers(
  objects: readonly KubeObject[],
): { owner: KubeObject; c: IContainer; pod: IPodSpec; init: boolean }[] {
  return objects.flatMap((o) => {
    const pod = podSpec(o);
    return pod
      ? [
          ...(pod.initContainers ?? []).map((c) => ({ owner: o, c, pod, init: true })),
          ...pod.containers.map((c) => ({ owner: o, c, pod, init: false })),
        ]
      : [];
  });
}

const envNames = (c: IContainer): string[] => (c.env ?? []).map((e: IEnvVar) => e.name);

describe.each(SPECS)("render %s", (path) => {
  const { objects, model } = renderFile(path);

  it("is valid against the Kubernetes and CRD schemas", async () => {
    for (const o of objects) expect(await schemaError(o), `${o.kind}/${o.metadata.name}`).toBeUndefined();
  });

  it("writes YAML that reads back as exactly the objects, in YAML 1.1 and 1.2, and in kubectl's Go reader", () => {
    const stream = emitStream(objects);
    const docs = stream.split(/^---\n/m).slice(1);
    expect(docs.map((d) => parse(d, { version: "1.1" }) as unknown)).toEqual(objects);
    expect(docs.map((d) => parse(d) as unknown)).toEqual(objects);
    expect(readLikeKubectl([stream])[0]).toEqual({ docs: objects });
  });

  it("turns off service-link variables in every pod (cp-kafka exits on KAFKA_PORT; they mislead apps)", () => {
    const pods = objects.map(podSpec).filter((p) => p !== undefined);
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) expect(pod.enableServiceLinks).toBe(false);
  });

  it("renders byte-identical output every time", () => {
    const again = renderFile(path);
    expect(emitStream(again.objects)).toBe(emitStream(objects));
    expect([...emitYamlFiles(again.objects)]).toEqual([...emitYamlFiles(objects)]);
  });

  it("keeps every name within 63 characters and unique per kind", () => {
    const seen = new Set<string>();
    for (const o of objects) {
      expect(o.metadata.name.length, o.metadata.name).toBeLessThanOrEqual(63);
      const key = `${o.kind}/${o.metadata.name}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it("pins, limits, probes and restricts every container", () => {
    for (const { owner, c, pod, init } of containers(objects)) {
      const where = `${owner.kind}/${owner.metadata.name}/${c.name}`;
      expect(c.image, where).toMatch(/(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
      expect(c.image, where).not.toMatch(/:latest$/);
      for (const r of ["cpu", "memory"]) {
        expect(c.resources?.requests?.[r], `${where} requests.${r}`).toBeDefined();
        expect(c.resources?.limits?.[r], `${where} limits.${r}`).toBeDefined();
      }
      const sc = c.securityContext;
      expect(sc?.allowPrivilegeEscalation, where).toBe(false);
      expect(sc?.capabilities?.drop, where).toEqual(["ALL"]);
      expect(sc?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, where).toBe(true);
      expect(pod.securityContext?.runAsUser, where).toBeGreaterThan(0);
      expect(pod.securityContext?.seccompProfile?.type, where).toBe("RuntimeDefault");
      // The API token only where the spec gives the workload permissions, bound to its own account.
      const own = model.workloads.find((w) => w.name === pod.serviceAccountName);
      const calls = own !== undefined && own.permissions.length + own.clusterPermissions.length > 0;
      expect(pod.automountServiceAccountToken, where).toBe(calls);
      expect(pod.serviceAccountName, where).toBeTruthy();
      // Jobs and init containers run to completion: the API allows no probes on init containers.
      const runsToCompletion = owner.kind === "Job" || owner.kind === "CronJob" || init;
      const isWorkerWithoutHealth = model.workloads.some(
        (w) => w.name === owner.metadata.name && w.kind === "worker" && w.health.readiness === undefined,
      );
      if (!runsToCompletion && !isWorkerWithoutHealth) {
        expect(c.readinessProbe, `${where} readiness`).toBeDefined();
        expect(c.livenessProbe, `${where} liveness`).toBeDefined();
      }
      if (sc?.readOnlyRootFilesystem !== true)
        expect(
          Object.keys(owner.metadata.annotations ?? {}),
          `${where} explains its writable root`,
        ).toContain("kubeship.io/waive.read-only-root-filesystem");
    }
  });

  it("wires every uses edge into the workload's env", () => {
    for (const w of model.workloads) {
      const o = objects.find(
        (x) => x.metadata.name === w.name && ["Deployment", "Job", "CronJob"].includes(x.kind),
      );
      const c = o && podSpec(o)?.containers[0];
      expect(c, w.name).toBeDefined();
      if (!c) continue;
      for (const dep of model.graph.dependenciesOf(w.name, "uses")) {
        const prefix = dep.toUpperCase().replace(/-/g, "_");
        const backing = model.backings.find((b) => b.name === dep);
        const expected =
          backing?.type === "external"
            ? [`${prefix}_URL`]
            : [`${prefix}_HOST`, `${prefix}_PORT`, `${prefix}_URL`];
        expect(envNames(c), `${w.name} uses ${dep}`).toEqual(expect.arrayContaining(expected));
      }
    }
  });

  it("never contains a secret value: no Secret objects, credentials only by secretKeyRef", () => {
    expect(ofKind(objects, "Secret")).toEqual([]);
    for (const { c } of containers(objects))
      for (const e of c.env ?? []) {
        // An S3 access key id is an identity, like a user name; its secret key is the secret.
        if (/PASSWORD|SECRET|_KEY$|TOKEN/.test(e.name) && !/_URL$|_ACCESS_KEY$/.test(e.name))
          expect(e.value, `${c.name} ${e.name}`).toBeUndefined();
      }
  });

  it("gives every secret reference a declared Secret requirement", () => {
    const { secrets } = renderFile(path);
    const declared = new Map(secrets.map((s) => [s.name, s.keys]));
    for (const { c } of containers(objects))
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref)
          expect(declared.get(ref.name ?? ""), `${c.name} -> ${ref.name}/${ref.key}`).toContain(ref.key);
      }
  });

  it("selects its own pods: every selector matches its pod template labels", () => {
    for (const o of objects) {
      const spec = (o["spec"] ?? {}) as {
        selector?: { matchLabels?: Record<string, string> };
        template?: { metadata?: { labels?: Record<string, string> } };
      };
      if (!spec.selector?.matchLabels || !spec.template) continue;
      for (const [k, v] of Object.entries(spec.selector.matchLabels))
        expect(spec.template.metadata?.labels?.[k], `${o.kind}/${o.metadata.name} ${k}`).toBe(v);
    }
  });

  it("puts everything in the app's namespace", () => {
    const clusterWide = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding"]);
    for (const o of objects.filter((x) => !clusterWide.has(x.kind)))
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(model.namespace);
    // Cluster-wide objects name and label the namespace they belong to.
    for (const o of objects.filter((x) => x.kind.startsWith("Cluster"))) {
      expect(o.metadata.name.startsWith(`${model.namespace}-`), o.metadata.name).toBe(true);
      expect(o.metadata.labels?.["kubeship.io/namespace"]).toBe(model.namespace);
    }
  });
});

describe("render details", () => {
  const sink = renderFile("test/fixtures/kitchen-sink.kubeship.yaml");

  it("allows exactly the uses edges in the NetworkPolicies", () => {
    const { objects, model } = sink;
    const from = (policy: KubeObject): string[] =>
      (
        (
          policy["spec"] as {
            ingress?: { from?: { podSelector?: { matchLabels?: Record<string, string> } }[] }[];
          }
        ).ingress ?? []
      )
        .flatMap((r) => r.from ?? [])
        .map((p) => p.podSelector?.matchLabels?.["app.kubernetes.io/name"])
        .filter((x): x is string => x !== undefined);
    const pg = find(objects, "NetworkPolicy", "pg");
    // Its users, and its own backup and restore jobs.
    expect(from(pg).sort()).toEqual(
      [...model.graph.dependentsOf("pg", "uses"), "pg-backup", "pg-restore"].sort(),
    );
    expect(from(find(objects, "NetworkPolicy", "api")).sort()).toEqual(["mailer", "web"]);
    const deny = find(objects, "NetworkPolicy", "sink-default-deny")["spec"] as {
      podSelector: object;
      policyTypes: string[];
    };
    expect(deny).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
    const web = find(objects, "NetworkPolicy", "web")["spec"] as {
      ingress: { from: { namespaceSelector?: { matchLabels?: object } }[] }[];
    };
    expect(web.ingress[0]?.from[0]?.namespaceSelector?.matchLabels).toEqual({
      "kubernetes.io/metadata.name": "ingress-nginx",
    });
    const api = find(objects, "NetworkPolicy", "api")["spec"] as {
      egress: { to: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }[];
    };
    expect(api.egress.find((r) => r.to[0]?.ipBlock)?.ports).toEqual([{ protocol: "TCP", port: 443 }]);
    // Clients reach a backing on its client port only, never its peer or console ports.
    const objectsPolicy = find(objects, "NetworkPolicy", "objects")["spec"] as {
      ingress: { from: object[]; ports: { port: number }[] }[];
    };
    expect(objectsPolicy.ingress[0]?.ports).toEqual([{ protocol: "TCP", port: 9000 }]);
    const scrape = find(objects, "NetworkPolicy", "pg")["spec"] as {
      ingress: { from: object[]; ports: { port: number }[] }[];
    };
    expect(scrape.ingress[1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
      ports: [{ protocol: "TCP", port: 9187 }],
    });
  });

  it("leaves replicas to the HPA and renders autoscaling/v2 behaviour", () => {
    const api = find(sink.objects, "Deployment", "api")["spec"] as Record<string, unknown>;
    expect(api["replicas"]).toBeUndefined();
    const hpa = find(sink.objects, "HorizontalPodAutoscaler", "api")["spec"] as Record<string, unknown>;
    expect(hpa["minReplicas"]).toBe(3);
    expect(hpa["maxReplicas"]).toBe(12);
    expect(hpa["metrics"]).toHaveLength(2);
    expect(hpa["behavior"]).toMatchObject({ scaleDown: { stabilizationWindowSeconds: 300 } });
    const stream = find(sink.objects, "Deployment", "stream")["spec"] as Record<string, unknown>;
    expect(stream["replicas"]).toBe(1);
    expect(
      sink.objects.some((o) => o.kind === "HorizontalPodAutoscaler" && o.metadata.name === "stream"),
    ).toBe(false);
  });

  it("renders a PodDisruptionBudget only where two or more pods run", () => {
    const pdbs = ofKind(sink.objects, "PodDisruptionBudget").map((o) => o.metadata.name);
    expect(pdbs).toEqual(expect.arrayContaining(["api", "web", "zk", "events", "ledger", "nats"]));
    expect(pdbs).not.toContain("stream");
    expect(pdbs).not.toContain("pg");
  });

  it("routes http and grpc services through separate Ingresses with TLS from cert-manager", () => {
    const http = find(sink.objects, "Ingress", "sink");
    const grpc = find(sink.objects, "Ingress", "sink-grpc");
    expect(http.metadata.annotations).toMatchObject({
      "cert-manager.io/cluster-issuer": "letsencrypt-prod",
      "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
    });
    expect(grpc.metadata.annotations).toMatchObject({
      "nginx.ingress.kubernetes.io/backend-protocol": "GRPC",
    });
    const spec = http["spec"] as {
      tls: { hosts: string[]; secretName: string }[];
      rules: { host: string; http: { paths: { path: string }[] } }[];
    };
    expect(spec.tls).toEqual([{ hosts: ["sink.example.com"], secretName: "sink-tls" }]);
    expect(spec.rules[0]?.http.paths.map((p) => p.path)).toEqual(["/", "/api"]);
  });

  it("runs before-jobs as Jobs and schedules as CronJobs", () => {
    expect(find(sink.objects, "Job", "migrate")["spec"]).toMatchObject({
      backoffLimit: 2,
      activeDeadlineSeconds: 600,
    });
    expect(find(sink.objects, "CronJob", "nightly")["spec"]).toMatchObject({
      schedule: "0 3 * * *",
      concurrencyPolicy: "Forbid",
    });
  });

  it("creates topics, buckets and keyspaces with init jobs", () => {
    for (const name of ["queue-init", "events-init", "objects-init", "ledger-init"])
      expect(find(sink.objects, "Job", name)).toBeDefined();
    const c = (find(sink.objects, "Job", "objects-init")["spec"] as { template: { spec: IPodSpec } }).template
      .spec.containers[0];
    expect(c?.command).toEqual(["sh", "/opt/kubeship/minio/init.sh"]);
    expect(c?.env).toContainEqual({ name: "BUCKETS", value: "reports uploads" });
    // The app's own user may use these buckets and nothing else; workloads get its key, not root's.
    const files = find(sink.objects, "ConfigMap", "objects-files")["data"] as Record<string, string>;
    expect(files["init.sh"]).toContain('$mc mb --ignore-existing "target/$bucket"');
    const policy = JSON.parse(files["app-policy.json"] ?? "") as { Statement: { Resource: string[] }[] };
    expect(policy.Statement.flatMap((st) => st.Resource)).toEqual([
      "arn:aws:s3:::reports",
      "arn:aws:s3:::uploads",
      "arn:aws:s3:::reports/*",
      "arn:aws:s3:::uploads/*",
    ]);
  });

  it("keeps StatefulSet volumes when the set is deleted or scaled down", () => {
    for (const s of ofKind(sink.objects, "StatefulSet"))
      expect((s["spec"] as Record<string, unknown>)["persistentVolumeClaimRetentionPolicy"]).toEqual({
        whenDeleted: "Retain",
        whenScaled: "Retain",
      });
    const search = find(sink.objects, "StatefulSet", "search")["spec"] as {
      volumeClaimTemplates: { spec: { storageClassName?: string } }[];
    };
    expect(search.volumeClaimTemplates[0]?.spec.storageClassName).toBe("fast-ssd");
  });

  it("monitors every workload and backing with metrics", () => {
    const monitors = ofKind(sink.objects, "ServiceMonitor").map((o) => o.metadata.name);
    expect(monitors).toEqual(expect.arrayContaining(["api", "mailer", "pg", "cache", "objects"]));
    const mailerSvc = find(sink.objects, "Service", "mailer")["spec"] as {
      ports: { name: string; port: number }[];
    };
    expect(mailerSvc.ports).toEqual([
      { name: "metrics", port: 9200, targetPort: "metrics", protocol: "TCP" },
    ]);
    const rules = find(sink.objects, "PrometheusRule", "sink-alerts")["spec"] as {
      groups: { rules: { alert: string }[] }[];
    };
    expect(rules.groups[0]?.rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        "ApiHighErrorRate",
        "ApiHighLatencyP95",
        "KubeshipPodNotRunning",
        "KubeshipHpaAtMax",
        "KubeshipVolumeFillingUp",
      ]),
    );
    const dash = find(sink.objects, "ConfigMap", "sink-dashboard");
    expect(dash.metadata.labels?.["grafana_dashboard"]).toBe("1");
    const board = JSON.parse((dash["data"] as Record<string, string>)["sink.json"] ?? "") as {
      panels: { title: string }[];
    };
    expect(board.panels.map((p) => p.title)).toEqual(
      expect.arrayContaining(["CPU by workload", "api: requests/s", "api: p95 latency"]),
    );
  });

  it("labels the namespace for Pod Security admission", () => {
    expect(find(sink.objects, "Namespace", "sink-ns").metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
    });
  });

  it("applies an environment overlay", () => {
    const dev = renderFile("test/fixtures/kitchen-sink.kubeship.yaml", "dev");
    expect(ofKind(dev.objects, "HorizontalPodAutoscaler")).toEqual([]);
    expect((find(dev.objects, "Deployment", "api")["spec"] as Record<string, unknown>)["replicas"]).toBe(1);
    const pg = find(dev.objects, "StatefulSet", "pg")["spec"] as {
      volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[];
    };
    expect(pg.volumeClaimTemplates[0]?.spec.resources.requests.storage).toBe("1Gi");
    const prod = renderFile("test/fixtures/kitchen-sink.kubeship.yaml", "prod");
    const paths = (
      find(prod.objects, "Ingress", "sink")["spec"] as { rules: { http: { paths: { path: string }[] } }[] }
    ).rules[0]?.http.paths;
    expect(paths?.map((p) => p.path)).toEqual(["/api"]);
  });

  it("quotes YAML 1.1 booleans so kubectl reads them as strings", () => {
    const yaml = emitStream(sink.objects);
    expect(yaml).toContain('FEATURE_X: "on"');
    expect(yaml).toContain('value: "yes"');
    expect(yaml).not.toMatch(/[&*]a\d/);
  });

  it("builds an app spec written in code", () => {
    const r = renderSpec({ app: "code", services: { api: { image: "a:1", port: 80 } } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain("Deployment/api");
  });

  it("gives a secret listed twice one env entry (the API server refuses a repeated name)", () => {
    const r = renderSpec({
      app: "twice",
      secrets: { supplied: ["TOKEN"] },
      services: { api: { image: "a:1", port: 80, secrets: ["TOKEN", "TOKEN"] } },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = containers(r.value.objects).find((x) => x.owner.metadata.name === "api");
    expect(c && envNames(c.c).filter((n) => n === "TOKEN")).toEqual(["TOKEN"]);
  });

  it("refuses a spec with an unknown catalog version, naming its place", () => {
    const text = readRepoFile("examples/minitoolstream.kubeship.yaml").replace(
      'version: "2.11"',
      'version: "9.9"',
    );
    const r = renderSpec(text, { file: "m.yaml" });
    expect(r.ok).toBe(false);
    const unknown = r.diagnostics.find((d) => d.severity === "error");
    expect(unknown?.code).toBe("catalog/unknown-version");
    expect(unknown?.position?.line).toBeGreaterThan(30);
  });
});

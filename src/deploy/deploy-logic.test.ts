import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderSpec } from "../app.js";
import type { KubeObject } from "../render/kube-object.js";
import { fixFor, limitRangeViolations } from "./doctor.js";
import { explainApplyError } from "./engine.js";
import { DeployError } from "./errors.js";
import type { LiveObject } from "./kube/cluster.js";
import { ClusterError, UnreachableError } from "./kube/errors.js";
import { KubeHttp } from "./kube/http.js";
import { criticalFirst, deploySteps, deployWaves } from "../render/deploy-order.js";
import { classify, isImmutableError, pruneEntries } from "./plan.js";
import { readinessFromPods, readinessOf, serviceReadiness } from "./readiness.js";
import { generateSecretValue, parseSecretsFile, withSecretFileHashes } from "./secrets.js";

const live = (o: Record<string, unknown>): LiveObject => o as unknown as LiveObject;
const deployment = (
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  generation = 2,
): LiveObject =>
  live({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "n", generation },
    spec,
    status,
  });

describe("readinessOf", () => {
  it("follows kubectl rollout status for Deployments", () => {
    expect(readinessOf(deployment({ replicas: 2 }, { observedGeneration: 1 })).state).toBe("progressing");
    expect(
      readinessOf(
        deployment(
          { replicas: 2 },
          { observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 },
        ),
      ).message,
    ).toBe("1 old pods still running");
    expect(
      readinessOf(
        deployment(
          { replicas: 2 },
          { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 },
        ),
      ).state,
    ).toBe("ready");
    const stuck = deployment(
      { replicas: 2 },
      {
        observedGeneration: 2,
        conditions: [
          {
            type: "Progressing",
            status: "False",
            reason: "ProgressDeadlineExceeded",
            message: "ReplicaSet api-1 has timed out progressing.",
          },
        ],
      },
    );
    expect(readinessOf(stuck)).toEqual({
      state: "failed",
      message: "rollout exceeded its progress deadline: ReplicaSet api-1 has timed out progressing.",
    });
  });

  it("waits for StatefulSets to reach their update revision, and Jobs to complete", () => {
    const sts = (status: Record<string, unknown>): LiveObject =>
      live({
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db", generation: 1 },
        spec: { replicas: 1 },
        status: { observedGeneration: 1, ...status },
      });
    expect(
      readinessOf(sts({ currentRevision: "a", updateRevision: "b", updatedReplicas: 0, readyReplicas: 1 }))
        .state,
    ).toBe("progressing");
    expect(
      readinessOf(sts({ currentRevision: "b", updateRevision: "b", updatedReplicas: 1, readyReplicas: 1 }))
        .state,
    ).toBe("ready");
    const job = (conditions: unknown[]): LiveObject =>
      live({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "m" }, status: { conditions } });
    expect(readinessOf(job([{ type: "Complete", status: "True" }])).state).toBe("ready");
    expect(
      readinessOf(
        job([
          {
            type: "Failed",
            status: "True",
            reason: "BackoffLimitExceeded",
            message: "Job has reached the specified backoff limit",
          },
        ]),
      ),
    ).toEqual({
      state: "failed",
      message: "job failed: BackoffLimitExceeded Job has reached the specified backoff limit",
    });
  });
});

describe("readinessFromPods", () => {
  const pod = (
    name: string,
    owner: string,
    phase: string,
    extra: { ready?: boolean; revision?: string; deleting?: boolean } = {},
  ): LiveObject =>
    live({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        ownerReferences: [{ kind: "X", name: "x", uid: owner, controller: true }],
        ...(extra.revision === undefined ? {} : { labels: { "controller-revision-hash": extra.revision } }),
        ...(extra.deleting === true ? { deletionTimestamp: "2026-11-23T00:00:00Z" } : {}),
      },
      status: {
        phase,
        conditions: [{ type: "Ready", status: extra.ready === true ? "True" : "False" }],
      },
    });
  const sts = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): LiveObject =>
    live({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", uid: "s1", generation: 2 },
      spec: { replicas: 2, ...spec },
      status: { observedGeneration: 2, updateRevision: "db-new", ...status },
    });

  it("counts a StatefulSet's ready pods on its update revision, once the controller has seen the change", () => {
    const ready = [
      pod("db-0", "s1", "Running", { ready: true, revision: "db-new" }),
      pod("db-1", "s1", "Running", { ready: true, revision: "db-new" }),
    ];
    expect(readinessFromPods(sts({}), ready)).toEqual({ state: "ready", message: "2/2 pods ready" });
    // An old-revision pod, a pod not ready, another owner's pod, a pod being deleted: not counted.
    for (const second of [
      pod("db-1", "s1", "Running", { ready: true, revision: "db-old" }),
      pod("db-1", "s1", "Running", { ready: false, revision: "db-new" }),
      pod("db-1", "other", "Running", { ready: true, revision: "db-new" }),
      pod("db-1", "s1", "Running", { ready: true, revision: "db-new", deleting: true }),
    ])
      expect(readinessFromPods(sts({}), [ready[0] as LiveObject, second])).toBeUndefined();
    // The controller has not seen generation 2: the update revision it reports may be the old one.
    expect(readinessFromPods(sts({ observedGeneration: 1 }), ready)).toBeUndefined();
    // minReadySeconds asks for availability, which only the controller measures.
    expect(readinessFromPods(sts({}, { minReadySeconds: 10 }), ready)).toBeUndefined();
  });

  it("counts a Job done when enough of its pods succeeded, before its controller records it", () => {
    const job = (spec: Record<string, unknown>): LiveObject =>
      live({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "m", uid: "j1" }, spec, status: {} });
    const done = [pod("m-a", "j1", "Failed"), pod("m-b", "j1", "Succeeded")];
    expect(readinessFromPods(job({ completions: 1 }), done)).toEqual({
      state: "ready",
      message: "complete (1 of 1 pods succeeded)",
    });
    expect(readinessFromPods(job({ completions: 2 }), done)).toBeUndefined();
    expect(readinessFromPods(job({ completions: 1 }), [pod("m-a", "j1", "Running")])).toBeUndefined();
    // Indexed jobs and success policies are not a plain count: the controller decides.
    expect(readinessFromPods(job({ completions: 1, completionMode: "Indexed" }), done)).toBeUndefined();
    expect(readinessFromPods(job({ completions: 1, successPolicy: { rules: [] } }), done)).toBeUndefined();
    // Deployments are judged by their status alone.
    expect(
      readinessFromPods(deployment({ replicas: 1 }, {}), [pod("api-1", "d1", "Running", { ready: true })]),
    ).toBeUndefined();
  });
});

describe("serviceReadiness", () => {
  const slice = (service: string, ...endpoints: { ready?: boolean }[]): LiveObject =>
    live({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `${service}-abc`, labels: { "kubernetes.io/service-name": service } },
      endpoints: endpoints.map((c, i) => ({
        addresses: [`10.0.0.${String(i + 1)}`],
        ...(c.ready === undefined ? {} : { conditions: { ready: c.ready } }),
      })),
    });

  it("is ready once an endpoint is ready (an unknown condition counts as ready, as in the API)", () => {
    expect(serviceReadiness([])).toEqual({ state: "progressing", message: "no ready endpoints yet" });
    expect(serviceReadiness([slice("db", { ready: false })]).state).toBe("progressing");
    expect(serviceReadiness([slice("db", { ready: false }, { ready: true })])).toEqual({
      state: "ready",
      message: "1 endpoint ready",
    });
    expect(serviceReadiness([slice("db", {}), slice("db", { ready: true })]).message).toBe(
      "2 endpoints ready",
    );
  });

  it("waits for a CustomResourceDefinition to be established", () => {
    const crd = (status: string): LiveObject =>
      live({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "x.example.com" },
        status: { conditions: [{ type: "Established", status }] },
      });
    expect(readinessOf(crd("False")).state).toBe("progressing");
    expect(readinessOf(crd("True"))).toEqual({ state: "ready", message: "established" });
  });
});

describe("plan", () => {
  const desired = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "n" },
    spec: { replicas: 2 },
  } as unknown as KubeObject;
  it("classifies create, unchanged, update with the changed fields, and replace on an immutable field", () => {
    const current = live({
      ...desired,
      metadata: { ...desired.metadata, resourceVersion: "1", managedFields: [] },
      status: { replicas: 2 },
    });
    expect(classify(desired, undefined, current).action).toBe("create");
    expect(
      classify(
        desired,
        current,
        live({ ...current, metadata: { ...current.metadata, resourceVersion: "2" } }),
      ).action,
    ).toBe("unchanged");
    const updated = classify(desired, current, live({ ...current, spec: { replicas: 3 } }));
    expect(updated).toMatchObject({ action: "update", changes: ["spec.replicas: 2 -> 3"] });
    const immutable = new ClusterError(
      'Deployment.apps "api" is invalid: spec.selector: Invalid value: ...: field is immutable',
      422,
      "Invalid",
      { causes: [{ field: "spec.selector", message: "field is immutable" }] },
    );
    expect(isImmutableError(immutable)).toBe(true);
    expect(classify(desired, current, immutable)).toMatchObject({
      action: "replace",
      reason: "spec.selector cannot change in place: the object is deleted and created again",
    });
    expect(() => classify(desired, current, new ClusterError("forbidden", 403, "Forbidden"))).toThrow(
      "forbidden",
    );
  });

  it("never replaces a claim: a change the API refuses is an error that names the fix", () => {
    const claim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "uploads", namespace: "n" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
    } as unknown as KubeObject;
    const shrink = new ClusterError(
      'PersistentVolumeClaim "uploads" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
      422,
      "Invalid",
    );
    const attempt = () => classify(claim, live(claim), shrink);
    expect(attempt).toThrow(DeployError);
    expect(attempt).toThrow("PersistentVolumeClaim/uploads cannot change that way");
    try {
      attempt();
    } catch (e) {
      expect((e as DeployError).hint).toContain("can only grow");
    }
  });

  it("prunes what kubeship made before and the spec no longer has, never a claim", () => {
    const old = live({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "gone", namespace: "n" },
    });
    const pvc = live({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data-db-0", namespace: "n" },
    });
    expect(
      pruneEntries([desired], [live(desired as unknown as Record<string, unknown>), old, pvc]).map(
        (e) => e.ref.name,
      ),
    ).toEqual(["gone"]);
  });
});

describe("deployWaves", () => {
  it("orders the shop by its dependency graph", () => {
    const r = renderSpec(
      "app: a\nservices:\n  web: { image: w:1, port: 80, uses: [api] }\n  api: { image: a:1, port: 80, uses: [db, queue] }\njobs:\n  migrate: { image: a:1, uses: [db], before: [api] }\nbacking:\n  db: { type: postgresql }\n  queue: { type: kafka, topics: [t] }\n",
    );
    if (!r.ok) throw new Error("no render");
    const waves = deployWaves(r.value.model, r.value.objects).map(
      (w) => `${w.name}: ${w.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(" ")}`,
    );
    expect(waves[0]).toBe("namespace: Namespace/a");
    expect(waves[1]?.startsWith("config: ServiceAccount/")).toBe(true);
    expect(waves.slice(2)).toEqual([
      "db, queue: StatefulSet/db StatefulSet/queue",
      "queue-init: Job/queue-init",
      "migrate: Job/migrate",
      "api: Deployment/api",
      "web: Deployment/web",
      "scaling: PodDisruptionBudget/api PodDisruptionBudget/web",
    ]);
  });
});

describe("criticalFirst", () => {
  it("starts the nodes with the longest chain after them first", () => {
    const r = renderSpec(
      "app: a\nservices:\n  web: { image: w:1, port: 80, uses: [api, cache] }\n  api: { image: a:1, port: 80, uses: [queue] }\nbacking:\n  cache: { type: redis }\n  zk: { type: zookeeper }\n  queue: { type: kafka, uses: [zk], topics: [t] }\n",
    );
    if (!r.ok) throw new Error("no render");
    const steps = deploySteps(r.value.model, r.value.objects);
    // zk -> queue (and its topic job) -> api -> web is the critical chain; cache only feeds web.
    expect(criticalFirst(r.value.model, steps)).toEqual(["zk", "queue", "api", "cache", "web"]);
    // Each node's dependents wait for the endpoints of its Services (headless ones included).
    expect(steps.services.get("queue")).toEqual(expect.arrayContaining(["queue", "queue-headless"]));
    expect(steps.services.get("api")).toEqual(["api"]);
  });
});

describe("secrets", () => {
  it("generates 32 random alphanumerics, different every time", () => {
    const a = generateSecretValue();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateSecretValue()).not.toBe(a);
  });

  it("reads KEY=value files with comments and quotes", () => {
    expect([...parseSecretsFile("# comment\nA=1\nB = 'two words'\nC=\"x=y\"\n\nnot a line\n")]).toEqual([
      ["A", "1"],
      ["B", "two words"],
      ["C", "x=y"],
    ]);
  });
});

describe("secret files", () => {
  const app = renderSpec(
    `app: a
services:
  api:
    image: ghcr.io/acme/api:1.0.0
    port: 80
    files: { /etc/tls/key.pem: { secret: true, from: ./key.pem } }
  web:
    image: ghcr.io/acme/web:1.0.0
    port: 80
`,
  );
  if (!app.ok) throw new Error("the spec renders");
  const { objects, secrets } = app.value;
  const hashOf = (o: readonly KubeObject[], name: string) =>
    (
      o.find((x) => x.kind === "Deployment" && x.metadata.name === name)?.["spec"] as {
        template: { metadata: { annotations?: Record<string, string> } };
      }
    ).template.metadata.annotations?.["kubeship.io/secret-files-hash"];

  it("puts a hash of the file on the pods that mount it, so a new file rolls them, and never the value", () => {
    const one = withSecretFileHashes(objects, secrets, (_k, file) =>
      file === "./key.pem" ? "KEY-1" : undefined,
    );
    const two = withSecretFileHashes(objects, secrets, (_k, file) =>
      file === "./key.pem" ? "KEY-2" : undefined,
    );
    expect(hashOf(one, "api")).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(two, "api")).not.toBe(hashOf(one, "api"));
    expect(hashOf(one, "web")).toBeUndefined();
    expect(JSON.stringify(one)).not.toContain("KEY-1");
    // Unreadable: the objects stay as rendered; planSecrets reports the file.
    expect(withSecretFileHashes(objects, secrets, () => undefined)).toEqual(objects);
  });
});

describe("explainApplyError", () => {
  it("names the field and the manager of a conflict", () => {
    const e = new ClusterError(
      'Apply failed with 1 conflict: conflict with "helm" using apps/v1: .spec.template.spec.containers[name="api"].image',
      409,
      "Conflict",
    );
    const d = explainApplyError(e, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api" } });
    expect(d).toBeInstanceOf(DeployError);
    expect((d as DeployError).message).toBe(
      'Deployment/api: another field manager owns fields kubeship sets: .spec.template.spec.containers[name="api"].image (owned by helm)',
    );
  });
});

describe("connecting without any kubeconfig", () => {
  it("says what is missing instead of trying http://localhost:8080", async () => {
    const saved = { HOME: process.env["HOME"], KUBECONFIG: process.env["KUBECONFIG"] };
    const home = mkdtempSync(join(tmpdir(), "kubeship-home-"));
    process.env["HOME"] = home;
    delete process.env["KUBECONFIG"];
    try {
      await expect(KubeHttp.load()).rejects.toThrow(UnreachableError);
      await expect(KubeHttp.load()).rejects.toThrow(
        `no kubeconfig: KUBECONFIG is not set and ${join(home, ".kube", "config")} does not exist; pass --kubeconfig FILE or set KUBECONFIG`,
      );
    } finally {
      if (saved.HOME === undefined) delete process.env["HOME"];
      else process.env["HOME"] = saved.HOME;
      if (saved.KUBECONFIG === undefined) delete process.env["KUBECONFIG"];
      else process.env["KUBECONFIG"] = saved.KUBECONFIG;
    }
  });
});

describe("limitRangeViolations", () => {
  const app = renderSpec(
    "app: lr\nservices:\n  api:\n    image: api:1.0.0\n    port: 8080\n    resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: '1', memory: 256Mi } }\nbacking:\n  db: { type: postgresql, storage: 5Gi }\n",
  );
  if (!app.ok) throw new Error("no render");
  const objects = app.value.objects;
  const range = (limits: unknown[]): KubeObject => ({
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "lr" },
    spec: { limits },
  });

  it("names each container and claim the admission would refuse, and why", () => {
    const broken = limitRangeViolations(
      objects,
      range([
        { type: "Container", max: { memory: "128Mi" }, maxLimitRequestRatio: { cpu: "4" } },
        { type: "PersistentVolumeClaim", max: { storage: "2Gi" } },
      ]),
    );
    expect(broken).toContain("Deployment/api container api limits memory to 256Mi, above the maximum 128Mi");
    expect(broken).toContain(
      "Deployment/api container api cpu limit 1 is more than 4 times its request 100m",
    );
    expect(broken).toContain("StatefulSet/db claim data asks for storage 5Gi, above the maximum 2Gi");
  });

  it("admits what fits, filling missing values from the range's defaults as the admission does", () => {
    expect(
      limitRangeViolations(
        objects,
        range([
          { type: "Container", min: { cpu: "10m" }, max: { cpu: "4", memory: "8Gi" } },
          { type: "PersistentVolumeClaim", min: { storage: "1Gi" }, max: { storage: "100Gi" } },
        ]),
      ),
    ).toEqual([]);
    const bare: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "bare" },
      spec: { template: { spec: { containers: [{ name: "c", image: "x:1" }] } } },
    };
    expect(limitRangeViolations([bare], range([{ type: "Container", max: { cpu: "1" } }]))).toEqual([
      "Deployment/bare container c sets no cpu limit, and the maximum 1 requires one",
    ]);
    expect(
      limitRangeViolations(
        [bare],
        range([{ type: "Container", max: { cpu: "1" }, default: { cpu: "500m" } }]),
      ),
    ).toEqual([]);
  });
});

describe("fixFor", () => {
  it("points a pod the LimitRange or quota refused at the spec's resources", () => {
    // The API server's words (seen in the doctor test against the real control plane).
    for (const cause of [
      'pods "web-1" is forbidden: maximum memory usage per Container is 100Mi, but limit is 128Mi',
      'pods "web-1" is forbidden: minimum cpu usage per Pod is 200m, but request is 100m',
      'pods "web-1" is forbidden: exceeded quota: small, requested: pods=1, used: pods=3, limited: pods=3',
    ])
      expect(fixFor(cause)).toMatch(/LimitRange and ResourceQuota/);
    expect(fixFor("0/2 nodes are available: 2 Insufficient cpu")).toMatch(/lower its requests/);
  });
});

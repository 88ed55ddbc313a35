import { describe, expect, it } from "vitest";
import type { LiveObject } from "../../src/deploy/kube/cluster.js";
import { nodeHealth } from "../../src/deploy/node-health.js";
import { objectsByNode } from "../../src/render/node-objects.js";
import { renderFile } from "../helpers/render.js";

/** Node health as the dashboard colours it: the deploy's readiness rules, plus pods that cannot run. */
const app = renderFile("examples/medaudit.kubeship.yaml");
const nodes = objectsByNode(app.model, app.objects);
const nodeOf = (name: string) => {
  const n = nodes.find((x) => x.node === name);
  if (n === undefined) throw new Error(name);
  return n;
};
const deployment = (name: string, status: Record<string, unknown>, replicas = 2): LiveObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, generation: 1, uid: `uid-${name}` },
  spec: { replicas },
  status: { observedGeneration: 1, ...status },
});
const pod = (name: string, status: Record<string, unknown>): LiveObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { "app.kubernetes.io/name": "api" } },
  status,
});
const snapshot = (objects: LiveObject[], pods: LiveObject[] = []) => ({
  objects: new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o])),
  podsByNode: new Map([["api", pods]]),
});

describe("node health", () => {
  it("maps every workload and backing to the objects that run its pods", () => {
    expect(nodes.map((n) => n.node)).toEqual(["api", "celery", "migrate", "postgres", "redis"]);
    expect(
      nodeOf("postgres").objects.map((o) => `${o.role} ${o.object.kind}/${o.object.metadata.name}`),
    ).toEqual(["main StatefulSet/postgres"]);
  });

  it("is missing before a deploy, ready when the Deployment is", () => {
    expect(nodeHealth(app.model, nodeOf("api"), snapshot([])).state).toBe("missing");
    const ready = deployment("api", { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(nodeHealth(app.model, nodeOf("api"), snapshot([ready]))).toMatchObject({
      state: "ready",
      message: "Deployment/api: 2/2 available",
    });
  });

  it("is progressing while a rollout goes on, failed when a pod cannot be scheduled or pulled", () => {
    const rolling = deployment("api", { replicas: 3, updatedReplicas: 1, availableReplicas: 2 });
    expect(nodeHealth(app.model, nodeOf("api"), snapshot([rolling])).state).toBe("progressing");
    const unschedulable = pod("api-1", {
      phase: "Pending",
      conditions: [
        { type: "PodScheduled", status: "False", message: "0/2 nodes are available: 2 Insufficient cpu." },
      ],
    });
    expect(nodeHealth(app.model, nodeOf("api"), snapshot([rolling], [unschedulable]))).toMatchObject({
      state: "failed",
      message: "unschedulable: 0/2 nodes are available: 2 Insufficient cpu.",
    });
    const pulling = pod("api-2", {
      phase: "Pending",
      containerStatuses: [
        { name: "api", state: { waiting: { reason: "ImagePullBackOff", message: "not found" } } },
      ],
    });
    expect(nodeHealth(app.model, nodeOf("api"), snapshot([rolling], [pulling])).message).toBe(
      "cannot pull the image of container api: not found",
    );
  });

  it("stays progressing while a pod waits for its claim to bind (a moment of a normal start)", () => {
    const rolling = deployment("api", { replicas: 2, updatedReplicas: 2, availableReplicas: 1 });
    const binding = pod("api-3", {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          message: "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found",
        },
      ],
    });
    expect(nodeHealth(app.model, nodeOf("api"), snapshot([rolling], [binding])).state).toBe("progressing");
  });

  it("is failed when the Deployment's progress deadline passed", () => {
    const stuck = deployment("api", {
      conditions: [
        { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "too slow" },
      ],
    });
    expect(nodeHealth(app.model, nodeOf("api"), snapshot([stuck])).state).toBe("failed");
  });

  it("calls a managed backing external: kubeship does not run it", () => {
    const ops = renderFile("test/fixtures/operators.kubeship.yaml", "cloud");
    const n = objectsByNode(ops.model, ops.objects).find((x) => x.node === "ledger-db");
    if (n === undefined) throw new Error("ledger-db");
    expect(nodeHealth(ops.model, n, snapshot([])).state).toBe("external");
  });
});

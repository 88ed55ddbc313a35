import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { runDoctor } from "../../src/deploy/doctor.js";
import { Cluster, type LiveObject } from "../../src/deploy/kube/cluster.js";
import { destroy } from "../../src/deploy/status.js";
import { readRepoFile } from "../helpers/render.js";
import { installCrds, VPA_CRDS } from "./crds.js";
import { deploySpec } from "./deploy-spec.js";

/**
 * Volumes, files, permissions and vertical autoscaling of examples/medaudit on the local control
 * plane: the real PV controller binds the shared claim (to a static ReadWriteMany volume: nothing
 * provisions here), the Deployment controller rolls pods (kwok plays the kubelets), the RBAC
 * authorizer answers access reviews, and the VPA CRD validates the VPA (no VPA controller runs).
 */
const kubeconfig = inject("kubeconfig");
const cluster = await Cluster.connect({ kubeconfig });
const APP = "audit-features";
const NS = APP;
let removeCrds: (() => void) | undefined;

const FILE = `    mounts: { uploads: /data/uploads }
    autoscale: { min: 2, max: 6, cpu: 70 }`;

function spec(settings: string): string {
  const text = readRepoFile("examples/medaudit.kubeship.yaml").replace("app: medaudit", `app: ${APP}`);
  if (!text.includes(FILE)) throw new Error("the example changed: update this test");
  return text.replace(
    FILE,
    `    mounts: { uploads: /data/uploads }
    autoscale: { min: 2, max: 6, cpu: 70, vertical: { resources: [memory], max: { memory: 2Gi } } }
    files:
      /etc/medaudit/settings.yaml: { content: ${JSON.stringify(settings)} }
    permissions:
      - { resources: [configmaps], verbs: [get, watch], names: [${APP}-config] }
      - { resources: [pods], verbs: [list] }`,
  );
}

async function run(text: string): Promise<void> {
  await deploySpec(cluster, text);
}

const podNames = async (name: string): Promise<string[]> =>
  (await cluster.list("v1", "Pod", NS, `app.kubernetes.io/name=${name}`))
    .filter((p) => p.metadata.deletionTimestamp === undefined)
    .map((p) => p.metadata.name)
    .sort();

/** The API server's own answer (a SubjectAccessReview): may the workload's ServiceAccount do this? */
function allowed(verb: string, resource: string, name?: string): boolean {
  const review = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user: `system:serviceaccount:${NS}:api`,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${NS}`],
      resourceAttributes: { namespace: NS, verb, resource, ...(name === undefined ? {} : { name }) },
    },
  };
  const out = execFileSync("kubectl", ["--kubeconfig", kubeconfig, "create", "-f", "-", "-o", "json"], {
    input: JSON.stringify(review),
    encoding: "utf8",
  });
  return (JSON.parse(out) as { status?: { allowed?: boolean } }).status?.allowed === true;
}

beforeAll(() => {
  removeCrds = installCrds(kubeconfig, VPA_CRDS);
});

afterAll(async () => {
  const rendered = renderSpec(spec("a: 1\n"));
  if (rendered.ok) await destroy(cluster, rendered.value.model, true, () => undefined).catch(() => undefined);
  removeCrds?.();
});

describe("volumes, files, permissions and a VPA on a real control plane", () => {
  it("binds the shared claim, mounts it in the API and its workers, and accepts the VPA", async () => {
    const rendered = renderSpec(spec("a: 1\n"));
    if (!rendered.ok) throw new Error("renders");
    const doctor = await runDoctor(cluster, rendered.value);
    expect(doctor.checks.find((c) => c.name === "volume uploads")?.status).toBe("ok");
    expect(doctor.checks.find((c) => c.name === "VerticalPodAutoscaler CRD")?.status).toBe("ok");
    await run(spec("a: 1\n"));
    const claim = await cluster.get({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      name: "uploads",
      namespace: NS,
    });
    const status = claim?.["status"] as { phase?: string; accessModes?: string[] } | undefined;
    expect(status?.phase).toBe("Bound");
    expect(status?.accessModes).toEqual(["ReadWriteMany"]);
    const pods = await cluster.list("v1", "Pod", NS, "app.kubernetes.io/component in (service,worker)");
    const claimsOf = (p: LiveObject) =>
      (
        (p["spec"] as { volumes?: { persistentVolumeClaim?: { claimName: string } }[] }).volumes ?? []
      ).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
    expect(pods.length).toBe(4);
    for (const p of pods) expect(claimsOf(p), p.metadata.name).toEqual(["uploads"]);
    const vpa = await cluster.get({
      apiVersion: "autoscaling.k8s.io/v1",
      kind: "VerticalPodAutoscaler",
      name: "api",
      namespace: NS,
    });
    expect((vpa?.["spec"] as { updatePolicy: unknown }).updatePolicy).toEqual({ updateMode: "Recreate" });
  });

  it("lets the workload's account do what the spec granted and nothing else", () => {
    expect(allowed("get", "configmaps", `${APP}-config`)).toBe(true);
    expect(allowed("watch", "configmaps", `${APP}-config`)).toBe(true);
    expect(allowed("get", "configmaps", "other")).toBe(false);
    expect(allowed("update", "configmaps", `${APP}-config`)).toBe(false);
    expect(allowed("list", "pods")).toBe(true);
    expect(allowed("get", "secrets", "api-files")).toBe(false);
    expect(allowed("create", "pods")).toBe(false);
  });

  it("rolls exactly the pods that mount a changed file", async () => {
    const api = await podNames("api");
    const celery = await podNames("celery");
    await run(spec("a: 2\n"));
    const after = await podNames("api");
    expect(after).toHaveLength(2);
    expect(after.filter((p) => api.includes(p))).toEqual([]);
    expect(await podNames("celery")).toEqual(celery);
    const files = await cluster.get({
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "api-files",
      namespace: NS,
    });
    expect(files?.["data"]).toEqual({ "etc_medaudit_settings.yaml": "a: 2\n" });
  });

  it("grows the claim in place, and destroy keeps it until --delete-data", async () => {
    const before = await cluster.get({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      name: "uploads",
      namespace: NS,
    });
    await run(spec("a: 2\n").replace("uploads: { size: 50Gi", "uploads: { size: 60Gi"));
    const grown = await cluster.get({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      name: "uploads",
      namespace: NS,
    });
    expect(grown?.metadata.uid).toBe(before?.metadata.uid);
    expect(
      (grown?.["spec"] as { resources: { requests: { storage: string } } }).resources.requests.storage,
    ).toBe("60Gi");
    const rendered = renderSpec(spec("a: 2\n"));
    if (!rendered.ok) throw new Error("renders");
    await destroy(cluster, rendered.value.model, false, () => undefined);
    expect(await cluster.list("apps/v1", "Deployment", NS, `app.kubernetes.io/instance=${APP}`)).toEqual([]);
    expect(
      await cluster.list("rbac.authorization.k8s.io/v1", "Role", NS, `app.kubernetes.io/instance=${APP}`),
    ).toEqual([]);
    const kept = await cluster.get({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      name: "uploads",
      namespace: NS,
    });
    expect(kept?.metadata.uid).toBe(before?.metadata.uid);
    await destroy(cluster, rendered.value.model, true, () => undefined);
    const gone = await cluster.get({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      name: "uploads",
      namespace: NS,
    });
    expect(gone === undefined || gone.metadata.deletionTimestamp !== undefined).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { emitHelmChart } from "../../src/emit/helm/chart.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { renderFile, SPECS } from "../helpers/render.js";
import { HELM, keyed, parseObjects, run, writeTemp } from "../helpers/tools.js";

/** What a chart renders, as kubeship render would write it: Secrets (the chart's own) out, Helm's chart label out. */
function comparable(objects: readonly KubeObject[]): Record<string, KubeObject> {
  return keyed(
    objects
      .filter((o) => o.kind !== "Secret")
      .map((o) => {
        const labels = { ...(o.metadata.labels ?? {}) };
        delete labels["helm.sh/chart"];
        return { ...o, metadata: { ...o.metadata, labels } };
      }),
  );
}

const withoutNamespace = (objects: readonly KubeObject[]) =>
  keyed(objects.filter((o) => o.kind !== "Namespace"));

describe.each(SPECS)("helm chart of %s", (path) => {
  const app = renderFile(path);
  const chart = emitHelmChart(app);
  const ns = app.model.namespace;

  it("passes helm lint --strict", async () => {
    const dir = await writeTemp(chart);
    expect(run(HELM, ["lint", "--strict", dir])).toContain("0 chart(s) failed");
  });

  it("renders the same objects as kubeship render, whatever the release name", async () => {
    const dir = await writeTemp(chart);
    for (const release of ["one", "a-very-different-release"]) {
      const objects = parseObjects(run(HELM, ["template", release, dir, "--namespace", ns]));
      expect(comparable(objects)).toEqual(withoutNamespace(app.objects));
    }
  });

  it("creates the Namespace only when asked, with its Pod Security labels", async () => {
    const dir = await writeTemp(chart);
    const objects = parseObjects(
      run(HELM, ["template", "r", dir, "--namespace", ns, "--set", "namespace.create=true"]),
    );
    expect(comparable(objects)).toEqual(keyed(app.objects));
  });

  it("creates every Secret the app needs with the keys it needs, and no value in the chart itself", async () => {
    const dir = await writeTemp(chart);
    const secrets = parseObjects(run(HELM, ["template", "r", dir, "--namespace", ns])).filter(
      (o) => o.kind === "Secret",
    );
    const generated = app.secrets.filter((s) => s.source === "generated");
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(generated.map((s) => s.name).sort());
    for (const s of secrets) {
      const data = s["data"] as Record<string, string>;
      const req = generated.find((r) => r.name === s.metadata.name);
      expect(Object.keys(data).sort()).toEqual([...(req?.keys ?? [])].sort());
      for (const v of Object.values(data))
        expect(Buffer.from(v, "base64").toString()).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(s.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
    }
    const files = [...chart.entries()]
      .filter(([f]) => f.endsWith(".yaml"))
      .map(([, c]) => c)
      .join("\n");
    expect(files).not.toMatch(/password:\s+[A-Za-z0-9+/=]{20,}/);
  });
});

describe("helm chart values", () => {
  const app = renderFile("examples/shop.kubeship.yaml");
  const chart = emitHelmChart(app);
  const template = async (...set: string[]): Promise<Record<string, KubeObject>> => {
    const dir = await writeTemp(chart);
    return comparable(
      parseObjects(
        run(HELM, ["template", "r", dir, "--namespace", "demo-app", ...set.flatMap((s) => ["--set", s])]),
      ),
    );
  };

  /** The paths at which two objects differ. */
  function diffPaths(a: unknown, b: unknown, path = ""): string[] {
    if (JSON.stringify(a) === JSON.stringify(b)) return [];
    if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      return [...keys].flatMap((k) =>
        diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`),
      );
    }
    return [path];
  }

  function changes(before: Record<string, KubeObject>, after: Record<string, KubeObject>): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].sort().flatMap((k) => diffPaths(before[k], after[k]).map((p) => `${k}${p}`));
  }

  it("--set changes exactly what it names", async () => {
    const base = await template();
    expect(changes(base, await template("services.order-service.image.tag=2.0.0"))).toEqual([
      "Deployment/order-service/spec/template/spec/containers/0/image",
    ]);
    expect(changes(base, await template("backing.postgres.storage=50Gi"))).toEqual([
      "StatefulSet/postgres/spec/volumeClaimTemplates/0/spec/resources/requests/storage",
    ]);
    expect(changes(base, await template("services.user-service.autoscale.max=30"))).toEqual([
      "HorizontalPodAutoscaler/user-service/spec/maxReplicas",
    ]);
    expect(changes(base, await template("ingress.host=shop.example.com"))).toEqual([
      "Ingress/demo-app/spec/rules/0/host",
    ]);
    expect(changes(base, await template("services.user-service.resources.limits.memory=1Gi"))).toEqual([
      "Deployment/user-service/spec/template/spec/containers/0/resources/limits/memory",
    ]);
  });

  it("switches autoscaling off: replicas come back, the HPA goes", async () => {
    const after = await template(
      "services.user-service.autoscale.enabled=false",
      "services.user-service.replicas=4",
    );
    expect(after["HorizontalPodAutoscaler/user-service"]).toBeUndefined();
    expect((after["Deployment/user-service"]?.["spec"] as Record<string, unknown>)["replicas"]).toBe(4);
  });

  it("turns TLS on through cert-manager", async () => {
    const after = await template("ingress.tls.enabled=true", "ingress.tls.clusterIssuer=letsencrypt-prod");
    const ing = after["Ingress/demo-app"];
    expect(ing?.metadata.annotations?.["cert-manager.io/cluster-issuer"]).toBe("letsencrypt-prod");
    expect((ing?.["spec"] as { tls: unknown }).tls).toEqual([
      { hosts: ["demo-app.local"], secretName: "demo-app-tls" },
    ]);
  });

  it("switches monitoring objects off", async () => {
    const after = await template(
      "monitoring.serviceMonitor=false",
      "monitoring.alerts=false",
      "monitoring.dashboard=false",
    );
    expect(Object.keys(after).filter((k) => /ServiceMonitor|PrometheusRule|dashboard/.test(k))).toEqual([]);
  });

  it("rejects a value of the wrong type or an unknown key through values.schema.json", async () => {
    const dir = await writeTemp(chart);
    expect(() => run(HELM, ["template", "r", dir, "--set", "services.order-service.replicas=two"])).toThrow(
      /replicas/,
    );
    expect(() => run(HELM, ["template", "r", dir, "--set", "services.order-servic.replicas=2"])).toThrow(
      /order-servic/,
    );
  });

  it("uses an existing Secret when told to", async () => {
    const after = await template("secrets.postgres-credentials.existingSecret=my-pg");
    const env = (
      after["Deployment/order-service"]?.["spec"] as {
        template: {
          spec: {
            containers: { env: { name: string; valueFrom?: { secretKeyRef?: { name: string } } }[] }[];
          };
        };
      }
    ).template.spec.containers[0]?.env;
    expect(env?.find((e) => e.name === "POSTGRES_PASSWORD")?.valueFrom?.secretKeyRef?.name).toBe("my-pg");
    const dir = await writeTemp(chart);
    const secrets = parseObjects(
      run(HELM, ["template", "r", dir, "--set", "secrets.postgres-credentials.existingSecret=my-pg"]),
    ).filter((o) => o.kind === "Secret");
    expect(secrets.map((s) => s.metadata.name)).not.toContain("postgres-credentials");
  });

  it("ships a README that lists the values, a NOTES.txt and helpers", () => {
    expect(chart.get("README.md")).toContain('`services."order-service".image.tag`');
    expect(chart.get("templates/NOTES.txt")).toContain("kubectl get pods");
    expect(chart.get("templates/_helpers.tpl")).toContain('define "kubeship.selectorLabels"');
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { migrateIngresses } from "../../src/import/ingress.js";
import { manifestObjectsOf, parseManifests } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../../src/lint/lint.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { runCli } from "../helpers/cli.js";
import { schemasFor } from "../helpers/lint.js";
import { readRepoFile, ROOT, SPECS } from "../helpers/render.js";
import { schemaError } from "../helpers/validate.js";

const FIXTURE = join(ROOT, "test/fixtures/ingress/shop-ingress.yaml");

/** Lints the routes with the objects they refer to (Services): every finding, at restricted. */
async function lintWith(routes: readonly KubeObject[], others: readonly KubeObject[]) {
  const input = manifestObjectsOf([...others, ...routes], "migrated.yaml");
  return lintManifests(input, { ...DEFAULT_SETTINGS, podSecurity: "restricted" }, await schemasFor());
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe("kubeship migrate-ingress", () => {
  it("turns hand-written ingress-nginx Ingresses into Gateway API routes that lint clean, and lists what it could not translate", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "kubeship-migrate-")), "routes");
    const run = await runCli(["migrate-ingress", FIXTURE, "-o", out]);
    expect(run.code).toBe(0);
    expect(run.err).toContain("wrote");
    const files = filesUnder(out).map((f) => f.slice(out.length + 1));
    expect(files.filter((f) => f.endsWith(".yaml"))).toEqual([
      "shop/21-gateway-nginx.yaml",
      "shop/22-httproute-shop-api-https-redirect.yaml",
      "shop/22-httproute-shop-api.yaml",
      "shop/22-httproute-shop-https-redirect.yaml",
      "shop/22-httproute-shop.yaml",
      "shop/23-grpcroute-search.yaml",
    ]);
    const notes = readFileSync(join(out, "MIGRATION-NOTES.md"), "utf8");
    for (const key of ["limit-rps", "proxy-body-size", "enable-cors", "ImplementationSpecific"])
      expect(notes).toContain(key);
    expect(notes).not.toContain("proxy-read-timeout");

    const routes = filesUnder(out)
      .filter((f) => f.endsWith(".yaml"))
      .flatMap((f) =>
        parseManifests(readFileSync(f, "utf8"), f).objects.map((o) => o.object as unknown as KubeObject),
      );
    for (const r of routes) expect(await schemaError(r)).toBeUndefined();
    const services = parseManifests(readFileSync(FIXTURE, "utf8"), FIXTURE)
      .objects.map((o) => o.object as unknown as KubeObject)
      .filter((o) => o.kind === "Service");
    const report = await lintWith(routes, services);
    expect(report.findings).toEqual([]);

    const byName = (kind: string, name: string) =>
      routes.find((r) => r.kind === kind && r.metadata.name === name);
    // The named Service port became its number; the read timeout a backend timeout; TLS the listener.
    expect(byName("HTTPRoute", "shop")?.["spec"]).toEqual({
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: "nginx",
          sectionName: "https-shop-example-com",
        },
      ],
      hostnames: ["shop.example.com"],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ name: "frontend", port: 80 }],
          timeouts: { backendRequest: "300s" },
        },
      ],
    });
    expect(byName("Gateway", "nginx")?.metadata.annotations).toEqual({
      "cert-manager.io/cluster-issuer": "letsencrypt-prod",
    });
    expect(byName("GRPCRoute", "search")?.["spec"]).toMatchObject({
      rules: [
        {
          matches: [{ method: { type: "Exact", service: "acme.search.v1.Search" } }],
          backendRefs: [{ name: "search", port: 50051 }],
        },
      ],
    });
  });

  it("attaches to an existing Gateway when told, and writes none", () => {
    const objects = parseManifests(readFileSync(FIXTURE, "utf8"), FIXTURE).objects.map((o) => o.object);
    const m = migrateIngresses(objects, { gateway: { name: "public", namespace: "gateways" } });
    expect(m.objects.filter((o) => o.kind === "Gateway")).toEqual([]);
    for (const r of m.objects)
      expect((r["spec"] as { parentRefs: unknown[] }).parentRefs).toEqual([
        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "gateways" },
      ]);
    expect(m.notes.map((n) => n.key)).toContain("cert-manager.io/cluster-issuer");
  });

  it.each(SPECS)(
    "migrates kubeship's own Ingress output of %s to routes that lint clean with it",
    async (path) => {
      const r = renderSpec(readRepoFile(path).replace(/^ {2}api: gateway\n/m, ""), { file: path });
      if (!r.ok) {
        // The gateway fixture names a Gateway only Gateway API reads: as an Ingress spec it is refused.
        expect(path).toContain("gateway");
        return;
      }
      const ingresses = r.value.objects.filter((o) => o.kind === "Ingress");
      const m = migrateIngresses(r.value.objects);
      expect(m.ingresses).toBe(ingresses.length);
      const others = r.value.objects.filter((o) => o.kind !== "Ingress");
      const report = await lintWith(m.objects, others);
      expect(
        report.findings.filter((f) =>
          ["route-backend", "route-parent", "route-conflict", "schema"].includes(f.code),
        ),
      ).toEqual([]);
      expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
    },
  );

  it("refuses what it cannot read, and input without an Ingress, with exit 2 and nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeship-migrate-"));
    const out = join(dir, "routes");
    const services = join(dir, "services.yaml");
    writeFileSync(
      services,
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n",
    );
    const none = await runCli(["migrate-ingress", services, "-o", out]);
    expect(none.code).toBe(2);
    expect(none.err).toContain("no Ingress objects");
    const spec = await runCli(["migrate-ingress", join(ROOT, "examples/shop.kubeship.yaml"), "-o", out]);
    expect(spec.code).toBe(2);
    expect(spec.err).toContain("cannot be read; nothing was written");
    const bad = await runCli(["migrate-ingress", FIXTURE, "-o", out, "--gateway", "Public/x/y"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--gateway Public/x/y");
    expect(existsSync(out)).toBe(false);
  });
});

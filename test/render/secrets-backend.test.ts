import { describe, expect, it } from "vitest";
import { renderSpec } from "../../src/app.js";
import { manifestObjectsOf } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../../src/lint/lint.js";
import { schemasFor } from "../helpers/lint.js";
import { readRepoFile, errorCodes } from "../helpers/render.js";
import { schemaError } from "../helpers/validate.js";

const medaudit = (secrets: string): string =>
  readRepoFile("examples/medaudit.kubeship.yaml").replace(
    "secrets:\n  shared: [DJANGO_SECRET_KEY]\n",
    secrets,
  );

describe("secrets.backend: external-secrets", () => {
  it("writes an ExternalSecret for every Secret the app needs, from the store, by the key pattern", async () => {
    const r = renderSpec(
      medaudit(
        "secrets:\n  shared: [DJANGO_SECRET_KEY]\n  backend: external-secrets\n  store: { name: vault, kind: ClusterSecretStore }\n  remoteKey: 'kv/{env}/{app}/{secret}'\n  remoteKeys: { redis-credentials: kv/shared/redis }\n",
      ),
      { file: "medaudit.yaml" },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const external = r.value.objects.filter((o) => o.kind === "ExternalSecret");
    expect(external.map((o) => o.metadata.name).sort()).toEqual(r.value.secrets.map((s) => s.name).sort());
    const postgres = external.find((o) => o.metadata.name === "postgres-credentials");
    expect(postgres?.["spec"]).toMatchObject({
      refreshInterval: "1h",
      secretStoreRef: { name: "vault", kind: "ClusterSecretStore" },
      target: { name: "postgres-credentials", creationPolicy: "Owner" },
    });
    const data = (
      postgres?.["spec"] as { data: { secretKey: string; remoteRef: { key: string; property: string } }[] }
    ).data;
    expect(
      data.every(
        (d) =>
          d.remoteRef.key === "kv/default/medaudit/postgres-credentials" &&
          d.remoteRef.property === d.secretKey,
      ),
    ).toBe(true);
    const redis = external.find((o) => o.metadata.name === "redis-credentials");
    expect(JSON.stringify(redis)).toContain('"key":"kv/shared/redis"');
    for (const o of external) expect(await schemaError(o)).toBeUndefined();
    const report = lintManifests(
      manifestObjectsOf(r.value.objects, "m"),
      { ...DEFAULT_SETTINGS, podSecurity: "restricted" },
      await schemasFor(),
    );
    expect(report.findings).toEqual([]);
  });

  it("lets ESO's Password generator make generated credentials once, and reads supplied ones from the store", async () => {
    const text = readRepoFile("examples/codeplatform.kubeship.yaml").replace(
      /^secrets:\n/m,
      "secrets:\n  backend: external-secrets\n  store: { name: vault }\n  generated: generator\n",
    );
    const r = renderSpec(text, { file: "codeplatform.yaml" });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const password = r.value.objects.find((o) => o.kind === "Password");
    expect(password?.metadata.name).toBe("codeplatform-password");
    expect(password?.["spec"]).toMatchObject({ length: 32, symbols: 0 });
    const pg = r.value.objects.find(
      (o) => o.kind === "ExternalSecret" && o.metadata.name === "postgres-credentials",
    );
    const spec = pg?.["spec"] as {
      refreshPolicy: string;
      dataFrom: { rewrite: { regexp: { target: string } }[] }[];
    };
    expect(spec.refreshPolicy).toBe("CreatedOnce");
    const keys = r.value.secrets.find((s) => s.name === "postgres-credentials")?.keys ?? [];
    expect(spec.dataFrom.map((d) => d.rewrite[0]?.regexp.target)).toEqual([...keys].sort());
    const supplied = r.value.objects.find(
      (o) => o.kind === "ExternalSecret" && o.metadata.name === "codeplatform-supplied",
    );
    expect(JSON.stringify(supplied)).toContain(
      '"secretStoreRef":{"name":"vault","kind":"ClusterSecretStore"}',
    );
    for (const o of r.value.objects.filter((x) => x.kind === "ExternalSecret" || x.kind === "Password"))
      expect(await schemaError(o)).toBeUndefined();
  });

  it("refuses a backend without its store and a key pattern with an unknown placeholder, located", () => {
    expect(errorCodes(medaudit("secrets:\n  backend: external-secrets\n"))).toEqual([
      "spec/secrets-store-missing secrets.backend",
    ]);
    expect(
      errorCodes(
        medaudit(
          "secrets:\n  backend: external-secrets\n  store: { name: v }\n  remoteKey: '{cluster}/{secret}'\n",
        ),
      ),
    ).toEqual(["spec/secrets-remote-key secrets.remoteKey"]);
  });

  it("writes no ExternalSecret for the other backends", () => {
    for (const backend of ["generate", "sealed-secrets"]) {
      const r = renderSpec(medaudit(`secrets:\n  shared: [DJANGO_SECRET_KEY]\n  backend: ${backend}\n`), {
        file: "m.yaml",
      });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(r.value.objects.some((o) => o.kind === "ExternalSecret")).toBe(false);
    }
  });
});

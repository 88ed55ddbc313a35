import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { manifestObjectsOf } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../../src/lint/lint.js";
import { runCli } from "../helpers/cli.js";
import { schemasFor } from "../helpers/lint.js";
import { readRepoFile, ROOT } from "../helpers/render.js";
import { ensureKubeseal } from "../tools/go-tools.mjs";

/**
 * `kubeship seal` against the real kubeseal (v0.40.0, built from its Go module): what kubeship
 * seals, kubeseal's disaster-recovery mode opens with the controller's private key — the same
 * decryption the controller runs in the cluster.
 */
let kubeseal = "";
const dir = mkdtempSync(join(tmpdir(), "kubeship-seal-"));
const cert = join(dir, "cert.pem");
const key = join(dir, "key.pem");

beforeAll(() => {
  kubeseal = ensureKubeseal();
  // A controller key pair as sealed-secrets makes it: RSA 4096, a self-signed certificate.
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:4096",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-subj",
      "/CN=sealed-secret/O=sealed-secret",
      "-days",
      "2",
    ],
    { stdio: "ignore" },
  );
}, 900_000);

/** The Secrets kubeseal recovers from a folder of SealedSecrets: name -> key -> value. */
function unseal(folder: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const f of readdirSync(folder).filter((x) => x.endsWith(".yaml"))) {
    const text = execFileSync(kubeseal, ["--recovery-unseal", "--recovery-private-key", key, "-o", "json"], {
      input: readFileSync(join(folder, f)),
      encoding: "utf8",
    });
    const secret = JSON.parse(text) as {
      metadata: { name: string; namespace: string };
      data: Record<string, string>;
    };
    out.set(
      secret.metadata.name,
      Object.fromEntries(
        Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
      ),
    );
  }
  return out;
}

const encrypted = (folder: string, file: string): Record<string, string> =>
  (parse(readFileSync(join(folder, file), "utf8")) as { spec: { encryptedData: Record<string, string> } })
    .spec.encryptedData;

describe("kubeship seal, opened by the real kubeseal", () => {
  it("seals every Secret the app needs: generated values fresh, supplied ones as given, none in the clear", async () => {
    const spec = join(dir, "sink.yaml");
    writeFileSync(spec, readRepoFile("test/fixtures/kitchen-sink.kubeship.yaml"));
    // The secret file the spec names, next to it.
    mkdirSync(join(dir, "secrets"), { recursive: true });
    writeFileSync(join(dir, "secrets/client.key"), "-----BEGIN TEST KEY-----\n");
    const out = join(dir, "sealed");
    const missing = await runCli(["seal", spec, "--cert", cert, "-o", out]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("no value to seal for llm-credentials.LLM_API_KEY");

    process.env["LLM_API_KEY"] = "sk-test-0123456789";
    try {
      const run = await runCli(["seal", spec, "--cert", cert, "-o", out]);
      expect(run.code).toBe(0);
      expect(run.err).toMatch(/values generated, 2 supplied, 0 kept/);
    } finally {
      delete process.env["LLM_API_KEY"];
    }
    const files = readdirSync(out).filter((f) => f.endsWith(".yaml"));
    for (const f of files) expect(readFileSync(join(out, f), "utf8")).not.toContain("sk-test-0123456789");
    const secrets = unseal(out);
    expect(secrets.get("llm-credentials")).toEqual({ LLM_API_KEY: "sk-test-0123456789" });
    expect(secrets.get("api-files")).toEqual({ "etc_api_tls_client.key": "-----BEGIN TEST KEY-----\n" });
    const generated = [...secrets.entries()].filter(([n]) => n !== "llm-credentials" && n !== "api-files");
    expect(generated.length).toBeGreaterThan(3);
    for (const [, data] of generated)
      for (const v of Object.values(data)) expect(v).toMatch(/^[A-Za-z0-9]{32}$/);

    // Sealing again keeps what was sealed (a database keeps its password), byte for byte.
    const before = Object.fromEntries(files.map((f) => [f, encrypted(out, f)]));
    process.env["LLM_API_KEY"] = "sk-test-0123456789";
    try {
      const again = await runCli(["seal", spec, "--cert", cert, "-o", out]);
      expect(again.code).toBe(0);
      expect(again.err).toMatch(/0 values generated, 2 supplied, \d+ kept/);
    } finally {
      delete process.env["LLM_API_KEY"];
    }
    for (const f of files)
      for (const [k, v] of Object.entries(before[f] ?? {}))
        if (!f.includes("llm-credentials") && !f.includes("api-files")) expect(encrypted(out, f)[k]).toBe(v);
    expect(unseal(out)).toEqual(secrets);

    // The SealedSecrets lint clean against the sealed-secrets CRD.
    const objects = files.flatMap((f) => [parse(readFileSync(join(out, f), "utf8")) as unknown]);
    const report = lintManifests(manifestObjectsOf(objects, "sealed"), DEFAULT_SETTINGS, await schemasFor());
    expect(report.findings).toEqual([]);
    expect(report.unvalidated).toBeUndefined();
  });

  it("refuses a certificate it cannot read, with exit 2", async () => {
    const bad = join(dir, "bad.pem");
    writeFileSync(bad, "not a certificate");
    const run = await runCli([
      "seal",
      join(ROOT, "examples/medaudit.kubeship.yaml"),
      "--cert",
      bad,
      "-o",
      join(dir, "x"),
    ]);
    expect(run.code).toBe(2);
    expect(run.err).toContain("kubeseal --fetch-cert");
  });
});

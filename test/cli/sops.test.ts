import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { manifestObjectsOf } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../../src/lint/lint.js";
import { runCli } from "../helpers/cli.js";
import { schemasFor } from "../helpers/lint.js";
import { ROOT } from "../helpers/render.js";
import { ensureSops } from "../tools/go-tools.mjs";

/**
 * `kubeship seal --age` against the real sops (v3.13.3, built from its Go module): every file it
 * writes, sops decrypts with the recipient's identity, its MAC checked.
 */
let sops = "";
const dir = mkdtempSync(join(tmpdir(), "kubeship-sops-"));
const keyFile = join(dir, "age.key");
let recipient = "";
let other = "";

beforeAll(async () => {
  sops = ensureSops();
  const identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
  other = await identityToRecipient(await generateX25519Identity());
  writeFileSync(keyFile, `${identity}\n`);
}, 900_000);

function decrypt(file: string): { stringData: Record<string, string>; metadata: { name: string } } {
  const text = execFileSync(sops, ["decrypt", "--output-type", "json", file], {
    env: { ...process.env, SOPS_AGE_KEY_FILE: keyFile },
    encoding: "utf8",
  });
  return JSON.parse(text) as { stringData: Record<string, string>; metadata: { name: string } };
}

describe("kubeship seal --age, decrypted by the real sops", () => {
  it("writes every Secret as a SOPS file for the recipients; sops opens each; a second run keeps them", async () => {
    const out = join(dir, "sops");
    const spec = join(ROOT, "examples/codeplatform.kubeship.yaml");
    process.env["LLM_API_KEY"] = "sk-llm-test-value";
    const run = await runCli(["seal", spec, "--age", `${recipient},${other}`, "-o", out]).finally(() => {
      delete process.env["LLM_API_KEY"];
    });
    expect(run.code).toBe(0);
    const files = readdirSync(out)
      .filter((f) => f.endsWith(".enc.yaml"))
      .sort();
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(join(out, f), "utf8");
      const doc = parse(text) as {
        sops: { age: { recipient: string }[]; encrypted_regex: string };
        metadata: { name: string };
      };
      expect(doc.sops.age.map((a) => a.recipient)).toEqual([recipient, other]);
      expect(doc.sops.encrypted_regex).toBe("^(data|stringData)$");
      const secret = decrypt(join(out, f));
      expect(`${secret.metadata.name}.enc.yaml`).toBe(f);
      for (const v of Object.values(secret.stringData)) {
        if (f !== "codeplatform-supplied.enc.yaml") expect(v).toMatch(/^[A-Za-z0-9]{32}$/);
        expect(text).not.toContain(v);
      }
    }
    expect(decrypt(join(out, "codeplatform-supplied.enc.yaml")).stringData).toEqual({
      LLM_API_KEY: "sk-llm-test-value",
    });
    // Generated values are kept as they were encrypted (byte for byte); supplied ones are encrypted again.
    const generated = files.filter((f) => f !== "codeplatform-supplied.enc.yaml");
    const before = generated.map((f) => readFileSync(join(out, f), "utf8"));
    process.env["LLM_API_KEY"] = "sk-llm-test-value";
    const again = await runCli(["seal", spec, "--age", recipient, "-o", out]).finally(() => {
      delete process.env["LLM_API_KEY"];
    });
    expect(again.code).toBe(0);
    expect(again.err).toContain(`0 generated, 1 supplied, ${String(generated.length)} kept`);
    expect(generated.map((f) => readFileSync(join(out, f), "utf8"))).toEqual(before);

    // kubeship lint reads SOPS files as what reaches the cluster: no `sops` field, no plain text.
    const objects = files.map((f) => parse(readFileSync(join(out, f), "utf8")) as unknown);
    const report = lintManifests(manifestObjectsOf(objects, "sops"), DEFAULT_SETTINGS, await schemasFor());
    expect(report.findings).toEqual([]);
  });

  it("refuses a recipient that is not one, with exit 2", async () => {
    const bad = await runCli([
      "seal",
      join(ROOT, "examples/medaudit.kubeship.yaml"),
      "--age",
      "age1nope",
      "-o",
      join(dir, "x"),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("an age recipient is age1");
    const both = await runCli(["seal", join(ROOT, "examples/medaudit.kubeship.yaml"), "-o", join(dir, "x")]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("give --cert (SealedSecrets) or --age (SOPS files)");
  });
});

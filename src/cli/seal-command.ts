import type { Command } from "commander";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DeployError } from "../deploy/errors.js";
import { parseSecretsFile } from "../deploy/secrets.js";
import { SEALED_SECRET_API, type SealSource, sealingKey, sealSecrets } from "../deploy/seal.js";
import { isAgeRecipient, sopsSecrets } from "../deploy/sops.js";
import { fileTree } from "../emit/file-tree.js";
import { GENERATED_HEADER, objectFileName, objectToYaml } from "../emit/yaml.js";
import { writeTree } from "../io/write-tree.js";
import { parseManifests } from "../lint/input.js";
import { EXIT, type Terminal, UsageError } from "./io.js";
import { readNextToSpec, renderSpecFile, type SpecOptions, specPathOf, withSpec } from "./spec-input.js";

interface SealOptions extends SpecOptions {
  cert?: string;
  age?: string[];
  output: string;
  secretsFile?: string;
}

/** Adds `kubeship seal`. */
export function addSealCommand(program: Command, term: Terminal, state: { code: number }): void {
  withSpec(
    program
      .command("seal")
      .description(
        "write the app's Secrets encrypted, safe to commit: SealedSecrets for the cluster's sealed-secrets controller (--cert), or SOPS files for age recipients (--age)",
      ),
  )
    .option("--cert <file>", "the sealed-secrets controller's certificate (kubeseal --fetch-cert > cert.pem)")
    .option(
      "--age <recipient...>",
      "age recipients (age1...) to encrypt SOPS files for (what Flux's kustomize-controller or sops decrypts)",
    )
    .requiredOption(
      "-o, --output <dir>",
      "where to write the SealedSecrets (values sealed there before are kept)",
    )
    .option(
      "--secrets-file <file>",
      "KEY=value lines for external services' secrets (the environment is read first)",
    )
    .action(async (spec: string | undefined, opts: SealOptions) => {
      state.code = await sealCommand(term, specPathOf(spec, opts), opts);
    });
}

async function sealCommand(term: Terminal, specPath: string, opts: SealOptions): Promise<number> {
  if ((opts.cert === undefined) === (opts.age === undefined))
    throw new UsageError("give --cert (SealedSecrets) or --age (SOPS files), one of the two");
  if (opts.age !== undefined) return sopsCommand(term, specPath, { ...opts, age: opts.age });
  const certFile = opts.cert ?? "";
  const pem = await readFile(certFile, "utf8").catch((e: unknown) => {
    throw new UsageError(`--cert ${certFile}: cannot read it`, { cause: e });
  });
  const key = await asUsage(`--cert ${certFile}: `, () => sealingKey(pem));
  const secretsFile = await readSecretsFile(opts.secretsFile);
  const { app } = await renderSpecFile(term, specPath, opts);
  if (app === undefined) return EXIT.usage;
  const previous = await sealedBefore(opts.output, app.model.namespace);
  // A missing value is the user's input to give: usage (exit 2), with the fix.
  const sealed = await asUsage("", () =>
    sealSecrets(app.model, app.secrets, key, suppliedValues(specPath, secretsFile), previous),
  );
  const { objects, keys } = sealed;
  await writeTree(
    opts.output,
    fileTree(objects.map((o) => [objectFileName(o), GENERATED_HEADER + objectToYaml(o)] as const)),
  );
  const count = (how: string): number => keys.filter((k) => k.how === how).length;
  term.err(
    `wrote ${objects.length} SealedSecrets into ${opts.output}: ${count("generated")} values generated, ${count("supplied")} supplied, ${count("kept")} kept as sealed before\n`,
  );
  return EXIT.ok;
}

/** The encrypted data of the SealedSecrets already in the output directory (none when it is new). */
async function sealedBefore(dir: string, namespace: string): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  const files = await readdir(dir).catch(() => [] as string[]);
  for (const f of files.filter((x) => x.endsWith(".yaml"))) {
    const parsed = parseManifests(await readFile(join(dir, f), "utf8"), f);
    for (const o of parsed.objects) {
      if (o.apiVersion !== SEALED_SECRET_API || o.kind !== "SealedSecret" || o.namespace !== namespace)
        continue;
      const data =
        (o.object["spec"] as { encryptedData?: Record<string, unknown> } | undefined)?.encryptedData ?? {};
      out.set(
        o.name,
        Object.fromEntries(
          Object.entries(data).filter((e): e is [string, string] => typeof e[1] === "string"),
        ),
      );
    }
  }
  return out;
}

async function readSecretsFile(path: string | undefined): Promise<Map<string, string>> {
  return path === undefined
    ? new Map<string, string>()
    : parseSecretsFile(
        await readFile(path, "utf8").catch((e: unknown) => {
          throw new UsageError(`--secrets-file ${path}: cannot read it`, { cause: e });
        }),
      );
}

/** `kubeship seal --age ...`: SOPS-encrypted Secret manifests, one `<name>.enc.yaml` each. */
async function sopsCommand(
  term: Terminal,
  specPath: string,
  opts: SealOptions & { age: string[] },
): Promise<number> {
  const recipients = opts.age
    .flatMap((a) => a.split(","))
    .map((a) => a.trim())
    .filter((a) => a !== "");
  const bad = recipients.filter((r) => !isAgeRecipient(r));
  if (bad.length > 0 || recipients.length === 0)
    throw new UsageError(
      `--age ${bad.join(", ")}: an age recipient is age1 followed by 58 letters and digits (age-keygen -y key.txt)`,
    );
  const secretsFile = await readSecretsFile(opts.secretsFile);
  const { app } = await renderSpecFile(term, specPath, opts);
  if (app === undefined) return EXIT.usage;
  const previous = new Map<string, string>();
  for (const f of (await readdir(opts.output).catch(() => [] as string[])).filter((x) =>
    x.endsWith(".enc.yaml"),
  ))
    previous.set(f.slice(0, -".enc.yaml".length), await readFile(join(opts.output, f), "utf8"));
  const files = await asUsage("", () =>
    sopsSecrets(
      app.model,
      app.secrets,
      recipients,
      suppliedValues(specPath, secretsFile),
      previous,
      new Date(),
    ),
  );
  await writeTree(opts.output, fileTree(files.map((f) => [f.file, f.text] as const)));
  const count = (how: string): number => files.filter((f) => f.how === how).length;
  term.err(
    `wrote ${files.length} SOPS-encrypted Secrets into ${opts.output} for ${recipients.length} age recipient${recipients.length === 1 ? "" : "s"}: ${count("generated")} generated, ${count("supplied")} supplied, ${count("kept")} kept as encrypted before\n`,
  );
  return EXIT.ok;
}

/** Values supplied for sealing: the environment, then the secrets file; files next to the spec. */
function suppliedValues(specPath: string, secretsFile: ReadonlyMap<string, string>): SealSource {
  return (_secret, k, file) =>
    file === undefined ? (process.env[k] ?? secretsFile.get(k)) : readNextToSpec(specPath, file);
}

/** Runs a step whose DeployError is the user's to fix: a usage error (exit 2) with the fix. */
async function asUsage<T>(prefix: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof DeployError)
      throw new UsageError(`${prefix}${e.message}; ${e.hint ?? ""}`, { cause: e });
    throw e;
  }
}

import type { Command } from "commander";
import { fileTree } from "../emit/file-tree.js";
import { objectFileName, objectToYaml } from "../emit/yaml.js";
import { type Migration, migrateIngresses, type MigrationNote } from "../import/ingress.js";
import { InputError, listManifestSources, readSource } from "../io/manifests.js";
import { writeTree } from "../io/write-tree.js";
import { parseManifests } from "../lint/input.js";
import type { LintFinding } from "../lint/types.js";
import { reportDiagnostics } from "./spec-input.js";
import { EXIT, readSpecFile, type Terminal, UsageError } from "./io.js";

interface MigrateOptions {
  output: string;
  gateway?: string;
  gatewayClass?: string;
}

/** The first line of each file written. */
const MIGRATED_HEADER = `# Written by kubeship migrate-ingress from Ingress objects: review it with MIGRATION-NOTES.md, then edit freely.\n`;

/** The notes file written beside the routes. */
export const NOTES_FILE = "MIGRATION-NOTES.md";

/** Adds `kubeship migrate-ingress`. */
export function addMigrateIngressCommand(program: Command, term: Terminal, state: { code: number }): void {
  program
    .command("migrate-ingress")
    .description(
      "convert Ingress objects (with ingress-nginx annotations) into Gateway API routes, and list what has no translation",
    )
    .argument("<paths...>", "manifest files and directories (recursive), - for stdin")
    .requiredOption("-o, --output <dir>", "where to write the routes (and a Gateway per namespace and class)")
    .option(
      "--gateway <name[/namespace]>",
      "attach the routes to this existing Gateway instead of writing one per namespace and IngressClass",
    )
    .option(
      "--gateway-class <name>",
      "the GatewayClass of the Gateways written (default: the IngressClass's name)",
    )
    .action(async (paths: string[], opts: MigrateOptions) => {
      state.code = await migrateCommand(term, paths, opts);
    });
}

async function migrateCommand(
  term: Terminal,
  paths: readonly string[],
  opts: MigrateOptions,
): Promise<number> {
  const gateway = parseGateway(opts.gateway);
  const objects: unknown[] = [];
  const problems: LintFinding[] = [];
  const texts = new Map<string, string>();
  try {
    for (const source of await listManifestSources(paths, () => readSpecFile("-"))) {
      const t = await readSource(source);
      const parsed = parseManifests(t.text, t.file);
      for (const o of parsed.objects) objects.push(o.object);
      if (parsed.findings.length > 0) {
        problems.push(...parsed.findings);
        texts.set(t.file, t.text);
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message, { cause: e });
    throw e;
  }
  if (problems.length > 0) {
    reportDiagnostics(term, problems, texts);
    term.err("kubeship: the manifests above cannot be read; nothing was written\n");
    return EXIT.usage;
  }
  const migration = migrateIngresses(objects, {
    ...(gateway === undefined ? {} : { gateway }),
    ...(opts.gatewayClass === undefined ? {} : { gatewayClass: opts.gatewayClass }),
  });
  if (migration.ingresses === 0) throw new UsageError(`no Ingress objects in ${paths.join(", ")}`);
  // A directory per namespace: Ingresses of several namespaces may give objects of one name.
  const tree = fileTree([
    ...migration.objects.map((o) => {
      const ns = o.metadata.namespace;
      return [
        `${ns === undefined ? "" : `${ns}/`}${objectFileName(o)}`,
        MIGRATED_HEADER + objectToYaml(o),
      ] as const;
    }),
    [NOTES_FILE, notesText(migration)],
  ]);
  await writeTree(opts.output, tree);
  const kinds = (k: string): number => migration.objects.filter((o) => o.kind === k).length;
  term.err(
    `wrote ${opts.output}: ${kinds("HTTPRoute")} HTTPRoutes, ${kinds("GRPCRoute")} GRPCRoutes, ${kinds("Gateway")} Gateways from ${migration.ingresses} Ingresses; ${migration.notes.length} notes (in ${NOTES_FILE})\n`,
  );
  for (const n of migration.notes) term.err(`note: Ingress ${n.ingress}: ${n.key}: ${n.why}\n`);
  return EXIT.ok;
}

function parseGateway(text: string | undefined): { name: string; namespace?: string } | undefined {
  if (text === undefined) return undefined;
  const [name, namespace, extra] = text.split("/");
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  if (
    name === undefined ||
    !label.test(name) ||
    extra !== undefined ||
    (namespace !== undefined && !label.test(namespace))
  )
    throw new UsageError(
      `--gateway ${text}: write the Gateway as name or name/namespace (lower-case DNS labels)`,
    );
  return namespace === undefined ? { name } : { name, namespace };
}

function notesText(m: Migration): string {
  const byIngress = new Map<string, MigrationNote[]>();
  for (const n of m.notes) byIngress.set(n.ingress, [...(byIngress.get(n.ingress) ?? []), n]);
  const lines = [
    "# What kubeship migrate-ingress did not translate",
    "",
    m.notes.length === 0
      ? `Every setting of the ${String(m.ingresses)} Ingresses has a Gateway API form in these files.`
      : "Each of these needs a decision: the gateway implementation's own policy, or a change by hand.",
    "",
  ];
  for (const [ingress, notes] of [...byIngress].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`## Ingress ${ingress}`, "");
    for (const n of notes) lines.push(`- \`${n.key}\`: ${n.why}`);
    lines.push("");
  }
  return lines.join("\n");
}

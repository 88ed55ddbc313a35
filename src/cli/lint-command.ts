import { type Command, Option } from "commander";
import {
  buildKustomization,
  InputError,
  listManifestSources,
  loadSchemas,
  type ManifestSource,
  readIfExists,
  readSource,
  schemaVersions,
  templateHelmChart,
} from "../io/manifests.js";
import { lintInParallel } from "../io/lint-parallel.js";
import { CONFIG_FILE, parseLintConfig } from "../lint/config.js";
import { manifestObjectsOf, parseManifests } from "../lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../lint/lint.js";
import { customRule } from "../lint/custom.js";
import { RULES } from "../lint/rules/index.js";
import type { LintFinding, LintSettings, ManifestObject } from "../lint/types.js";
import { formatLintJson, formatLintSarif, formatLintText } from "../report/lint-report.js";
import { EXIT, readSpecFile, type Terminal, UsageError } from "./io.js";
import { renderSpecFile, reportDiagnostics } from "./spec-input.js";
import { VERSION } from "./version.js";
import { Cluster } from "../deploy/kube/cluster.js";
import { serverVerdicts } from "../deploy/server-check.js";
import type { KubeObject } from "../render/kube-object.js";

interface LintOptions {
  filename: string[];
  kustomize?: boolean;
  helm?: boolean;
  values: string[];
  namespace?: string;
  spec?: string;
  env?: string;
  kubeVersion?: string;
  podSecurity?: "privileged" | "baseline" | "restricted";
  config?: string;
  format: "text" | "json" | "sarif";
  listRules?: boolean;
  server?: boolean;
  kubeconfig?: string;
  context?: string;
}

/** Adds `kubeship lint`. */
export function addLintCommand(program: Command, term: Terminal, state: { code: number }): void {
  program
    .command("lint")
    .description(
      "validate Kubernetes manifests against the schemas and best practices (any manifests, not only ours)",
    )
    .argument("[paths...]", "files and directories (recursive), - for stdin")
    .option(
      "-f, --filename <path>",
      "a file or directory to lint, as kubectl -f names one (repeatable; adds to the arguments)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("--kustomize", "the directories are Kustomize trees: build them with kubectl kustomize")
    .option("--helm", "the directories are Helm charts: render them with helm template")
    .option(
      "--values <file>",
      "values file for --helm (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("-n, --namespace <ns>", "with --helm: the release namespace (helm template --namespace)")
    .option("--spec <file>", "render this kubeship spec in process and lint the result")
    .option("-e, --env <name>", "with --spec: merge the environments.<name> overlay")
    .option(
      "--kube-version <major.minor>",
      `the Kubernetes version to validate for (default ${DEFAULT_SETTINGS.kubeVersion})`,
    )
    .addOption(
      new Option(
        "--pod-security <level>",
        "Pod Security Standard where no Namespace label sets one (default baseline)",
      ).choices(["privileged", "baseline", "restricted"]),
    )
    .option("--config <file>", `the config file (default ./${CONFIG_FILE} when present)`)
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"),
    )
    .option(
      "--server",
      "also send every object to the cluster as a server-side dry run and report what it refuses (CRDs, webhooks, policies)",
    )
    .option("--kubeconfig <file>", "with --server: the kubeconfig (default $KUBECONFIG or ~/.kube/config)")
    .option("--context <name>", "with --server: the kubeconfig context")
    .option("--list-rules", "print every rule with its id, level and title")
    .action(async (paths: string[], opts: LintOptions) => {
      state.code = await lintCommand(term, [...paths, ...opts.filename], opts);
    });
}

async function lintCommand(term: Terminal, paths: readonly string[], opts: LintOptions): Promise<number> {
  if (opts.listRules !== true && paths.length === 0 && opts.spec === undefined)
    throw new UsageError("name the manifests to lint: files, directories or - for stdin (or --spec FILE)");
  if (opts.kustomize === true && opts.helm === true)
    throw new UsageError("--kustomize and --helm exclude each other");
  const settings = await settingsFrom(term, opts);
  if (settings === undefined) return EXIT.usage;
  const rules = [...RULES, ...(settings.custom ?? []).map(customRule)];
  if (opts.listRules === true) {
    for (const r of rules)
      term.out(`${r.id.padEnd(34)} ${r.severity.padEnd(8)} ${r.category.padEnd(13)} ${r.title}\n`);
    return EXIT.ok;
  }
  try {
    const sources: ManifestSource[] = [];
    if (opts.kustomize === true) for (const p of paths) sources.push(await buildKustomization(p));
    else if (opts.helm === true)
      for (const p of paths)
        sources.push(
          await templateHelmChart(p, opts.values, opts.namespace, process.env.KUBESHIP_HELM ?? "helm"),
        );
    else sources.push(...(await listManifestSources(paths, () => readSpecFile("-"))));
    // Large inputs of plain files are linted on every core; the report is the same either way.
    // With --server the objects are needed here: the parallel path returns a report only.
    let report =
      opts.spec === undefined && opts.server !== true
        ? await lintInParallel(sources, settings, process.env)
        : undefined;
    let linted: readonly ManifestObject[] = [];
    if (report === undefined) {
      const schemas = await loadSchemas(settings.kubeVersion);
      const objects: ManifestObject[] = [];
      const findings: LintFinding[] = [];
      for (const s of sources) {
        const t = await readSource(s);
        const parsed = parseManifests(t.text, t.file);
        for (const o of parsed.objects) objects.push(o);
        for (const f of parsed.findings) findings.push(f);
      }
      if (opts.spec !== undefined) {
        const { app } = await renderSpecFile(
          term,
          opts.spec,
          opts.env === undefined ? {} : { env: opts.env },
        );
        if (app === undefined) return EXIT.usage;
        objects.push(...manifestObjectsOf(app.objects, `${opts.spec} (rendered)`).objects);
      }
      report = lintManifests({ objects, findings }, settings, schemas);
      linted = objects;
    }
    if (opts.server === true)
      report = { ...report, findings: [...report.findings, ...(await serverFindings(opts, linted))] };
    if (opts.format === "json") term.out(formatLintJson(report));
    else if (opts.format === "sarif") term.out(formatLintSarif(report, rules, VERSION));
    else {
      // The text output quotes the source line of each finding: only the files with findings are read.
      const withFindings = new Set(report.findings.map((f) => f.position?.file));
      const texts = await Promise.all(sources.filter((s) => withFindings.has(s.file)).map(readSource));
      term.out(
        formatLintText(report, { color: term.color, sources: new Map(texts.map((t) => [t.file, t.text])) }),
      );
    }
    return report.findings.some((f) => f.severity === "error") ? EXIT.failed : EXIT.ok;
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message, { cause: e });
    throw e;
  }
}

/**
 * The API server's refusals of the linted objects (a dry-run create of each), as findings of the
 * code `server` at the field the server named; objects it could not check (a missing namespace, a
 * kind it does not serve, one that exists already) as warnings.
 */
async function serverFindings(opts: LintOptions, objects: readonly ManifestObject[]): Promise<LintFinding[]> {
  const cluster = await Cluster.connect({
    ...(opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig }),
    ...(opts.context === undefined ? {} : { context: opts.context }),
  });
  const verdicts = await serverVerdicts(
    cluster,
    objects.map((o) => o.object as unknown as KubeObject),
    opts.namespace ?? "default",
  );
  const out: LintFinding[] = [];
  for (const v of verdicts) {
    const o = objects[v.index];
    if (o === undefined || v.outcome === "accepted") continue;
    const path = v.outcome === "refused" ? v.path : [];
    const position = o.locator?.locate([...o.base, ...path], { key: true }) ??
      o.locator?.locate(o.base, { key: true }) ?? { file: o.file, line: 0, column: 0 };
    out.push({
      code: "server",
      severity: v.outcome === "refused" ? "error" : "warning",
      path,
      message: `${o.kind}/${o.name}: ${v.message}`,
      ...(v.outcome === "refused" ? { hint: `the API server at ${cluster.server} refuses it` } : {}),
      position,
      object: {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
      },
    });
  }
  return out;
}

/** Refuses (a usage error naming where it was asked for) a Kubernetes version lint has no schemas of. */
async function knownKubeVersion(version: string, where: string): Promise<void> {
  const known = await schemaVersions();
  if (!known.includes(version)) throw new UsageError(`${where}: lint knows ${known.join(", ")}`);
}

async function settingsFrom(term: Terminal, opts: LintOptions): Promise<LintSettings | undefined> {
  const file = opts.config ?? CONFIG_FILE;
  const text = await readIfExists(file);
  if (text === undefined && opts.config !== undefined) throw new UsageError(`${file}: no such config file`);
  let settings = DEFAULT_SETTINGS;
  if (text !== undefined) {
    const parsed = parseLintConfig(text, file);
    if (parsed.diagnostics.length > 0) {
      reportDiagnostics(term, parsed.diagnostics, new Map([[file, text]]));
      return undefined;
    }
    settings = parsed.settings;
  }
  // Checked here, before any file is read (the lint workers load the schemas themselves).
  if (opts.kubeVersion !== undefined) {
    const v = opts.kubeVersion.replace(/^v/, "").replace(/^(\d+\.\d+)\.\d+$/, "$1");
    await knownKubeVersion(v, `--kube-version ${opts.kubeVersion}`);
    settings = { ...settings, kubeVersion: v };
  } else if (settings.kubeVersion !== DEFAULT_SETTINGS.kubeVersion)
    await knownKubeVersion(settings.kubeVersion, `${file}: kubeVersion ${settings.kubeVersion}`);
  if (opts.podSecurity !== undefined) settings = { ...settings, podSecurity: opts.podSecurity };
  return settings;
}

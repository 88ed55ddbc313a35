import { Command, CommanderError, Option } from "commander";
import { writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { renderSpec } from "../app.js";
import { emitArgoCd } from "../emit/gitops/argocd.js";
import { emitFlux } from "../emit/gitops/flux.js";
import type { GitopsTarget } from "../emit/gitops/waves.js";
import { emitHelmChart } from "../emit/helm/chart.js";
import { emitKustomize } from "../emit/kustomize.js";
import { emitStream, emitYamlFiles } from "../emit/yaml.js";
import type { KubeObject } from "../render/kube-object.js";
import type { RenderedApp } from "../render/render-app.js";
import { environmentNames } from "../spec/load-spec.js";
import { OutputError, writeTree } from "../io/write-tree.js";
import { specJsonSchema } from "../spec/schema.js";
import { starterSpec } from "../spec/starter.js";
import { addDeployCommands, handleDeployError } from "./deploy-commands.js";
import { addLintCommand } from "./lint-command.js";
import { addSimulateCommand } from "./simulate-command.js";
import { addDiagramCommand } from "./diagram-command.js";
import { addCostCommand } from "./cost-command.js";
import { addUiCommand } from "./ui-command.js";
import { renderSpecFile, reportDiagnostics, type SpecOptions, specPathOf, withSpec } from "./spec-input.js";
import { addRunbookCommand } from "./runbook-command.js";
import { addImportCommand } from "./import-command.js";
import { addMigrateIngressCommand } from "./migrate-ingress-command.js";
import { addSealCommand } from "./seal-command.js";
import { EXIT, processTerminal, refuseToOverwrite, type Terminal, UsageError } from "./io.js";
import { VERSION } from "./version.js";

/** Runs the CLI with arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], term: Terminal = processTerminal()): Promise<number> {
  const state = { code: EXIT.ok as number };
  const program = buildProgram(term, state);
  // No command: the help, on stdout, as `helm` and `kubectl` print it.
  if (argv.length === 0) {
    term.out(program.helpInformation());
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return state.code;
  } catch (e) {
    return handleError(e, term);
  }
}

/** The command tree; commands set `state.code`. Exported so that docs/cli.md is generated from it. */
export function buildProgram(term: Terminal, state: { code: number } = { code: EXIT.ok }): Command {
  const program = new Command("kubeship")
    .description("One spec file in, every Kubernetes object a careful operator would write out.")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        term.out(s);
      },
      writeErr: (s) => {
        term.err(s);
      },
    })
    .showSuggestionAfterError(true)
    // A fixed width, so that help (and docs/cli.md, generated from it) is the same on every terminal.
    .configureHelp({ helpWidth: 100 });

  withSpec(
    program.command("render").description("render the spec into Kubernetes manifests (no cluster needed)"),
  )
    .option(
      "-o, --output <dir>",
      "write one file per object into this directory; - for one stream on stdout",
      "-",
    )
    .addOption(
      new Option(
        "--format <format>",
        "yaml: plain manifests; helm: a chart; kustomize: base and overlays; argocd, flux: GitOps trees in deploy order (all but yaml need -o DIR)",
      )
        .choices(["yaml", "helm", "kustomize", "argocd", "flux"])
        .default("yaml"),
    )
    .option("--repo <url>", "the Git repository Argo CD or Flux reads the tree from (--format argocd|flux)")
    .option(
      "--path <path>",
      "the tree's folder inside that repository (--format argocd|flux; default: the -o directory)",
    )
    .option("--revision <rev>", "the branch (or commit) to follow (--format argocd|flux)", "main")
    .option("--chart-version <semver>", "version of the Helm chart (--format helm)", "0.1.0")
    .option(
      "--app-version <version>",
      "appVersion of the Helm chart (--format helm); defaults to the chart version",
    )
    .action(async (spec: string | undefined, opts: RenderOptions) => {
      state.code = await renderCommand(term, specPathOf(spec, opts), opts);
    });

  addLintCommand(program, term, state);
  addSimulateCommand(program, term, state);
  addDiagramCommand(program, term, state);
  addCostCommand(program, term, state);
  addUiCommand(program, term, state);
  addRunbookCommand(program, term, state);
  addImportCommand(program, term, state);
  addMigrateIngressCommand(program, term, state);
  addSealCommand(program, term, state);
  addDeployCommands(program, term, state);

  program
    .command("schema")
    .description("print the spec's JSON Schema (for editor completion)")
    .action(() => {
      term.out(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
    });

  program
    .command("init")
    .description("write a commented starter spec")
    .argument("[file]", "where to write it", "kubeship.yaml")
    .option("--app <name>", "the app name", "my-app")
    .option("--force", "overwrite an existing file")
    .action(async (file: string, opts: { app: string; force?: boolean }) => {
      await refuseToOverwrite(file, opts.force);
      await writeFile(file, starterSpec(opts.app));
      // The JSON Schema beside it, which the spec's first line names: completion and checks in editors, offline.
      const schema = join(dirname(file), "kubeship.schema.json");
      await writeFile(schema, `${JSON.stringify(specJsonSchema(), null, 2)}\n`);
      term.err(`wrote ${file} and ${schema}; render it with: kubeship render ${file}\n`);
    });

  return program;
}

interface RenderOptions extends SpecOptions {
  output: string;
  format: string;
  chartVersion: string;
  appVersion?: string;
  repo?: string;
  path?: string;
  revision: string;
}

async function renderCommand(term: Terminal, specPath: string, opts: RenderOptions): Promise<number> {
  if (opts.format !== "yaml" && opts.output === "-")
    throw new UsageError(`--format ${opts.format} writes a directory: add -o DIR`);
  if (opts.format === "kustomize" && opts.env !== undefined)
    throw new UsageError("--format kustomize writes every environment as an overlay: leave out --env");
  if (opts.format === "helm" && !SEMVER.test(opts.chartVersion))
    throw new UsageError(
      `--chart-version ${opts.chartVersion}: Helm needs a semantic version such as 1.2.3 (or 1.2.3-rc.1)`,
    );
  if ((opts.format === "argocd" || opts.format === "flux") && opts.repo === undefined)
    throw new UsageError(
      `--format ${opts.format} needs --repo URL: the Git repository ${opts.format === "argocd" ? "Argo CD" : "Flux"} reads the tree from`,
    );
  const { app, text, file } = await renderSpecFile(term, specPath, opts);
  if (app === undefined) return EXIT.usage;
  const { objects } = app;
  if (opts.format === "argocd" || opts.format === "flux") {
    // The base spec and every environment (or only the one asked for), each in its own folder.
    const targets: GitopsTarget[] = [];
    for (const env of opts.env === undefined ? [undefined, ...environmentNames(text)] : [opts.env]) {
      const r = env === opts.env ? app : renderEnvironment(term, text, file, env, opts.namespace);
      if (r === undefined) return EXIT.usage;
      targets.push({
        env,
        model: r.model,
        objects: r.objects,
        secrets: r.secrets.filter((x) => x.source === "generated" || x.files !== undefined),
      });
    }
    if (opts.path === undefined && isAbsolute(opts.output))
      throw new UsageError(
        `-o ${opts.output} is an absolute path: give --path, the tree's folder inside the repository ${opts.repo ?? ""}`,
      );
    const source = { repo: opts.repo ?? "", path: opts.path ?? opts.output, revision: opts.revision };
    await writeTree(
      opts.output,
      opts.format === "argocd" ? emitArgoCd(targets, source) : emitFlux(targets, source),
    );
    term.err(
      `wrote ${opts.format === "argocd" ? "an Argo CD" : "a Flux"} tree of ${targets.length} environment${targets.length === 1 ? "" : "s"} into ${opts.output}; the Secrets it needs are listed in its README.md\n`,
    );
    return EXIT.ok;
  }
  if (opts.format === "helm") {
    const chart = emitHelmChart(app, {
      version: opts.chartVersion,
      ...(opts.appVersion === undefined ? {} : { appVersion: opts.appVersion }),
    });
    await writeTree(opts.output, chart);
    term.err(`wrote a Helm chart of ${objects.length} objects into ${opts.output}\n`);
    return EXIT.ok;
  }
  if (opts.format === "kustomize") {
    const envs = new Map<string, readonly KubeObject[]>();
    for (const env of environmentNames(text)) {
      const r = renderEnvironment(term, text, file, env, opts.namespace);
      if (r === undefined) return EXIT.usage;
      envs.set(env, r.objects);
    }
    await writeTree(opts.output, emitKustomize(objects, envs));
    term.err(
      `wrote a Kustomize base of ${objects.length} objects and ${envs.size} overlays into ${opts.output}\n`,
    );
    return EXIT.ok;
  }
  if (opts.output === "-") term.out(emitStream(objects));
  else {
    await writeTree(opts.output, emitYamlFiles(objects));
    term.err(`rendered ${objects.length} objects into ${opts.output}\n`);
  }
  return EXIT.ok;
}

/** Renders one environment of a spec (the base for undefined); its errors are printed, undefined then. */
function renderEnvironment(
  term: Terminal,
  text: string,
  file: string,
  env: string | undefined,
  namespace: string | undefined,
): RenderedApp | undefined {
  const r = renderSpec(text, {
    file,
    ...(env === undefined ? {} : { env }),
    ...(namespace === undefined ? {} : { namespace }),
  });
  reportDiagnostics(
    term,
    r.diagnostics.filter((d) => d.severity === "error"),
    new Map([[file, text]]),
  );
  return r.ok ? r.value : undefined;
}

/** A semantic version as Helm requires of a chart (https://semver.org; a leading v allowed, as Helm does). */
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function handleError(e: unknown, term: Terminal): number {
  const deployCode = handleDeployError(e, term);
  if (deployCode !== undefined) return deployCode;
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
      return EXIT.ok;
    return EXIT.usage;
  }
  if (e instanceof UsageError || e instanceof OutputError) {
    term.err(`kubeship: ${e.message}\n`);
    return EXIT.usage;
  }
  const message = e instanceof Error ? e.message : String(e);
  term.err(
    `kubeship: internal error: ${message}\nThis is a bug in kubeship; please report it with the command you ran.\n`,
  );
  return EXIT.failed;
}

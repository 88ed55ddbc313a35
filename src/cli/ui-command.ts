import type { Command } from "commander";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderSpec } from "../app.js";
import { Cluster } from "../deploy/kube/cluster.js";
import { formatDiagnostics } from "../report/format-diagnostics.js";
import { environmentNames } from "../spec/load-spec.js";
import { isLoopback } from "../ui/security.js";
import { startUi } from "../ui/server.js";
import { loadPrices } from "./cost-command.js";
import { holder, parseDuration, readSecretsFile } from "./deploy-commands.js";
import { EXIT, readSpecFile, type Terminal, UsageError } from "./io.js";
import { readNextToSpec, type SpecOptions, specPathOf, withSpec } from "./spec-input.js";

interface UiCommandOptions extends SpecOptions {
  port: string;
  address: string;
  readOnly?: boolean;
  kubeconfig?: string;
  context?: string;
  timeout: string;
  prices?: string;
  skipMissingCrds?: boolean;
  secretsFile?: string;
}

/** Where the page's files are: dist/web beside the bundled CLI (dist/cli). */
function assetsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "web");
}

/** Adds `kubeship ui`. */
export function addUiCommand(program: Command, term: Terminal, state: { code: number }): void {
  withSpec(
    program
      .command("ui")
      .description(
        "a live local dashboard: the graph turning green, node details, plan and deploy, history and rollback, cost, simulation",
      ),
  )
    .option("--port <port>", "the port to listen on (0: any free one)", "7070")
    .option(
      "--address <address>",
      "the address to listen on (anything but 127.0.0.1 is reachable by others)",
      "127.0.0.1",
    )
    .option("--read-only", "no deploy and no rollback from the page")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    .option("--context <name>", "kubeconfig context (default: the current one)")
    .option("--timeout <duration>", "how long a deploy from the page waits for readiness", "5m")
    .option("--prices <file>", "the price table for the cost view (see `kubeship cost`)")
    .option("--skip-missing-crds", "deploys from the page leave out objects whose CRDs are not installed")
    .option(
      "--secrets-file <file>",
      "KEY=value lines for external services' secrets, for deploys from the page (the environment is read first)",
    )
    .action(async (spec: string | undefined, opts: UiCommandOptions) => {
      state.code = await uiCommand(term, specPathOf(spec, opts), opts);
    });
}

async function uiCommand(term: Terminal, specPath: string, opts: UiCommandOptions): Promise<number> {
  if (specPath === "-")
    throw new UsageError("`kubeship ui` follows a spec file as it changes: name a file, not stdin");
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${opts.port}: give a port number (0-65535)`);
  const secretsFile = await readSecretsFile(opts.secretsFile);
  const prices = await loadPrices(term, opts.prices);
  if (prices === undefined) return EXIT.usage;
  const file = specPath;
  const first = await readSpecFile(specPath);
  const render = (text: string, env: string | undefined) => {
    const r = renderSpec(text, {
      file,
      readFile: (path) => readNextToSpec(specPath, path),
      ...(env === undefined ? {} : { env }),
      ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
    });
    const problems = r.diagnostics.filter((d) => d.severity === "error");
    return r.ok
      ? { app: r.value }
      : { problems: formatDiagnostics(problems, { sources: new Map([[file, text]]) }) };
  };
  // A spec that does not render now is refused here, as every other command does.
  const checked = render(first, opts.env);
  if (checked.app === undefined) {
    term.err(`${checked.problems}\n`);
    return EXIT.usage;
  }
  if (!isLoopback(opts.address))
    term.err(
      `warning: listening on ${opts.address}: anyone who can reach it and has the token can see the app${opts.readOnly === true ? "" : " and deploy it"}\n`,
    );
  const server = await startUi({
    readSpec: () => readSpecFile(specPath),
    render,
    envs: environmentNames,
    ...(opts.env === undefined ? {} : { env: opts.env }),
    connect: () =>
      Cluster.connect({
        ...(opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig }),
        ...(opts.context === undefined ? {} : { context: opts.context }),
      }),
    address: opts.address,
    port,
    readOnly: opts.readOnly === true,
    timeoutSeconds: parseDuration(opts.timeout),
    skipMissingCrds: opts.skipMissingCrds === true,
    prices,
    external: (key, f) =>
      f === undefined ? (process.env[key] ?? secretsFile.get(key)) : readNextToSpec(specPath, f),
    holder: holder(),
    assets: assetsDir(),
  }).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new UsageError(`port ${port} is in use: pass --port with another, or --port 0`);
    if (code === "EADDRNOTAVAIL")
      throw new UsageError(`--address ${opts.address} is not an address of this machine`);
    throw e;
  });
  term.out(`kubeship ui: ${server.url}\n`);
  term.err(
    `serving ${checked.app.model.app}${opts.readOnly === true ? " (read-only)" : ""}; Ctrl-C stops it\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
      void server.close().then(resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return EXIT.ok;
}

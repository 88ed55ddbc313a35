import { readFile } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { createInterface } from "node:readline/promises";
import { type Command, Option } from "commander";
import { deploy, drift, rollback } from "../deploy/engine.js";
import { DeployError, RolloutError } from "../deploy/errors.js";
import { listRevisions } from "../deploy/history.js";
import { Cluster } from "../deploy/kube/cluster.js";
import { ClusterError, UnreachableError } from "../deploy/kube/errors.js";
import { parseSecretsFile } from "../deploy/secrets.js";
import { listBackups, runBackup } from "../deploy/backup.js";
import { runRestore } from "../deploy/restore.js";
import { runDoctor } from "../deploy/doctor.js";
import { appStatus, destroy } from "../deploy/status.js";
import type { RenderedApp } from "../render/render-app.js";
import { EXIT, type Terminal, UsageError } from "./io.js";
import { readNextToSpec, renderSpecFile, type SpecOptions, specPathOf, withSpec } from "./spec-input.js";
import { formatPlan, makeReporter, type OutputMode } from "./reporter.js";
import { formatPlanMarkdown } from "./plan-markdown.js";

interface ClusterOptions extends SpecOptions {
  kubeconfig?: string;
  context?: string;
  kubeContext?: string;
}

interface DeployOptions extends ClusterOptions {
  yes?: boolean;
  atomic?: boolean;
  timeout: string;
  dryRun?: boolean;
  forceConflicts?: boolean;
  skipMissingCrds?: boolean;
  migrateBacking?: string[];
  secretsFile?: string;
  progress?: string;
  /** The old spelling of --progress, still read. */
  output?: string;
}

/** Adds deploy, diff, status, history, rollback and destroy to the program. */
export function addDeployCommands(program: Command, term: Terminal, state: { code: number }): void {
  const clusterOptions = (c: Command): Command =>
    withSpec(c)
      .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
      .option("--context <name>", "kubeconfig context (default: the current one)")
      .option("--kube-context <name>", "the same as --context, as Helm spells it");
  const progressOption = (c: Command): Command =>
    c
      .option(
        "--progress <mode>",
        "tty (live list), plain (lines) or json (events); default tty on a terminal, else plain",
      )
      .addOption(new Option("--output <mode>", "the old name of --progress").hideHelp());

  progressOption(
    clusterOptions(
      program
        .command("deploy")
        .description("apply the app to a cluster: ordered, watched and verified, with history"),
    ),
  )
    .option("-y, --yes", "apply without asking")
    .option("--atomic", "roll back to the last good revision by itself when the deploy fails")
    .option("--timeout <duration>", "how long to wait for everything to be ready (e.g. 90s, 5m)", "5m")
    .option("--dry-run", "show the plan and change nothing")
    .option("--force-conflicts", "take over fields another field manager owns")
    .option(
      "--skip-missing-crds",
      "leave out objects whose CRDs (prometheus-operator, cert-manager) are not installed",
    )
    .option(
      "--secrets-file <file>",
      "KEY=value lines for external services' secrets (the environment is read first)",
    )
    .option(
      "--migrate-backing <name...>",
      "let a backing change mode (builtin/operator/external): its old objects and data go; see `kubeship runbook`",
    )
    .action(async (spec: string | undefined, opts: DeployOptions) => {
      state.code = await deployCommand(term, specPathOf(spec, opts), opts);
    });

  clusterOptions(
    program
      .command("diff")
      .description("show what a deploy would change (server-side dry run), change nothing"),
  )
    .option("--skip-missing-crds", "leave out objects whose CRDs are not installed")
    .addOption(
      new Option("--format <format>", "text, or markdown for a pull-request comment (on stdout)")
        .choices(["text", "markdown"])
        .default("text"),
    )
    .addOption(
      new Option("--output <format>", "the name the issue tracker knows for --format")
        .choices(["text", "markdown"])
        .hideHelp(),
    )
    .action(
      async (
        spec: string | undefined,
        opts: ClusterOptions & { format: string; output?: string; skipMissingCrds?: boolean },
      ) => {
        if ((opts.output ?? opts.format) === "markdown") {
          state.code = await markdownPlan(term, specPathOf(spec, opts), opts);
          return;
        }
        state.code = await deployCommand(term, specPathOf(spec, opts), {
          ...opts,
          dryRun: true,
          timeout: "5m",
          progress: "plain",
        });
      },
    );

  clusterOptions(
    program
      .command("status")
      .description("workloads ready/desired, autoscalers, Gateway API routes, recent warning events"),
  )
    .option(
      "--drift",
      "also list the objects whose live state differs from the last deployed revision in fields kubeship applies (a server-side dry run)",
    )
    .action(async (spec: string | undefined, opts: ClusterOptions & { drift?: boolean }) => {
      const { app, cluster } = await load(term, specPathOf(spec, opts), opts);
      const s = await appStatus(cluster, app.model);
      const lines = ["WORKLOAD                                   READY   STATE"];
      for (const w of s.workloads)
        lines.push(`${`${w.kind}/${w.name}`.padEnd(42)} ${`${w.ready}/${w.desired}`.padEnd(7)} ${w.state}`);
      if (s.autoscalers.length > 0) {
        lines.push("", "AUTOSCALER                 REPLICAS (MIN-MAX)   METRICS");
        for (const h of s.autoscalers)
          lines.push(`${h.name.padEnd(26)} ${`${h.current} (${h.min}-${h.max})`.padEnd(20)} ${h.metrics}`);
      }
      if (s.routes.length > 0) {
        lines.push("", "ROUTING                                    READY   STATE");
        for (const r of s.routes)
          lines.push(`${`${r.kind}/${r.name}`.padEnd(42)} ${(r.ready ? "yes" : "no").padEnd(7)} ${r.state}`);
      }
      if (s.warnings.length > 0) {
        lines.push("", "RECENT WARNINGS");
        for (const w of s.warnings)
          lines.push(`${w.object}: ${w.reason}: ${w.message}${w.count > 1 ? ` (x${w.count})` : ""}`);
      }
      let driftFound = false;
      if (opts.drift === true) {
        const d = await drift(cluster, app.model);
        driftFound = d !== undefined && d.entries.length > 0;
        if (d === undefined) lines.push("", "DRIFT: no deployed revision to compare with");
        else if (d.entries.length === 0)
          lines.push("", `DRIFT: none (live objects match revision ${String(d.revision)})`);
        else {
          lines.push("", `DRIFT from revision ${String(d.revision)} (kubeship deploy would set these back)`);
          lines.push(formatPlan(d.entries));
        }
      }
      term.out(`${lines.join("\n")}\n`);
      // Like kubectl diff: 1 when something drifted, so that CI can notice.
      if (driftFound) state.code = EXIT.failed;
    });

  clusterOptions(
    program
      .command("backup")
      .argument("<backing>", "the backing service to back up")
      .description("take a backup of a backing service now (a Job from its backup CronJob) and wait for it"),
  )
    .option("--timeout <duration>", "how long to wait for the backup (e.g. 10m, 1h)", "30m")
    .action(async (backing: string, spec: string | undefined, opts: ClusterOptions & { timeout: string }) => {
      const { app, cluster } = await load(term, specPathOf(spec, opts), opts);
      const run = await runBackup(cluster, app.model, backing, parseDuration(opts.timeout));
      term.out(`backup of ${backing} done: Job ${run.job} in ${run.seconds.toFixed(1)} s\n`);
    });

  clusterOptions(
    program
      .command("backups")
      .argument("<backing>", "the backing service whose backups to list")
      .description("list a backing's backups in its store, as its last successful backup left them"),
  ).action(async (backing: string, spec: string | undefined, opts: ClusterOptions) => {
    const { app, cluster } = await load(term, specPathOf(spec, opts), opts);
    const found = await listBackups(cluster, app.model, backing);
    if (found.backups === undefined) {
      term.out(
        found.job === undefined
          ? `no backup of ${backing} has succeeded yet (kubeship backup ${backing} takes one)\n`
          : `the last backup of ${backing} (Job ${found.job}, ${found.asOf ?? "?"}) left no list: its pod is gone\n`,
      );
      return;
    }
    const lines = [`BACKUP${" ".repeat(40)}SIZE      TIME`];
    for (const b of found.backups) lines.push(`${b.name.padEnd(46)}${b.size.padEnd(10)}${b.time}`);
    lines.push(
      `(as of ${found.asOf ?? "?"}, Job ${found.job ?? "?"}; kubeship restore ${backing} --from TIME restores one)`,
    );
    term.out(`${lines.join("\n")}\n`);
  });

  clusterOptions(
    program
      .command("restore")
      .argument("<backing>", "the backing service to restore")
      .description(
        "restore a backing from its store (the newest backup, or --from): its users stop, the data is restored, they start again in order",
      ),
  )
    .option("--from <backup>", "the backup's time (20261203T030000Z) or file name; the newest otherwise")
    .option("-y, --yes", "restore without asking (required without a terminal)")
    .option("--timeout <duration>", "how long to wait for each part (e.g. 30m)", "30m")
    .action(
      async (
        backing: string,
        spec: string | undefined,
        opts: ClusterOptions & { from?: string; yes?: boolean; timeout: string },
      ) => {
        if (opts.yes !== true && !process.stdin.isTTY)
          throw new UsageError(
            "pass --yes to restore without a terminal to confirm on: a restore replaces the data",
          );
        const { app, cluster } = await load(term, specPathOf(spec, opts), opts);
        if (
          opts.yes !== true &&
          !(await confirm(
            term,
            `restore ${backing} in ${app.model.namespace} from ${opts.from ?? "its newest backup"}? Its data is replaced and the workloads that use it stop meanwhile.`,
          ))
        ) {
          term.err("nothing was changed\n");
          state.code = EXIT.failed;
          return;
        }
        const run = await runRestore(cluster, app.model, backing, {
          ...(opts.from === undefined ? {} : { from: opts.from }),
          timeoutSeconds: parseDuration(opts.timeout),
          report: (step) => {
            term.out(
              step.type === "scaled"
                ? `scaled ${step.object} to ${String(step.replicas)}\n`
                : step.type === "ready"
                  ? `ready ${step.object}\n`
                  : `restored by Job ${step.job}\n`,
            );
          },
        });
        term.out(`restore of ${backing} done (Job ${run.job})\n`);
      },
    );

  clusterOptions(
    program
      .command("doctor")
      .description(
        "check the cluster has what the app needs, and diagnose a deployed app's unhealthy objects",
      ),
  )
    .addOption(new Option("--format <format>", "text or json").choices(["text", "json"]).default("text"))
    .addOption(new Option("--output <format>", "the old name of --format").hideHelp())
    .action(async (spec: string | undefined, opts: ClusterOptions & { format: string; output?: string }) => {
      const { app, cluster } = await load(term, specPathOf(spec, opts), opts);
      const report = await runDoctor(cluster, app);
      const failed = report.checks.some((c) => c.status === "fail") || (report.unhealthy?.length ?? 0) > 0;
      if ((opts.output ?? opts.format) === "json") term.out(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const mark = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;
        const lines = ["PREFLIGHT"];
        for (const c of report.checks) {
          lines.push(`  ${mark[c.status]}  ${c.name.padEnd(20)} ${c.detail}`);
          if (c.fix !== undefined) lines.push(`        ${"".padEnd(20)} fix: ${c.fix}`);
        }
        lines.push("");
        if (report.unhealthy === undefined) lines.push(`${app.model.app} is not deployed to this cluster.`);
        else if (report.unhealthy.length === 0) lines.push(`${app.model.app}: every workload is healthy.`);
        else {
          lines.push(`UNHEALTHY (${app.model.app})`);
          for (const u of report.unhealthy) lines.push(`  ${u.object}: ${u.cause}`, `    fix: ${u.fix}`);
        }
        term.out(`${lines.join("\n")}\n`);
      }
      state.code = failed ? EXIT.failed : EXIT.ok;
    });

  clusterOptions(
    program.command("history").description("one line per revision: number, time, result, what changed"),
  ).action(async (spec: string | undefined, opts: ClusterOptions) => {
    const { app, cluster } = await load(term, specPathOf(spec, opts), opts);
    const revisions = await listRevisions(cluster, app.model.app, app.model.namespace);
    if (revisions.length === 0) term.err(`${app.model.app} has not been deployed to ${cluster.server}\n`);
    for (const r of revisions) term.out(`${r.revision}\t${r.time}\t${r.status}\t${r.summary}\n`);
  });

  progressOption(
    clusterOptions(
      program
        .command("rollback")
        .description("re-apply a stored revision (default: the previous good one) as a new revision"),
    ),
  )
    .option("--revision <n>", "the revision to go back to")
    .option("--timeout <duration>", "how long to wait for everything to be ready", "5m")
    .action(
      async (
        spec: string | undefined,
        opts: ClusterOptions & { revision?: string; timeout: string; progress?: string; output?: string },
      ) => {
        const { app, cluster } = await load(term, specPathOf(spec, opts), opts);
        const to = opts.revision === undefined ? undefined : Number(opts.revision);
        if (to !== undefined && !Number.isInteger(to))
          throw new UsageError(`--revision must be a number, got '${opts.revision ?? ""}'`);
        const revision = await rollback(
          {
            cluster,
            model: app.model,
            timeoutSeconds: parseDuration(opts.timeout),
            external: () => undefined,
            reporter: makeReporter(term, outputMode(term, opts.progress ?? opts.output)),
            holder: holder(),
          },
          to,
        );
        term.err(`rolled back: revision ${revision}\n`);
      },
    );

  clusterOptions(
    program
      .command("destroy")
      .description("delete the app's objects and history; volumes (PVCs) stay unless --delete-data"),
  )
    .option("-y, --yes", "do not ask")
    .option(
      "--delete-data",
      "also delete the PersistentVolumeClaims (the data) and the namespace kubeship created",
    )
    .action(
      async (spec: string | undefined, opts: ClusterOptions & { yes?: boolean; deleteData?: boolean }) => {
        const { app, cluster } = await load(term, specPathOf(spec, opts), opts);
        const what = `${app.model.app} in namespace ${app.model.namespace} on ${cluster.server}${opts.deleteData === true ? ", WITH ITS DATA" : ""}`;
        if (opts.yes !== true && !(await confirm(term, `Destroy ${what}?`))) {
          state.code = EXIT.failed;
          return;
        }
        await destroy(cluster, app.model, opts.deleteData === true, (o) => {
          term.err(`deleted ${o}\n`);
        });
        term.err(
          `destroyed ${app.model.app}${opts.deleteData === true ? "" : "; its volumes were kept (pass --delete-data to remove them)"}\n`,
        );
      },
    );
}

/** The KEY=value lines of `--secrets-file`, or none without it. */
export async function readSecretsFile(path: string | undefined): Promise<Map<string, string>> {
  if (path === undefined) return new Map();
  return parseSecretsFile(
    await readFile(path, "utf8").catch((e: unknown) => {
      throw new UsageError(`--secrets-file ${path}: cannot read it`, { cause: e });
    }),
  );
}

async function deployCommand(term: Terminal, spec: string, opts: DeployOptions): Promise<number> {
  const { app, cluster, text } = await load(term, spec, opts);
  const secretsFile = await readSecretsFile(opts.secretsFile);
  const mode = outputMode(term, opts.progress ?? opts.output);
  const interactive = mode === "tty" && process.stdin.isTTY;
  if (opts.dryRun !== true && opts.yes !== true && !interactive)
    throw new UsageError(
      "pass --yes to deploy without a terminal to confirm on (or --dry-run to see the plan)",
    );
  const onInterrupt = (): void => {
    term.err(
      "\ninterrupted: this revision stays pending and the next deploy repairs it; the lock expires within 60 s\n",
    );
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  try {
    await deploy({
      cluster,
      model: app.model,
      objects: app.objects,
      secrets: app.secrets,
      spec: text,
      timeoutSeconds: parseDuration(opts.timeout),
      atomic: opts.atomic === true,
      dryRun: opts.dryRun === true,
      forceConflicts: opts.forceConflicts === true,
      skipMissingCrds: opts.skipMissingCrds === true,
      migrateBackings: opts.migrateBacking ?? [],
      ...(opts.yes === true || opts.dryRun === true
        ? {}
        : {
            confirm: async (plan) =>
              confirm(
                term,
                `Apply ${plan.filter((e) => e.action !== "unchanged").length} changes to ${cluster.server}?`,
              ),
          }),
      external: (key, file) =>
        file === undefined ? (process.env[key] ?? secretsFile.get(key)) : readNextToSpec(spec, file),
      reporter: makeReporter(term, mode),
      holder: holder(),
    });
    return EXIT.ok;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}

/** `kubeship diff --format markdown`: the dry run's plan as Markdown on stdout, notes on stderr. */
async function markdownPlan(
  term: Terminal,
  spec: string,
  opts: ClusterOptions & { skipMissingCrds?: boolean },
): Promise<number> {
  const { app, cluster, text } = await load(term, spec, opts);
  const outcome = await deploy({
    cluster,
    model: app.model,
    objects: app.objects,
    secrets: app.secrets,
    spec: text,
    timeoutSeconds: 300,
    atomic: false,
    dryRun: true,
    forceConflicts: false,
    skipMissingCrds: opts.skipMissingCrds === true,
    external: () => undefined,
    reporter: (e) => {
      if (e.type === "note") term.err(`note: ${e.message}\n`);
    },
    holder: holder(),
  });
  term.out(formatPlanMarkdown(app.model, app.objects, outcome.plan, cluster.server));
  return EXIT.ok;
}

async function load(
  term: Terminal,
  spec: string,
  opts: ClusterOptions,
): Promise<{ app: RenderedApp; cluster: Cluster; text: string }> {
  const { app, text } = await renderSpecFile(term, spec, opts);
  if (app === undefined) throw new UsageError("the spec has errors (above); nothing was deployed");
  if (opts.context !== undefined && opts.kubeContext !== undefined && opts.context !== opts.kubeContext)
    throw new UsageError("--context and --kube-context name two contexts: give one");
  const context = opts.context ?? opts.kubeContext;
  const cluster = await Cluster.connect({
    ...(opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig }),
    ...(context === undefined ? {} : { context }),
  });
  return { app, cluster, text };
}

function outputMode(term: Terminal, requested: string | undefined): OutputMode {
  if (requested === "json" || requested === "plain" || requested === "tty") return requested;
  if (requested !== undefined)
    throw new UsageError(`--progress must be tty, plain or json, not '${requested}'`);
  return term.tty && process.env["CI"] === undefined ? "tty" : "plain";
}

/** Parses 90s, 5m, 1h or a number of seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`'${text}' is not a duration: use 90s, 5m or 1h`);
  const n = Number(m[1]);
  return m[2] === "h" ? n * 3600 : m[2] === "m" ? n * 60 : n;
}

/** Who deploys: user@host/pid, shown to a concurrent deploy. */
export function holder(): string {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return `${user}@${hostname()}/${process.pid}`;
}

async function confirm(term: Terminal, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Deploy and cluster failures as exit codes and messages; undefined when it is not one of them. */
export function handleDeployError(e: unknown, term: Terminal): number | undefined {
  if (e instanceof RolloutError) {
    term.err(`kubeship: deploy failed: ${e.message}\n`);
    for (const f of e.failures.slice(1)) term.err(`  also ${f.object}: ${f.reason}\n`);
    if (e.hint) term.err(`  hint: ${e.hint}\n`);
    return EXIT.failed;
  }
  if (e instanceof DeployError) {
    term.err(`kubeship: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ""}`);
    return EXIT.failed;
  }
  if (e instanceof UnreachableError) {
    term.err(`kubeship: ${e.message}\n`);
    return EXIT.failed;
  }
  if (e instanceof ClusterError) {
    term.err(`kubeship: the API server refused: ${e.message}\n`);
    return EXIT.failed;
  }
  return undefined;
}

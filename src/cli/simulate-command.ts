import { type Command, Option } from "commander";
import { readFile, writeFile } from "node:fs/promises";
import {
  formatSimulationJson,
  formatSimulationSvg,
  formatSimulationTable,
} from "../report/simulation-report.js";
import { simulationTarget } from "../simulate/from-render.js";
import { hasErrors } from "../spec/diagnostic.js";
import { parseLoadProfile } from "../simulate/load-profile.js";
import { simulateHpa } from "../simulate/simulate.js";
import { EXIT, type Terminal, UsageError } from "./io.js";
import { renderSpecFile, reportDiagnostics, type SpecOptions, specPathOf, withSpec } from "./spec-input.js";

interface SimulateOptions extends SpecOptions {
  service: string;
  load: string;
  capacity: string;
  startup: string;
  format: "table" | "json" | "svg";
  output?: string;
}

/** Adds `kubeship simulate`. */
export function addSimulateCommand(program: Command, term: Terminal, state: { code: number }): void {
  withSpec(
    program
      .command("simulate")
      .description(
        "replay a load profile through the HorizontalPodAutoscaler algorithm of a rendered workload",
      ),
  )
    .requiredOption("-s, --service <name>", "the service or worker to simulate")
    .requiredOption("-l, --load <file>", "CSV rows seconds,rps; each value holds until the next row")
    .requiredOption("-c, --capacity <rps>", "requests per second one pod serves at 100% of its CPU request")
    .option("--startup <seconds>", "seconds from a pod's creation until it serves", "30")
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "json", "svg"]).default("table"),
    )
    .option("-o, --output <file>", "write the output to a file instead of stdout")
    .action(async (spec: string | undefined, opts: SimulateOptions) => {
      state.code = await simulateCommand(term, specPathOf(spec, opts), opts);
    });
}

function positiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${option} ${value}: give a positive number`);
  return n;
}

async function simulateCommand(term: Terminal, specPath: string, opts: SimulateOptions): Promise<number> {
  const capacityRps = positiveNumber(opts.capacity, "--capacity");
  const startupSeconds = Number(opts.startup);
  if (!Number.isFinite(startupSeconds) || startupSeconds < 0)
    throw new UsageError(`--startup ${opts.startup}: give the seconds until a new pod serves, e.g. 30`);
  const { app } = await renderSpecFile(term, specPath, opts);
  if (app === undefined) return EXIT.usage;
  let loadText: string;
  try {
    loadText = await readFile(opts.load, "utf8");
  } catch (e) {
    throw new UsageError(
      `${opts.load}: cannot read the load profile (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      { cause: e },
    );
  }
  const profile = parseLoadProfile(loadText, opts.load);
  const target = simulationTarget(app.objects, opts.service);
  const problems = [...profile.diagnostics, ...target.diagnostics];
  if (hasErrors(problems) || profile.points === undefined || target.value === undefined) {
    reportDiagnostics(term, problems, new Map([[opts.load, loadText]]));
    return EXIT.usage;
  }
  reportDiagnostics(term, problems, new Map([[opts.load, loadText]]));
  const result = simulateHpa({
    hpa: target.value.hpa,
    capacityRps,
    startupSeconds,
    podRequests: target.value.podRequests,
    profile: profile.points,
  });
  const labels = {
    workload: opts.service,
    minReplicas: target.value.hpa.minReplicas,
    maxReplicas: target.value.hpa.maxReplicas,
    capacityRps,
  };
  const out =
    opts.format === "json"
      ? formatSimulationJson(result, labels)
      : opts.format === "svg"
        ? formatSimulationSvg(result, labels)
        : formatSimulationTable(result, labels);
  if (opts.output === undefined) term.out(out);
  else {
    await writeFile(opts.output, out);
    term.err(`wrote ${opts.output}\n`);
  }
  return EXIT.ok;
}

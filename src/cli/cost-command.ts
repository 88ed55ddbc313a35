import { type Command, Option } from "commander";
import { readFile } from "node:fs/promises";
import { costOf, DEFAULT_PRICES, formatCost, parsePriceFile, type PriceTable } from "../report/cost.js";
import { EXIT, type Terminal, UsageError } from "./io.js";
import { renderSpecFile, reportDiagnostics, type SpecOptions, specPathOf, withSpec } from "./spec-input.js";

interface CostOptions extends SpecOptions {
  prices?: string;
  format: "table" | "json";
}

/** Adds `kubeship cost`. */
export function addCostCommand(program: Command, term: Terminal, state: { code: number }): void {
  withSpec(
    program
      .command("cost")
      .description(
        "what the app costs per month: requests x replicas (autoscalers' min and max) x a price table",
      ),
  )
    .option(
      "--prices <file>",
      "a YAML or JSON price table (currency, cpuHour, memoryGiBHour, storageGiBMonth); default: docs/cost.md",
    )
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (spec: string | undefined, opts: CostOptions) => {
      state.code = await costCommand(term, specPathOf(spec, opts), opts);
    });
}

/** Reads `--prices FILE`, or the default table; undefined (after printing why) when the file is wrong. */
export async function loadPrices(term: Terminal, path: string | undefined): Promise<PriceTable | undefined> {
  if (path === undefined) return DEFAULT_PRICES;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(
      `--prices ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      {
        cause: e,
      },
    );
  }
  const parsed = parsePriceFile(text, path);
  reportDiagnostics(term, parsed.diagnostics, new Map([[path, text]]));
  return parsed.prices;
}

async function costCommand(term: Terminal, specPath: string, opts: CostOptions): Promise<number> {
  const prices = await loadPrices(term, opts.prices);
  if (prices === undefined) return EXIT.usage;
  const { app } = await renderSpecFile(term, specPath, opts);
  if (app === undefined) return EXIT.usage;
  const report = costOf(app.model, app.objects, prices, opts.env);
  term.out(opts.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : `${formatCost(report)}\n`);
  return EXIT.ok;
}

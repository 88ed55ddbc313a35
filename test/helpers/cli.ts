import type { Terminal } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/** What a CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in process with a captured terminal, optionally from another working directory. */
export async function runCli(args: readonly string[], cwd?: string): Promise<CliRun> {
  let out = "";
  let err = "";
  const term: Terminal = { out: (t) => (out += t), err: (t) => (err += t), color: false, tty: false };
  const before = process.cwd();
  if (cwd !== undefined) process.chdir(cwd);
  try {
    return { code: await main(args, term), out, err };
  } finally {
    process.chdir(before);
  }
}

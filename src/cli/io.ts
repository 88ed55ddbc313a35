import { access, readFile } from "node:fs/promises";

/** Where the CLI writes: stdout for results, stderr for diagnostics and progress. Injected for tests. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  /** Paint with ANSI colours. */
  readonly color: boolean;
  /** stderr is a terminal: live progress may redraw lines. */
  readonly tty: boolean;
}

/**
 * Whether to paint: `NO_COLOR` (set and not empty) turns colour off, `FORCE_COLOR` turns it on (off
 * for `0` or `false`), else a terminal gets colour and a pipe does not. https://no-color.org,
 * https://force-color.org
 */
export function colorWanted(isTty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  return isTty;
}

let pipeWatched = false;

/**
 * The process's own terminal. When the reader of stdout goes away (`kubeship lint . | head`), the
 * CLI stops quietly, as Unix tools do, instead of failing with EPIPE.
 */
export function processTerminal(): Terminal {
  if (!pipeWatched) {
    pipeWatched = true;
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
      process.exit(process.exitCode ?? EXIT.ok);
    });
  }
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    color: colorWanted(process.stderr.isTTY, process.env),
    tty: process.stderr.isTTY,
  };
}

/** An input problem the user can fix (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Reads a spec file, or stdin for `-`, with a clear error when it is missing. */
export async function readSpecFile(path: string): Promise<string> {
  if (path === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new UsageError(
        `${path}: no such file; pass the spec's path, or run \`kubeship init\` to write a starter kubeship.yaml`,
        { cause: e },
      );
    if (code === "EISDIR")
      throw new UsageError(`${path} is a directory; pass the spec file inside it`, { cause: e });
    throw new UsageError(`${path}: cannot read (${code ?? "error"})`, { cause: e });
  }
}

/** Exit codes: 0 success, 1 the command ran and failed (findings, a failed deploy), 2 bad input or usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Refuses to write over an existing file unless `--force` was given. */
export async function refuseToOverwrite(path: string, force: boolean | undefined): Promise<void> {
  if (force === true) return;
  try {
    await access(path);
  } catch {
    return;
  }
  throw new UsageError(`${path} already exists; pass --force to overwrite it`);
}

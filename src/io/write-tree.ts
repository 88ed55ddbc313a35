import { mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { FileTree } from "../emit/file-tree.js";

/** The marker file kubeship leaves in every directory it renders into. */
export const RENDER_MARKER = ".kubeship-rendered";

/** A typed error for output problems the user can fix (a directory with someone else's files in it). */
export class OutputError extends Error {
  override readonly name = "OutputError";
}

/**
 * Writes a file tree to `dir`, replacing the previous render there as a whole, so that no stale
 * file survives. It never overwrites a directory kubeship did not write: a non-empty directory
 * without the marker is refused. The new tree is written beside it first and swapped in by rename.
 */
export async function writeTree(dir: string, tree: FileTree): Promise<void> {
  const existing = await listDir(dir);
  if (existing !== undefined && existing.length > 0 && !existing.includes(RENDER_MARKER))
    throw new OutputError(
      `${dir} is not empty and was not written by kubeship; choose another -o directory or empty it`,
    );
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(dir)}.kubeship-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    // Synchronous on purpose: thousands of small files write several times faster without a
    // thread-pool round trip per file.
    const made = new Set<string>();
    for (const [path, content] of tree) {
      const file = join(staging, path);
      const parentDir = dirname(file);
      if (!made.has(parentDir)) {
        mkdirSync(parentDir, { recursive: true });
        made.add(parentDir);
      }
      writeFileSync(file, content);
    }
    await writeFile(
      join(staging, RENDER_MARKER),
      "This directory is written by kubeship render and replaced as a whole on the next render.\n",
    );
    if (existing !== undefined) {
      const old = `${staging}.old`;
      await rename(dir, old);
      await rename(staging, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, dir);
    }
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

async function listDir(dir: string): Promise<string[] | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new OutputError(`${dir} exists and is not a directory`);
    return await readdir(dir);
  } catch (e) {
    if (e instanceof OutputError) throw e;
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

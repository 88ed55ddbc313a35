import { isAscii } from "node:buffer";
import { execFile } from "node:child_process";
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { SchemaSet } from "../lint/schema/compact.js";

/** An input that cannot be read (a missing path, a failing kustomize build): exit code 2. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** One text to lint and the name it is reported under. */
export interface InputText {
  readonly file: string;
  readonly text: string;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** An input to lint: a file to read (with its size), or a text already in memory (stdin, a build). */
export type ManifestSource = InputText | { readonly file: string; readonly bytes: number };

/**
 * Lists files, directories (recursively: *.yaml, *.yml, *.json) and `-` (stdin, read now) in a stable
 * order, without reading the files: large inputs are read by the lint workers themselves.
 */
export async function listManifestSources(
  paths: readonly string[],
  stdin: () => Promise<string>,
): Promise<ManifestSource[]> {
  const out: ManifestSource[] = [];
  for (const path of paths) {
    if (path === "-") {
      out.push({ file: "<stdin>", text: await stdin() });
      continue;
    }
    const files = await expand(path);
    const sizes = await Promise.all(files.map(sizeOf));
    files.forEach((file, i) => out.push({ file, bytes: sizes[i] ?? 0 }));
  }
  return out;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (e) {
    throw unreadable(file, e);
  }
}

/** The error for a file that is listed but cannot be read (a dangling link, no permission). */
export function unreadable(file: string, e: unknown): InputError {
  return new InputError(`${file}: cannot be read (${e instanceof Error ? e.message : String(e)})`, {
    cause: e,
  });
}

/** The text of a source, read from disk unless it is in memory. */
export async function readSource(source: ManifestSource): Promise<InputText> {
  if ("text" in source) return source;
  try {
    return { file: source.file, text: await readFile(source.file, "utf8") };
  } catch (e) {
    throw unreadable(source.file, e);
  }
}

/** The buffer files are read into, kept between calls and grown to the largest read. */
let readBuffer = Buffer.allocUnsafe(1 << 20);

/**
 * Reads a file into `readBuffer` from `at` (growing it, keeping what is before `at`) and returns
 * where its bytes end. Until end of file: a file can grow while it is read, and a pipe has no size.
 */
function readInto(file: string, at: number): number {
  const fd = openSync(file, "r");
  try {
    let n = at;
    const room = (bytes: number): void => {
      if (readBuffer.length >= bytes) return;
      const larger = Buffer.allocUnsafe(bytes);
      readBuffer.copy(larger, 0, 0, n);
      readBuffer = larger;
    };
    room(at + fstatSync(fd).size + 1);
    for (;;) {
      if (n === readBuffer.length) room(n * 2);
      const r = readSync(fd, readBuffer, n, readBuffer.length - n, null);
      if (r === 0) return n;
      n += r;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The texts of files (UTF-8, as `readFileSync(file, "utf8")` reads them, in half the time: one
 * buffer, kept between calls, instead of one per file), in order, up to the first that cannot be read
 * (`failed`). Files are read back to back into the buffer, `joinBytes` at a time, and when those
 * bytes are ASCII, decoded into one string that each file's text is a slice of: V8 puts a string that
 * large straight into its large-object space, which collections never copy, while a file of up to
 * 128 KB, a string of its own, is copied out of the young generation twice when it is kept.
 */
export function readTextsSync(
  files: readonly string[],
  joinBytes = 1 << 20,
): { readonly texts: string[]; readonly failed?: { readonly file: string; readonly error: unknown } } {
  const texts: string[] = [];
  let i = 0;
  while (i < files.length) {
    const ends: number[] = [];
    let n = 0;
    let failed: { file: string; error: unknown } | undefined;
    for (; i < files.length && n < joinBytes; i++) {
      const file = files[i] ?? "";
      try {
        n = readInto(file, n);
      } catch (error) {
        failed = { file, error };
        break;
      }
      ends.push(n);
    }
    let start = 0;
    if (isAscii(readBuffer.subarray(0, n))) {
      const all = readBuffer.toString("latin1", 0, n);
      for (const end of ends) {
        texts.push(all.slice(start, end));
        start = end;
      }
    } else
      for (const end of ends) {
        texts.push(readBuffer.toString("utf8", start, end));
        start = end;
      }
    if (failed !== undefined) return { texts, failed };
  }
  return { texts };
}

async function expand(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new InputError(`${path}: no such file or directory`, { cause: e });
  }
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files: string[] = [];
  for (const e of entries) {
    if (skipped(e.name)) continue;
    const p = join(path, e.name);
    if (e.isDirectory()) files.push(...(await expand(p)));
    else if (isManifestFile(e.name)) files.push(p);
  }
  return files;
}

/** Directory entries a directory's listing leaves out: hidden ones and node_modules. */
const skipped = (name: string): boolean => name.startsWith(".") || name === "node_modules";

/** Whether a file in a directory is listed: YAML or JSON, except a chart's or kustomization's own files. */
const isManifestFile = (name: string): boolean =>
  MANIFEST_FILE.test(name) && !/^(Chart|values|kustomization)\.ya?ml$/i.test(name);

/**
 * Whether the files that `listManifestSources` would list for these paths hold at least `bytes`,
 * found out quickly and synchronously: it stops once they do, and gives up (false) after looking
 * at `entries` directory entries. A guess made before the CLI has even loaded; paths that do not
 * exist count for nothing.
 */
export function manifestBytesAtLeast(paths: readonly string[], bytes: number, entries = 5000): boolean {
  let total = 0;
  let seen = 0;
  const pending = [...paths];
  for (let path = pending.shift(); path !== undefined; path = pending.shift()) {
    if (++seen > entries) return false;
    try {
      const info = statSync(path);
      if (info.isDirectory()) {
        for (const e of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1)))
          if (!skipped(e.name) && (e.isDirectory() || isManifestFile(e.name)))
            pending.push(join(path, e.name));
      } else if ((total += info.size) >= bytes) return true;
    } catch {
      // Not there or not readable: the listing itself will say so.
    }
  }
  return false;
}

function run(command: string, args: readonly string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { maxBuffer: 1 << 30, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err === null) {
        resolve(stdout);
        return;
      }
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      reject(
        new InputError(
          missing
            ? `${what}: ${command} is not installed or not on PATH`
            : `${what} failed: ${stderr.trim().split("\n").slice(-3).join(" ") || err.message}`,
          { cause: err },
        ),
      );
    });
  });
}

/** Builds a Kustomize directory with `kubectl kustomize`. */
export async function buildKustomization(dir: string, kubectl = "kubectl"): Promise<InputText> {
  return {
    file: `${dir} (kustomize build)`,
    text: await run(kubectl, ["kustomize", dir], `kubectl kustomize ${dir}`),
  };
}

/** Renders a Helm chart directory with `helm template` (release name `lint`), with values files and a namespace. */
export async function templateHelmChart(
  dir: string,
  values: readonly string[],
  namespace: string | undefined,
  helm = "helm",
): Promise<InputText> {
  const args = [
    "template",
    "lint",
    dir,
    ...values.flatMap((v) => ["--values", v]),
    ...(namespace === undefined ? [] : ["--namespace", namespace]),
  ];
  return { file: `${dir} (helm template)`, text: await run(helm, args, `helm template ${dir}`) };
}

const SCHEMA_DIR = new URL("../../schemas/", import.meta.url);

/** The Kubernetes versions lint has schemas for, oldest first. */
export async function schemaVersions(): Promise<string[]> {
  const names = await readdir(SCHEMA_DIR);
  return names
    .map((n) => /^kubernetes-(\d+\.\d+)\.json$/.exec(n)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
}

/** Loads the schemas of a Kubernetes version and of the CRDs kubeship knows. */
export async function loadSchemas(version: string): Promise<SchemaSet[]> {
  const versions = await schemaVersions();
  if (!versions.includes(version))
    throw new InputError(`no schemas for Kubernetes ${version}; lint knows ${versions.join(", ")}`);
  const read = async (name: string): Promise<SchemaSet> =>
    JSON.parse(await readFile(new URL(name, SCHEMA_DIR), "utf8")) as SchemaSet;
  return [await read(`kubernetes-${version}.json`), await read("crds.json")];
}

/** Reads a text file if it exists. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError(`${path}: cannot read`, { cause: e });
  }
}

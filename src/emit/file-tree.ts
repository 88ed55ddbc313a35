/** A set of files in memory: relative path -> content. Emitters build one; only `io` writes it. */
export type FileTree = ReadonlyMap<string, string>;

/** A file tree with its paths sorted, so that listing and writing are deterministic. */
export function fileTree(entries: Iterable<readonly [string, string]>): FileTree {
  return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One RFC 6902 JSON Patch operation. */
export type PatchOp =
  | { readonly op: "add"; readonly path: string; readonly value: unknown }
  | { readonly op: "replace"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string };

/** Escapes a key for a JSON Pointer (RFC 6901): `~` -> `~0`, `/` -> `~1`. */
export function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The JSON Patch that turns `from` into `to`: maps are compared key by key, lists of the same length
 * item by item, and a list whose length changed is replaced whole (positions would be ambiguous).
 */
export function diffJson(from: unknown, to: unknown, path = ""): PatchOp[] {
  if (JSON.stringify(from) === JSON.stringify(to)) return [];
  if (isMap(from) && isMap(to)) {
    const ops: PatchOp[] = [];
    for (const key of Object.keys(from)) {
      const p = `${path}/${pointerToken(key)}`;
      if (!(key in to)) ops.push({ op: "remove", path: p });
      else ops.push(...diffJson(from[key], to[key], p));
    }
    for (const key of Object.keys(to))
      if (!(key in from)) ops.push({ op: "add", path: `${path}/${pointerToken(key)}`, value: to[key] });
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length)
    return from.flatMap((item, i) => diffJson(item, to[i], `${path}/${i}`));
  return [{ op: "replace", path, value: to }];
}

/** Applies a JSON Patch produced by `diffJson` (for tests and previews). */
export function applyJsonPatch(doc: unknown, ops: readonly PatchOp[]): unknown {
  const root: { v: unknown } = { v: structuredClone(doc) };
  for (const op of ops) {
    const tokens =
      op.path === ""
        ? []
        : op.path
            .slice(1)
            .split("/")
            .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (tokens.length === 0) {
      if (op.op !== "remove") root.v = structuredClone(op.value);
      continue;
    }
    let parent: unknown = root.v;
    for (const t of tokens.slice(0, -1)) parent = (parent as Record<string, unknown>)[t];
    const last = tokens[tokens.length - 1] ?? "";
    if (Array.isArray(parent)) {
      const i = Number(last);
      if (op.op === "remove") parent.splice(i, 1);
      else if (op.op === "add") parent.splice(i, 0, structuredClone(op.value));
      else parent[i] = structuredClone(op.value);
    } else {
      const obj = parent as Record<string, unknown>;
      if (op.op === "remove") Reflect.deleteProperty(obj, last);
      else obj[last] = structuredClone(op.value);
    }
  }
  return root.v;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

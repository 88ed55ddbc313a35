import { type Diagnostic, type DocPath, error } from "../spec/diagnostic.js";
import type { AppSpec, AutoscaleSpec, PermissionSpec } from "../spec/schema.js";
import type { AppVolume, ConfigFile, Mount, PermissionRule, Vertical } from "./app-model.js";

/** Reads a file a spec names (`files.*.from`), relative to the spec's directory; undefined if it cannot. */
export type SpecFileReader = (path: string) => string | undefined;

type FileEntry = NonNullable<NonNullable<AppSpec["services"]>[string]["files"]>[string];
type MountEntry = NonNullable<NonNullable<AppSpec["services"]>[string]["mounts"]>[string];

/** The app's volumes, sorted by name. */
export function volumesOf(spec: AppSpec): AppVolume[] {
  return Object.entries(spec.volumes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, v]) => ({
      name,
      size: String(v.size),
      access: v.access ?? "ReadWriteOnce",
      ...(v.storageClass === undefined ? {} : { storageClass: v.storageClass }),
    }));
}

/** A workload's mounts, sorted by path. */
export function mountsOf(mounts: Record<string, MountEntry> | undefined): Mount[] {
  return Object.entries(mounts ?? {})
    .map(([volume, m]) =>
      typeof m === "string"
        ? { volume, path: m, readOnly: false }
        : { volume, path: m.path, readOnly: m.readOnly ?? false },
    )
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A workload's configuration files, sorted by path, with the text of `from` files read now (they go
 * into a ConfigMap); secret files keep only where the deploy reads them.
 */
export function filesOf(
  files: Record<string, FileEntry> | undefined,
  base: DocPath,
  read: SpecFileReader | undefined,
  diagnostics: Diagnostic[],
): ConfigFile[] {
  const out: ConfigFile[] = [];
  for (const [path, f] of Object.entries(files ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if ("content" in f) out.push({ path, kind: "config", content: f.content });
    else if ("secret" in f) out.push({ path, kind: "secret", from: f.from });
    else {
      const text = read?.(f.from);
      if (text === undefined)
        diagnostics.push(
          error(
            "spec/file-unreadable",
            [...base, path, "from"],
            read === undefined
              ? `'${f.from}' cannot be read here: nothing reads files for this spec`
              : `cannot read '${f.from}' (relative to the spec's directory)`,
            read === undefined
              ? "write the text as `content:`, or pass readFile to renderSpec"
              : "check the path, or write the text as `content:`",
          ),
        );
      else out.push({ path, kind: "config", content: text });
    }
  }
  return out;
}

/** CPU and memory amounts of the spec (numbers or quantities) as the quantity strings of the model. */
export function resourceAmounts(
  r: { cpu?: string | number | undefined; memory?: string | number | undefined } | undefined,
): { cpu?: string; memory?: string } | undefined {
  return r === undefined
    ? undefined
    : {
        ...(r.cpu === undefined ? {} : { cpu: String(r.cpu) }),
        ...(r.memory === undefined ? {} : { memory: String(r.memory) }),
      };
}

/** The VPA of a workload's `autoscale.vertical`. */
export function verticalOf(a: AutoscaleSpec | undefined): Vertical | undefined {
  if (a === undefined || a === false || a.vertical === undefined) return undefined;
  const v = a.vertical;
  const min = resourceAmounts(v.min);
  const max = resourceAmounts(v.max);
  return {
    mode: v.mode ?? "Recreate",
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    resources: (["cpu", "memory"] as const).filter((r) => (v.resources ?? ["cpu", "memory"]).includes(r)),
  };
}

/** Permission rules as a Role has them: the core group by default, resourceNames only when given. */
export function permissionsOf(rules: readonly PermissionSpec[] | undefined): PermissionRule[] {
  return (rules ?? []).map((r) => ({
    apiGroups: r.apiGroups ?? [""],
    resources: r.resources,
    verbs: r.verbs,
    names: r.names ?? [],
  }));
}

import { error, warning, type Diagnostic, type DocPath } from "./diagnostic.js";
import { ruleRisks } from "./permission-risks.js";
import type { AppSpec, AutoscaleSpec, PermissionSpec } from "./schema.js";
import { didYouMean } from "./suggest.js";

type WorkloadSpec = NonNullable<AppSpec["services"]>[string];
type Section = "services" | "workers" | "jobs";

/** A file path a ConfigMap or Secret key can be made from: no `..`, no empty segment, no odd characters. */
const FILE_PATH = /^(\/[A-Za-z0-9._-]+)+$/;

/** The key of a file in its ConfigMap or Secret: the path without its leading slash, `/` as `_`. */
export function fileKey(path: string): string {
  return path.slice(1).replaceAll("/", "_");
}

/**
 * Volumes, mounts, files, vertical autoscaling and permissions: references, the traps of
 * ReadWriteOnce volumes, an HPA and a VPA on one resource, and dangerous permissions.
 */
export function checkWorkloadFeatures(out: Diagnostic[], spec: AppSpec): void {
  const volumes = spec.volumes ?? {};
  const names = Object.keys(volumes);
  /** Per ReadWriteOnce volume, the workloads that mount it (writable or not). */
  const rwoUsers = new Map<string, { path: DocPath; workload: string; pods: number; job: boolean }[]>();
  const sections: [Section, Record<string, Partial<WorkloadSpec>>][] = [
    ["services", spec.services ?? {}],
    ["workers", spec.workers ?? {}],
    ["jobs", spec.jobs ?? {}],
  ];
  for (const [section, entries] of sections)
    for (const [name, w] of Object.entries(entries)) {
      const base = [section, name];
      const taken = new Map<string, DocPath>();
      for (const [volume, m] of Object.entries(w.mounts ?? {})) {
        const path = [...base, "mounts", volume];
        const v = volumes[volume];
        if (v === undefined) {
          out.push(
            error(
              "spec/unknown-volume",
              path,
              `unknown volume '${volume}'${didYouMean(volume, names)}`,
              names.length > 0 ? `defined: ${names.join(", ")}` : "define it under the top-level 'volumes'",
            ),
          );
          continue;
        }
        const at = typeof m === "string" ? m : m.path;
        claimPath(out, taken, at, path);
        if ((v.access ?? "ReadWriteOnce") === "ReadWriteOnce") {
          const autoscale = w.autoscale ?? spec.defaults?.autoscale;
          const max = autoscale === undefined || autoscale === false ? undefined : autoscale.max;
          const pods =
            section === "jobs" ? 1 : Math.max(w.replicas ?? spec.defaults?.replicas ?? 2, max ?? 0);
          rwoUsers.set(volume, [
            ...(rwoUsers.get(volume) ?? []),
            { path, workload: `${section}.${name}`, pods, job: section === "jobs" },
          ]);
        }
      }
      const keys = new Map<string, string>();
      for (const file of Object.keys(w.files ?? {})) {
        const path = [...base, "files", file];
        if (!FILE_PATH.test(file) || file.split("/").some((s) => s === "." || s === ".."))
          out.push(
            error(
              "spec/invalid-file-path",
              path,
              `'${file}' is not a file path kubeship can mount`,
              "use an absolute path of letters, digits, '.', '_' and '-', without '..', e.g. /etc/app/config.yaml",
            ),
          );
        else {
          const key = fileKey(file);
          const other = keys.get(key);
          if (other !== undefined)
            out.push(
              error(
                "spec/file-key-clash",
                path,
                `'${file}' and '${other}' would be one key '${key}' of the files ConfigMap`,
                "rename one of them",
              ),
            );
          keys.set(key, file);
          claimPath(out, taken, file, path);
        }
      }
      checkPermissions(out, [...base, "permissions"], w.permissions);
      checkPermissions(out, [...base, "clusterPermissions"], w.clusterPermissions);
      if (section !== "jobs") checkScaling(out, [...base, "autoscale"], w.autoscale);
    }
  if (spec.defaults?.autoscale !== undefined)
    checkScaling(out, ["defaults", "autoscale"], spec.defaults.autoscale);

  for (const [volume, users] of [...rwoUsers].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const many = users.find((u) => u.pods > 1);
    if (many !== undefined)
      out.push(
        error(
          "spec/rwo-volume-shared",
          many.path,
          `volume '${volume}' is ReadWriteOnce but ${many.workload} runs up to ${many.pods} pods: pods scheduled on another node cannot start`,
          "make the volume access: ReadWriteMany (a StorageClass that offers it: NFS, EFS, CephFS), or run one pod (replicas: 1)",
        ),
      );
    const writers = users.filter((u) => !u.job);
    if (many === undefined && writers.length > 1)
      out.push(
        error(
          "spec/rwo-volume-shared",
          writers[1]?.path ?? [],
          `volume '${volume}' is ReadWriteOnce but ${writers.map((u) => u.workload).join(" and ")} mount it: their pods must share one node, which nothing ensures`,
          "make the volume access: ReadWriteMany, or mount it in one workload",
        ),
      );
    if (many === undefined && writers.length === 1 && users.length > 1)
      out.push(
        warning(
          "spec/rwo-volume-job",
          users.find((u) => u.job)?.path ?? [],
          `volume '${volume}' is ReadWriteOnce: this job can run only on the node of ${writers[0]?.workload ?? "the workload"}'s pod`,
          "make the volume access: ReadWriteMany if the job must run anywhere",
        ),
      );
  }
}

function claimPath(out: Diagnostic[], taken: Map<string, DocPath>, at: string, path: DocPath): void {
  const norm = at.replace(/\/+$/, "") || "/";
  if (norm === "/tmp" || norm.startsWith("/tmp/"))
    out.push(
      error(
        "spec/mount-path-clash",
        path,
        `'${at}' is under /tmp, which kubeship mounts as each pod's scratch space`,
        "choose another path, e.g. /data or /etc/app",
      ),
    );
  for (const [other, where] of taken)
    if (norm === other || norm.startsWith(`${other}/`) || other.startsWith(`${norm}/`)) {
      out.push(
        error(
          "spec/mount-path-clash",
          path,
          `'${at}' ${norm === other ? "is also" : "overlaps"} '${other}' (${where.slice(2).join(".")})`,
          "give each volume and file a path of its own",
        ),
      );
      return;
    }
  taken.set(norm, path);
}

/** min and max together; an HPA and an acting VPA never on one resource. */
function checkScaling(out: Diagnostic[], path: DocPath, a: AutoscaleSpec | undefined): void {
  if (a === undefined || a === false) return;
  if ((a.min === undefined) !== (a.max === undefined))
    out.push(
      error(
        "spec/autoscale-range",
        path,
        `autoscale needs both min and max for a HorizontalPodAutoscaler (${a.min === undefined ? "min" : "max"} is missing)`,
        "set both, or neither for a VerticalPodAutoscaler alone (autoscale.vertical)",
      ),
    );
  if (a.min === undefined && a.max === undefined && a.vertical === undefined)
    out.push(error("spec/autoscale-empty", path, "autoscale sets nothing", "set min and max, or vertical"));
  if ((a.cpu !== undefined || a.memory !== undefined) && a.min === undefined && a.max === undefined)
    out.push(
      error(
        "spec/autoscale-range",
        path,
        "cpu and memory are targets of a HorizontalPodAutoscaler, which needs min and max",
        "set min and max, or remove cpu and memory",
      ),
    );
  const v = a.vertical;
  if (v === undefined) return;
  const vpath = [...path, "vertical"];
  if (v.mode === "Auto")
    out.push(
      warning(
        "spec/vpa-auto-deprecated",
        [...vpath, "mode"],
        "VPA update mode Auto is deprecated since VPA 1.4: it means Recreate",
        "write mode: Recreate, or InPlaceOrRecreate where the cluster resizes pods in place",
      ),
    );
  if (a.min === undefined || a.max === undefined || v.mode === "Off") return;
  const horizontal = a.cpu === undefined && a.memory === undefined ? ["cpu"] : [];
  if (a.cpu !== undefined) horizontal.push("cpu");
  if (a.memory !== undefined) horizontal.push("memory");
  const both = horizontal.filter((r) => (v.resources ?? ["cpu", "memory"]).includes(r as "cpu" | "memory"));
  if (both.length > 0)
    out.push(
      error(
        "spec/hpa-vpa-conflict",
        vpath,
        `the HorizontalPodAutoscaler scales on ${both.join(" and ")}, which the VerticalPodAutoscaler sets too: they would undo each other`,
        both.includes("cpu")
          ? "give vertical resources: [memory] (scale out on CPU, size memory), or mode: Off to only recommend"
          : "scale out on CPU only, or give vertical mode: Off",
      ),
    );
}

function checkPermissions(
  out: Diagnostic[],
  path: DocPath,
  rules: readonly PermissionSpec[] | undefined,
): void {
  (rules ?? []).forEach((r, i) => {
    const lists = {
      apiGroups: r.apiGroups ?? [""],
      resources: r.resources,
      verbs: r.verbs,
      names: r.names ?? [],
    };
    for (const risk of ruleRisks(lists))
      out.push(warning(`spec/${risk.rule}`, [...path, i], `this rule ${risk.message}`, risk.fix));
  });
}

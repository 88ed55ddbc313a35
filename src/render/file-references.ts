import type { Workload } from "../model/app-model.js";
import { type Diagnostic, warning } from "../spec/diagnostic.js";
import type { RenderContext } from "./context.js";
import { workloadEnv } from "./wiring.js";

/** `${NAME}`, `${NAME:-default}` and the like: expanded by shells, envsubst and many apps' loaders. */
const SHELL_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?+=-][^}]*)?\}/g;
/** LiteLLM's and others' `os.environ/NAME`. */
const ENVIRON_REFERENCE = /os\.environ\/([A-Za-z_][A-Za-z0-9_]*)/g;

const SECTION = { service: "services", worker: "workers", job: "jobs", cronjob: "jobs" } as const;

/**
 * Kubernetes expands no variable inside a mounted file: the app (or its entrypoint) reads the
 * environment itself. A reference to a variable the workload does not have is a file that will
 * read an empty value at run time: warned at the file, with the names the workload has.
 */
export function fileReferenceWarnings(ctx: RenderContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const w of ctx.model.workloads) {
    const config = w.files.flatMap((f) => (f.kind === "config" ? [f] : []));
    if (config.length === 0) continue;
    const have = envNames(ctx, w);
    for (const f of config) {
      const named = new Set<string>();
      for (const re of [SHELL_REFERENCE, ENVIRON_REFERENCE])
        for (const m of f.content.matchAll(re)) if (m[1] !== undefined) named.add(m[1]);
      const missing = [...named].filter((n) => !have.has(n)).sort();
      if (missing.length > 0)
        out.push(
          warning(
            "spec/file-unknown-variable",
            [SECTION[w.kind], w.name, "files", f.path],
            `the file reads ${missing.map((n) => `'${n}'`).join(", ")} from the environment, which ${w.name} does not have (Kubernetes expands nothing inside files)`,
            `add ${missing.length === 1 ? "it" : "them"} to env or secrets of ${w.name}, or fix the name`,
          ),
        );
    }
  }
  return out;
}

/** Every environment variable the workload's main container has: its env, wiring, secrets and config. */
function envNames(ctx: RenderContext, w: Workload): Set<string> {
  return new Set([...workloadEnv(ctx, w).map((e) => e.name), ...Object.keys(ctx.model.config)]);
}

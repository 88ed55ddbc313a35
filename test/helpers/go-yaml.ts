import { execFileSync } from "node:child_process";
import { ensureKubeYaml } from "../tools/go-tools.mjs";

/** What kubectl's YAML reader made of one YAML stream: its documents as JSON, or its error. */
export type GoRead = { readonly docs: unknown[] } | { readonly error: string };

let binary: string | undefined;

/**
 * Reads YAML streams the way kubectl does (k8s.io/apimachinery's YAMLOrJSONDecoder over go-yaml, a
 * YAML 1.1 reader), all in one process. `mode: "values"` reads each as one document the way Helm
 * reads values files.
 */
export function readLikeKubectl(texts: readonly string[], mode: "stream" | "values" = "stream"): GoRead[] {
  if (texts.length === 0) return [];
  binary ??= ensureKubeYaml();
  const input = texts.map((t) => JSON.stringify(t)).join("\n") + "\n";
  const out = execFileSync(binary, [mode === "values" ? "-values" : "-lines"], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return out
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const r = JSON.parse(l) as { docs?: unknown[]; error?: string };
      return r.error !== undefined ? { error: r.error } : { docs: r.docs ?? [] };
    });
}

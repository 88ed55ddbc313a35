/** The path of a wrapper command of ours (test/tools/go/<name>), built from Go modules on first use. */
export function ensureGoWrapper(name: string): string;
/** The path of an upstream command installed with `go install pkg@version`, built on first use. */
export function ensureGoInstall(pkg: string, version: string, binName?: string): string;
/** An upstream command built from its module's source (a module whose go.mod names another path). */
export function ensureGoBuildFromModule(
  module: string,
  version: string,
  pkgDir: string,
  binName: string,
): string;
/** kubeseal (sealed-secrets v0.40.0), built from its Go module. */
export function ensureKubeseal(): string;
/** sops v3.13.3, built from its Go module. */
export function ensureSops(): string;
/** kubectl's own YAML reader (k8s.io/apimachinery over go-yaml), as a command. */
export function ensureKubeYaml(): string;
/** The text of a file of a Go module (an operator's CRD manifests), from the Go module cache. */
export function goModuleFile(module: string, version: string, path: string): string;
export const MINIO_RELEASES: { readonly minio: string; readonly mc: string };
export function ensureMinio(): string;
export function ensureMc(): string;

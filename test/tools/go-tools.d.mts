/** The path of a wrapper command of ours (test/tools/go/<name>), built from Go modules on first use. */
export function ensureGoWrapper(name: string): string;
/** The path of an upstream command installed with `go install pkg@version`, built on first use. */
export function ensureGoInstall(pkg: string, version: string, binName?: string): string;
/** kubectl's own YAML reader (k8s.io/apimachinery over go-yaml), as a command. */
export function ensureKubeYaml(): string;
/** The text of a file of a Go module (an operator's CRD manifests), from the Go module cache. */
export function goModuleFile(module: string, version: string, path: string): string;
export const MINIO_RELEASES: { readonly minio: string; readonly mc: string };
export function ensureMinio(): string;
export function ensureMc(): string;

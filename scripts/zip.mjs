// Reads files out of a zip archive (stored or deflated) through its central directory; no unzip binary needed.
import { inflateRawSync } from "node:zlib";

/** The names of the entries of a zip archive. */
export function listEntries(buf) {
  return walk(buf).map((e) => e.name);
}

/** Reads one entry of a zip archive. */
export function extractEntry(buf, name) {
  const e = walk(buf).find((x) => x.name === name);
  if (e === undefined) throw new Error(`the archive has no ${name}`);
  const start = e.local + 30 + buf.readUInt16LE(e.local + 26) + buf.readUInt16LE(e.local + 28);
  const raw = buf.subarray(start, start + e.size);
  if (e.method === 0) return raw;
  if (e.method === 8) return inflateRawSync(raw);
  throw new Error(`${name} uses compression method ${e.method}`);
}

function walk(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip archive: no end of central directory");
  let p = buf.readUInt32LE(eocd + 16);
  const count = buf.readUInt16LE(eocd + 10);
  const out = [];
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    out.push({
      method: buf.readUInt16LE(p + 10),
      size: buf.readUInt32LE(p + 20),
      local: buf.readUInt32LE(p + 42),
      name: buf.toString("utf8", p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

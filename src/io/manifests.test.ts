import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTextSync } from "./manifests.js";

describe("readTextSync", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubeship-read-"));
  const file = (name: string, text: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("reads files as readFileSync does, one after another into the same buffer", () => {
    // Larger than the first buffer, then smaller again: no bytes of the earlier file leak into the next.
    const big = `kind: ConfigMap\n${"data: é—日本\n".repeat(200_000)}`;
    const small = "kind: Service\n";
    expect(readTextSync(file("big.yaml", big))).toBe(big);
    expect(readTextSync(file("small.yaml", small))).toBe(small);
    expect(readTextSync(file("empty.yaml", ""))).toBe("");
    // A byte-order mark stays, and invalid UTF-8 becomes U+FFFD, as with readFileSync(file, "utf8").
    expect(readTextSync(file("bom.yaml", "\ufeffa: 1\n"))).toBe("\ufeffa: 1\n");
    expect(readTextSync(file("bad.yaml", Buffer.from([0x61, 0xff, 0x62])))).toBe("a\ufffdb");
  });

  it("throws the file system's error for a file that cannot be read", () => {
    expect(() => readTextSync(join(dir, "missing.yaml"))).toThrow(/ENOENT/);
    expect(() => readTextSync(dir)).toThrow(/EISDIR/);
  });
});

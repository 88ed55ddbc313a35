import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitYamlFiles } from "../../src/emit/yaml.js";
import { renderFile, ROOT } from "../helpers/render.js";

// Goldens: one small YAML file per rendered object. Review changes in the diff;
// regenerate with `UPDATE_GOLDEN=1 npx vitest run test/render/golden.test.ts`.
const EXAMPLES = ["shop", "minitoolstream", "codeplatform", "medaudit"];

describe.each(EXAMPLES)("golden files of examples/%s.kubeship.yaml", (name) => {
  const dir = join(ROOT, "test/golden", name);
  const tree = emitYamlFiles(renderFile(`examples/${name}.kubeship.yaml`).objects);

  if (process.env["UPDATE_GOLDEN"] === "1") {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of tree) writeFileSync(join(dir, file), content);
  }

  it("renders exactly the golden set of files", () => {
    expect([...tree.keys()]).toEqual(readdirSync(dir).sort());
  });

  it.each([...tree.keys()])("%s matches its golden file", (file) => {
    expect(tree.get(file)).toBe(readFileSync(join(dir, file), "utf8"));
  });
});

// Writes the docs that are generated from the code: the spec's JSON Schema, the catalog and the CLI reference.
// `npm run docs` runs it; test/docs.test.ts fails when a committed file differs from what this produces.
import { writeFileSync } from "node:fs";
import { generatedDocs } from "../test/helpers/generated-docs.js";

for (const [path, content] of generatedDocs()) {
  writeFileSync(new URL(`../${path}`, import.meta.url), content);
  process.stdout.write(`wrote ${path}\n`);
}

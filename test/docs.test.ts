import { describe, expect, it } from "vitest";
import { generatedDocs } from "./helpers/generated-docs.js";
import { readRepoFile } from "./helpers/render.js";

describe("generated docs", () => {
  it.each([...generatedDocs()])("%s is up to date (run `npm run docs`)", (path, content) => {
    expect(readRepoFile(path)).toBe(content);
  });
});

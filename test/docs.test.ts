import { describe, expect, it } from "vitest";
import { generatedDocs } from "./helpers/generated-docs.js";
import { readRepoFile } from "./helpers/render.js";

describe("generated docs", () => {
  it.each([...generatedDocs()])("%s is up to date (run `npm run docs`)", (path, content) => {
    expect(readRepoFile(path)).toBe(content);
  });
});

describe("rule pages", () => {
  it("has no page for a rule that no longer exists", async () => {
    const { readdirSync } = await import("node:fs");
    const { ROOT } = await import("./helpers/render.js");
    const generated = new Set([...generatedDocs().keys()].filter((p) => p.startsWith("docs/lint/")));
    for (const f of readdirSync(`${ROOT}/docs/lint`)) expect(generated, f).toContain(`docs/lint/${f}`);
  });
});

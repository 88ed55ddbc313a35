import { describe, expect, it } from "vitest";
import { EXCERPT_WIDTH, SourceExcerpts } from "./source-excerpt.js";

describe("SourceExcerpts", () => {
  it("quotes a short line whole, with the caret under the column", () => {
    const e = new SourceExcerpts(new Map([["f", "a: 1\nbb: 2\r\nc: 3"]]));
    expect(e.excerpt("f", 2, 5)).toEqual({ text: "bb: 2", caret: 4 });
    expect(e.excerpt("f", 3, 1)).toEqual({ text: "c: 3", caret: 0 });
    expect(e.excerpt("f", 4, 1)).toBeUndefined();
    expect(e.excerpt("g", 1, 1)).toBeUndefined();
  });

  it("clips a long line around the column, and the caret still points at the same character", () => {
    const line = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
    const e = new SourceExcerpts(new Map([["f", `x\n${line}\n`]]));
    for (const column of [1, 10, 500, 1999, 2000]) {
      const q = e.excerpt("f", 2, column);
      expect(q).toBeDefined();
      if (q === undefined) continue;
      expect(q.text.length).toBeLessThanOrEqual(EXCERPT_WIDTH + 2);
      expect(q.text[q.caret]).toBe(line[column - 1]);
    }
  });
});

/** How many characters of a source line a report quotes around the column it points at. */
export const EXCERPT_WIDTH = 160;

/**
 * Quotes lines of source texts under diagnostics, in time linear in the texts: each text's line
 * offsets are found once, and a long line (minified JSON, a one-line `List`) is clipped to
 * `EXCERPT_WIDTH` characters around the column, with `…` where it was cut.
 */
export class SourceExcerpts {
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly sources: ReadonlyMap<string, string> | undefined) {}

  /** The line (1-based) of `file` clipped around `column` (1-based), and where the caret goes in it. */
  excerpt(file: string, line: number, column: number): { text: string; caret: number } | undefined {
    const text = this.sources?.get(file);
    if (text === undefined || line < 1) return undefined;
    let starts = this.starts.get(file);
    if (starts === undefined) {
      starts = [0];
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.starts.set(file, starts);
    }
    const begin = starts[line - 1];
    if (begin === undefined) return undefined;
    const next = starts[line];
    const end = next === undefined ? text.length : next - 1;
    const full = text.slice(begin, Math.min(end, begin + column + EXCERPT_WIDTH)).replace(/\r$/, "");
    const col = Math.max(0, column - 1);
    if (end - begin <= EXCERPT_WIDTH) return { text: full, caret: col };
    const from = Math.max(0, Math.min(col - EXCERPT_WIDTH / 2, end - begin - EXCERPT_WIDTH));
    const head = from > 0 ? "…" : "";
    const tail = from + EXCERPT_WIDTH < end - begin ? "…" : "";
    return {
      text: `${head}${full.slice(from, from + EXCERPT_WIDTH)}${tail}`,
      caret: col - from + head.length,
    };
  }
}

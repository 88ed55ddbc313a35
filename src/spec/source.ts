import jsyaml from "js-yaml";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Diagnostic, DocPath, SourcePosition } from "./diagnostic.js";
import { fastYamlLoad } from "./fast-yaml.js";

/** Finds where a path lies in the source text, so that diagnostics can name line and column. */
export interface SourceLocator {
  readonly file: string;
  /** The position of the value at `path`, or of its nearest existing ancestor; `key` points at the key. */
  locate(path: DocPath, options?: { key?: boolean }): SourcePosition;
  /** True when the path exists in the document. */
  has(path: DocPath): boolean;
}

/** A YAML document parsed with positions kept. */
export interface ParsedSource {
  readonly data: unknown;
  readonly locator: SourceLocator;
  readonly diagnostics: readonly Diagnostic[];
}

// YAML 1.2 core types plus merge keys (`<<: *defaults`), as the position-keeping parser reads them.
// (@types/js-yaml does not declare the `types` js-yaml exports for building schemas.)
const FAST_SCHEMA = jsyaml.CORE_SCHEMA.extend({
  implicit: [(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge],
});

/**
 * Parses YAML text. A fast reader of the manifest subset (fast-yaml.ts), else js-yaml, reads the data; the
 * position-keeping parse, several times slower, runs only when a diagnostic needs a line and column
 * (and for every syntax error).
 */
export function parseYamlSource(text: string, file: string): ParsedSource {
  let data: unknown;
  try {
    const fast = fastYamlLoad(text);
    data = fast !== undefined ? fast.value : jsyaml.load(text, { schema: FAST_SCHEMA, filename: file });
  } catch (e) {
    const full = parsePositioned(text, file);
    if (full.diagnostics.length > 0) return full;
    // The two parsers disagree; trust the stricter one and say where it stopped.
    const mark = e instanceof jsyaml.YAMLException ? e.mark : undefined;
    return {
      data: undefined,
      locator: full.locator,
      diagnostics: [
        {
          code: "yaml-syntax",
          severity: "error",
          path: [],
          message: e instanceof jsyaml.YAMLException ? e.reason : "the YAML cannot be read",
          hint: "fix the YAML syntax at this place",
          position: { file, line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 },
        },
      ],
    };
  }
  let positioned: SourceLocator | undefined;
  const locator: SourceLocator = {
    file,
    has: (path) => (positioned ??= parsePositioned(text, file).locator).has(path),
    locate: (path, options) => (positioned ??= parsePositioned(text, file).locator).locate(path, options),
  };
  return { data, locator, diagnostics: [] };
}

/** Parses YAML text keeping every node's position; syntax errors become diagnostics with line and column. */
export function parsePositioned(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const locator = new YamlLocator(doc, file, at);
  const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
    code: "yaml-syntax",
    severity: "error",
    path: [],
    message: firstLine(e.message),
    hint: "fix the YAML syntax at this place",
    position: at(e.pos[0]),
  }));
  return {
    data: diagnostics.length > 0 ? undefined : doc.toJS({ maxAliasCount: 1000 }),
    locator,
    diagnostics,
  };
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? message;
}

class YamlLocator implements SourceLocator {
  constructor(
    private readonly doc: Document,
    readonly file: string,
    private readonly at: (offset: number) => SourcePosition,
  ) {}

  has(path: DocPath): boolean {
    return this.walk(path).depth === path.length;
  }

  locate(path: DocPath, options: { key?: boolean } = {}): SourcePosition {
    const { node, keyNode, depth } = this.walk(path);
    const target = options.key === true && depth === path.length && keyNode !== undefined ? keyNode : node;
    const offset = target?.range?.[0] ?? 0;
    return this.at(offset);
  }

  private walk(path: DocPath): { node: Node | undefined; keyNode: Node | undefined; depth: number } {
    let node: Node | undefined = this.doc.contents ?? undefined;
    let keyNode: Node | undefined;
    let depth = 0;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part),
        );
        if (pair === undefined) break;
        keyNode = isScalar(pair.key) ? pair.key : undefined;
        node = (pair.value ?? pair.key) as Node | undefined;
      } else if (isSeq(node) && typeof part === "number") {
        const item = node.items[part];
        if (item === undefined) break;
        keyNode = undefined;
        node = item as Node;
      } else {
        break;
      }
      depth++;
    }
    return { node, keyNode, depth };
  }
}

/** A locator for specs built in code (`defineApp`): every position is the start of a virtual file. */
export function codeLocator(file: string): SourceLocator {
  return {
    file,
    has: () => false,
    locate: () => ({ file, line: 1, column: 1 }),
  };
}

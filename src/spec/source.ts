import jsyaml from "js-yaml";
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  visit,
} from "yaml";
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
  const refused = lineBreakRefusal(text, file);
  if (refused !== undefined) return refused;
  let data: unknown;
  try {
    const fast = fastYamlLoad(text);
    if (fast !== undefined) data = fast.value;
    else {
      data = jsyaml.load(text, { schema: FAST_SCHEMA, filename: file });
      // js-yaml shares aliased nodes instead of copying them: an alias bomb reads in microseconds and
      // then explodes in whatever walks the data. Refuse what expands far beyond its text.
      const problem = dataShapeProblem(data, { maxNodes: Math.max(MIN_NODE_BUDGET, 4 * text.length) });
      if (problem !== undefined) {
        const full = parsePositioned(text, file);
        if (full.diagnostics.length > 0) return full;
        return {
          data: undefined,
          locator: full.locator,
          diagnostics: [
            {
              code: "yaml-syntax",
              severity: "error",
              path: [],
              message: problem,
              hint: "write the values out instead of nesting aliases or collections this deep",
              position: full.locator.locate([]),
            },
          ],
        };
      }
    }
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

/**
 * The offset of the first NEL (U+0085), LS (U+2028) or PS (U+2029) in `text`, or -1. YAML 1.1 readers
 * (go-yaml in kubectl and Helm, libyaml, PyYAML) break lines at them, YAML 1.2 readers (ours) do not:
 * a document holding one raw can show JavaScript readers one thing and the API server another.
 */
export function yaml11LineBreak(text: string): number {
  // indexOf is cheap on one-byte strings (V8 knows U+2028 cannot be in them): three scans, not a regex.
  let first = -1;
  for (const c of ["\u0085", "\u2028", "\u2029"]) {
    const i = text.indexOf(c);
    if (i !== -1 && (first === -1 || i < first)) first = i;
  }
  return first;
}

/** A syntax error for the first NEL, LS or PS in `text`, or undefined when it has none. */
function lineBreakRefusal(text: string, file: string): ParsedSource | undefined {
  const lineBreak = yaml11LineBreak(text);
  if (lineBreak === -1) return undefined;
  const code = text.charCodeAt(lineBreak);
  const name = code === 0x85 ? "NEXT LINE" : code === 0x2028 ? "LINE SEPARATOR" : "PARAGRAPH SEPARATOR";
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  return {
    data: undefined,
    locator: codeLocator(file),
    diagnostics: [
      {
        code: "yaml-syntax",
        severity: "error",
        path: [],
        message: `U+${hex} (${name}) is a line break to kubectl's and Helm's YAML reader (YAML 1.1) but not to JavaScript's (YAML 1.2): the text after it would be read as other fields than the ones shown here`,
        hint: `write it as the escape "\\u${hex.toLowerCase()}" inside a double-quoted string`,
        position: positionOf(text, file, lineBreak),
      },
    ],
  };
}

function positionOf(text: string, file: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}

/** Values a document may hold however short its text (aliases make more of few characters). */
const MIN_NODE_BUDGET = 1_000_000;

/** How deep collections may nest: far beyond any Kubernetes object or spec, far below the stack's limit. */
export const MAX_NESTING = 256;

/**
 * Why data cannot be processed safely, or undefined: collections nested deeper than `maxDepth`, or
 * more than `maxNodes` values counting every expansion of a shared (aliased) node. Iterative, so it
 * never overflows the stack itself.
 */
export function dataShapeProblem(
  data: unknown,
  limits: { maxNodes: number; maxDepth?: number },
): string | undefined {
  const maxDepth = limits.maxDepth ?? MAX_NESTING;
  const stack: [unknown, number][] = [[data, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (++nodes > limits.maxNodes)
      return `the document expands to more than ${limits.maxNodes} values (an alias bomb?)`;
    if (value === null || typeof value !== "object") continue;
    if (depth >= maxDepth) return `collections are nested more than ${maxDepth} levels deep`;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
  return undefined;
}

/** Parses YAML text keeping every node's position; syntax errors become diagnostics with line and column. */
export function parsePositioned(text: string, file: string): ParsedSource {
  const refused = lineBreakRefusal(text, file);
  if (refused !== undefined) return refused;
  const lineCounter = new LineCounter();
  // The parser's own duplicate-key check compares each key with every earlier one (quadratic: a
  // mapping of 80,000 keys took a minute); duplicateKeys() below does it with one set per mapping.
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  } catch (e) {
    // The parser recurses per nesting level: thousands of levels exhaust the stack.
    if (!(e instanceof RangeError)) throw e;
    return {
      data: undefined,
      locator: codeLocator(file),
      diagnostics: [
        {
          code: "yaml-syntax",
          severity: "error",
          path: [],
          message: `collections are nested too deeply to read (more than ${MAX_NESTING} levels)`,
          hint: "flatten the document",
          position: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const locator = new YamlLocator(doc, file, at);
  const syntax = (message: string, offset: number): Diagnostic => ({
    code: "yaml-syntax",
    severity: "error",
    path: [],
    message,
    hint: "fix the YAML syntax at this place",
    position: at(offset),
  });
  const diagnostics: Diagnostic[] = doc.errors.map((e) => syntax(firstLine(e.message), e.pos[0]));
  if (diagnostics.length === 0)
    for (const offset of duplicateKeys(doc)) diagnostics.push(syntax("Map keys must be unique", offset));
  if (diagnostics.length > 0) return { data: undefined, locator, diagnostics };
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locator, diagnostics };
  } catch (e) {
    // An alias bomb ("billion laughs"): the parser refuses to expand it.
    const message = e instanceof Error ? e.message : String(e);
    return { data: undefined, locator, diagnostics: [syntax(firstLine(message), firstAlias(text))] };
  }
}

/** How many times one alias may be expanded (the parser's own limit against alias bombs). */
const MAX_ALIAS_COUNT = 1000;

/** The offsets of keys that repeat an earlier scalar key of the same mapping. */
function duplicateKeys(doc: Document): number[] {
  const out: number[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const k = pair.key.value;
        if (seen.has(k)) out.push(pair.key.range?.[0] ?? 0);
        else seen.add(k);
      }
    },
  });
  return out;
}

function firstAlias(text: string): number {
  const m = /(^|[\s[{,:-])\*[^\s,[\]{}]/.exec(text);
  return m === null ? 0 : m.index + (m[1] ?? "").length;
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
    // About a whole entry (a mapping or list found at the path): its name, not its first field.
    const wantsKey = options.key ?? (isMap(node) || isSeq(node));
    const target = wantsKey && depth === path.length && keyNode !== undefined ? keyNode : node;
    const offset = target?.range?.[0] ?? 0;
    return this.at(offset);
  }

  /** Per mapping, its pairs by key text: a diagnostic per key of a large mapping stays linear. */
  private readonly pairs = new WeakMap<object, Map<string, Pair>>();

  private pairOf(map: { items: readonly Pair[] }, part: string | number): Pair | undefined {
    let index = this.pairs.get(map);
    if (index === undefined) {
      index = new Map();
      for (const item of map.items)
        if (isPair(item) && isScalar(item.key) && !index.has(String(item.key.value)))
          index.set(String(item.key.value), item);
      this.pairs.set(map, index);
    }
    return index.get(String(part));
  }

  private walk(path: DocPath): { node: Node | undefined; keyNode: Node | undefined; depth: number } {
    let node: Node | undefined = this.doc.contents ?? undefined;
    let keyNode: Node | undefined;
    let depth = 0;
    for (const part of path) {
      if (isMap(node)) {
        const pair = this.pairOf(node, part);
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

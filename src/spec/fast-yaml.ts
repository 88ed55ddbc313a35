/**
 * A fast reader for the block-style YAML that Kubernetes manifests are written in: mappings,
 * sequences, plain and quoted scalars, literal block scalars and one-line flow collections, resolved
 * with the YAML 1.2 core schema exactly as js-yaml does. Anything else (anchors, tags, folded or
 * multi-line scalars, odd numbers, duplicate keys, merge keys) makes it give up and return
 * `undefined`, and the caller falls back to js-yaml, so results never differ, only speed does.
 * fast-yaml.test.ts checks it against js-yaml on every manifest in the repository and on edge cases.
 */

/** Thrown inside the reader when the text leaves the subset; never escapes this module. */
class Bail extends Error {}

const bail = (): never => {
  throw new Bail();
};

/** Reads one YAML document, or returns `undefined` when it is outside the fast subset. */
export function fastYamlLoad(text: string): { value: unknown } | undefined {
  if (text.includes("\t") || text.includes("\r")) return undefined;
  try {
    const reader = new Reader(text.split("\n"));
    return { value: reader.document() };
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}

const INT = /^[-+]?(0|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(0|[1-9][0-9]*)\.[0-9]+$/;
// Everything js-yaml's core schema might read as a number (int in any base, float, .inf, .nan).
const NUMBER_LIKE = /^[-+]?(\.?[0-9]|\.(inf|Inf|INF)$)|^\.(nan|NaN|NAN)$/;
const SPACE = 32;
const PIPE = 124;
const DQUOTE = 34;
const SQUOTE = 39;
const LBRACKET = 91;
const LBRACE = 123;
// Characters a block value cannot start with here (tags, anchors, aliases, folded scalars, reserved).
const VALUE_INDICATORS = new Uint8Array(128);
for (const ch of ">&*!?@`%") VALUE_INDICATORS[ch.charCodeAt(0)] = 1;
const HASH = 35;
const DASH = 45;
const COLON = 58;

/** Resolves a plain scalar with the core schema (null, booleans, numbers, strings), as js-yaml does. */
function resolvePlain(s: string): unknown {
  if (s.length === 0) return null;
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === DASH || c === 43 || c === 46) return resolveNumeric(s);
  if (c === 126) return s === "~" ? null : s;
  if (c === 110 || c === 78) return s === "null" || s === "Null" || s === "NULL" ? null : s;
  if (c === 116 || c === 84) return s === "true" || s === "True" || s === "TRUE" ? true : s;
  if (c === 102 || c === 70) return s === "false" || s === "False" || s === "FALSE" ? false : s;
  return s;
}

function resolveNumeric(s: string): unknown {
  if (!NUMBER_LIKE.test(s) && !/^[-+]?0[box]/.test(s)) return s;
  // Signed zeros and explicit plus signs: js-yaml's conversions are the reference, so leave them to it.
  if (s.startsWith("+") || /^-0(\.0*)?$/.test(s)) bail();
  if (INT.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : bail();
  }
  if (FLOAT.test(s)) return Number(s);
  // 1_000, 0x1F, 1e3, .5, .inf and friends: rare in manifests, left to js-yaml.
  if (/^[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?$|^[-+]?\.|^[-+]?0[box]|^[-+]?[0-9_]+$/.test(s))
    bail();
  return s;
}

/** True when the line has a sequence dash at `s` (`- x` or a lone `-`). */
function isDash(line: string, s: number): boolean {
  if (line.charCodeAt(s) !== DASH) return false;
  const n = line.charCodeAt(s + 1);
  return Number.isNaN(n) || n === SPACE;
}

// Characters a plain key cannot start with (YAML indicators).
const KEY_INDICATORS = new Uint8Array(128);
for (const ch of "-?:,[]{}#&*!|>'\"%@`") KEY_INDICATORS[ch.charCodeAt(0)] = 1;

/** The mapping, when it has as many own keys as were stored in it (no key twice); else bails. */
function unique(out: Record<string, unknown>, stored: number): Record<string, unknown> {
  return stored < 2 || Object.keys(out).length === stored ? out : bail();
}

class Reader {
  private i = 0;
  /** Per line, the column its content starts at; a compact mapping (`- k: v`) moves it past the dash. */
  private readonly starts: Int32Array;
  /** Set by keyAt(): the key, and where the value starts on the line. */
  private key = "";
  private rest = 0;

  constructor(private readonly lines: string[]) {
    this.starts = new Int32Array(lines.length).fill(-1);
  }

  document(): unknown {
    this.skipBlank();
    if (this.i >= this.lines.length) return null;
    const line = this.lines[this.i] ?? "";
    if (line.startsWith("%")) bail();
    const value = this.node(this.indent(this.i));
    this.skipBlank();
    if (this.i < this.lines.length) bail();
    return value;
  }

  private indent(i: number): number {
    let s = this.starts[i] ?? 0;
    if (s < 0) {
      const line = this.lines[i] ?? "";
      s = 0;
      while (line.charCodeAt(s) === SPACE) s++;
      this.starts[i] = s;
    }
    return s;
  }

  /** Skips empty lines and comment lines. */
  private skipBlank(): void {
    const n = this.lines.length;
    while (this.i < n) {
      const line = this.lines[this.i] ?? "";
      const s = this.indent(this.i);
      if (s < line.length && line.charCodeAt(s) !== HASH) return;
      this.i++;
    }
  }

  /** A block node starting at the current (non-blank) line, whose content starts at column `indent`. */
  private node(indent: number): unknown {
    const line = this.lines[this.i] ?? "";
    if (isDash(line, indent)) return this.sequence(indent);
    if (this.keyAt(line, indent)) return this.mapping(indent);
    // A lone scalar as a whole block node (a document that is just a value): left to js-yaml.
    return bail();
  }

  /**
   * The next non-blank line of a block whose content starts at column `indent`, or undefined when the
   * block has ended (end of text, or a line less indented); a deeper line here is not ours.
   */
  private nextAt(indent: number): string | undefined {
    this.skipBlank();
    if (this.i >= this.lines.length) return undefined;
    const s = this.indent(this.i);
    if (s < indent) return undefined;
    if (s > indent) bail();
    return this.lines[this.i] ?? "";
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const line = this.nextAt(indent);
      if (line === undefined) return out;
      if (!isDash(line, indent)) return out;
      let r = indent + 1;
      while (line.charCodeAt(r) === SPACE) r++;
      if (r >= line.length || line.charCodeAt(r) === HASH) {
        this.i++;
        out.push(this.nested(indent, false));
        continue;
      }
      if (isDash(line, r)) bail();
      if (this.keyAt(line, r)) {
        // A compact mapping (`- name: x`): the same mapping as if the dash were a space.
        this.starts[this.i] = r;
        out.push(this.mapping(r));
        continue;
      }
      out.push(this.inlineValue(line, r, indent));
    }
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    // Keys stored: fewer own keys at the end means a duplicate (js-yaml's error to report). One count
    // per mapping costs less than a look-up per key (5% of reading).
    let count = 0;
    for (;;) {
      const line = this.nextAt(indent);
      if (line === undefined) return unique(out, count);
      if (!this.keyAt(line, indent)) {
        // The parent sequence continues (`- ` at this indent under a key) or the text is odd.
        if (isDash(line, indent)) return unique(out, count);
        return bail();
      }
      const key = this.key;
      const r = this.rest;
      count++;
      if (key === "<<" || key === "__proto__") bail();
      if (r >= line.length || line.charCodeAt(r) === HASH) {
        this.i++;
        out[key] = this.nested(indent, true);
      } else {
        out[key] = this.inlineValue(line, r, indent);
      }
    }
  }

  /** The value on the lines after `key:` or `-`: a deeper block, a sequence at the same indent, or null. */
  private nested(indent: number, allowSameIndentSeq: boolean): unknown {
    this.skipBlank();
    if (this.i >= this.lines.length) return null;
    const s = this.indent(this.i);
    if (s > indent) return this.node(s);
    if (allowSameIndentSeq && s === indent && isDash(this.lines[this.i] ?? "", s)) return this.sequence(s);
    return null;
  }

  /** Whether the line has a mapping key at column `s`; sets `key` and `rest`. */
  private keyAt(line: string, s: number): boolean {
    const c = line.charCodeAt(s);
    let end: number;
    if (c === 34 || c === 39) {
      const key = c === 34 ? doubleQuoted(line, s) : singleQuoted(line, s);
      let j = quoteEnd;
      while (line.charCodeAt(j) === SPACE) j++;
      if (line.charCodeAt(j) !== COLON) return false;
      const n = line.charCodeAt(j + 1);
      if (!Number.isNaN(n) && n !== SPACE) return false;
      this.key = key;
      end = j + 1;
    } else {
      if (c < 128 && KEY_INDICATORS[c] === 1) {
        const n = line.charCodeAt(s + 1);
        if (c !== DASH || Number.isNaN(n) || n === SPACE || n === COLON || n === HASH) return false;
      }
      const colon = line.indexOf(":", s);
      if (colon < 0) return false;
      const n = line.charCodeAt(colon + 1);
      if (!Number.isNaN(n) && n !== SPACE) return false;
      const hash = line.indexOf("#", s);
      if (hash >= 0 && hash < colon) return false;
      let e = colon;
      while (e > s && line.charCodeAt(e - 1) === SPACE) e--;
      const key = line.slice(s, e);
      if (key === "~") bail();
      const k0 = key.charCodeAt(0);
      if ((k0 >= 48 && k0 <= 57) || k0 === DASH || k0 === 43 || k0 === 46) {
        const v = resolvePlain(key);
        if (typeof v === "number" && String(v) !== key) bail();
      }
      this.key = key;
      end = colon + 1;
    }
    while (line.charCodeAt(end) === SPACE) end++;
    this.rest = end;
    return true;
  }

  /** A value written on the line from column `r`; consumes the line (and a block scalar's lines). */
  private inlineValue(line: string, r: number, indent: number): unknown {
    const c = line.charCodeAt(r);
    if (c === PIPE) return this.literal(line.slice(r), indent);
    if (c < 128 && VALUE_INDICATORS[c] === 1) bail();
    let value: unknown;
    let after: number;
    if (c === DQUOTE || c === SQUOTE) {
      value = c === DQUOTE ? doubleQuoted(line, r) : singleQuoted(line, r);
      after = quoteEnd;
    } else if (c === LBRACKET || c === LBRACE) {
      const flow = new Flow(line, r);
      value = flow.value();
      after = flow.pos;
    } else {
      const hash = line.indexOf(" #", r);
      let e = hash < 0 ? line.length : hash;
      while (e > r && line.charCodeAt(e - 1) === SPACE) e--;
      const colon = line.indexOf(": ", r);
      // `a: b: c` is an error in block YAML, and `- a` after a key needs the full parser to be sure.
      if ((colon >= 0 && colon < e) || line.charCodeAt(e - 1) === COLON) bail();
      if (c === 93 || c === 125 || c === 44) bail();
      const plain = line.slice(r, e);
      if (plain === "-" || plain.startsWith("- ")) bail();
      value = resolvePlain(plain);
      after = line.length;
    }
    let j = after;
    while (line.charCodeAt(j) === SPACE) j++;
    if (j < line.length && !(line.charCodeAt(j) === HASH && j > after)) bail();
    this.i++;
    // A continuation line (a multi-line plain or quoted scalar) would be indented deeper: not ours.
    this.skipBlank();
    if (this.i < this.lines.length && this.indent(this.i) > indent) bail();
    return value;
  }

  /** A literal block scalar (`|`, `|-`, `|+`) whose lines are indented deeper than `indent`. */
  private literal(header: string, indent: number): string {
    const m = /^\|([-+]?)\s*(#.*)?$/.exec(header);
    if (m === null) bail();
    const chomp = m?.[1] ?? "";
    this.i++;
    const body: string[] = [];
    let contentIndent = -1;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] ?? "";
      const trimmed = line.trimStart();
      if (trimmed === "") {
        body.push(line);
        this.i++;
        continue;
      }
      const ind = line.length - trimmed.length;
      if (ind <= indent) break;
      if (contentIndent < 0) contentIndent = ind;
      else if (ind < contentIndent) bail();
      body.push(line);
      this.i++;
    }
    if (contentIndent < 0) bail();
    const lines = body.map((l) =>
      l.trimStart() === ""
        ? l.length > contentIndent
          ? l.slice(contentIndent)
          : ""
        : l.slice(contentIndent),
    );
    let end = lines.length;
    while (end > 0 && lines[end - 1] === "") end--;
    const text = lines.slice(0, end).join("\n");
    const trailing = lines.length - end;
    if (chomp === "-") return text;
    if (chomp === "+") return `${text}\n${"\n".repeat(trailing)}`;
    return end === 0 ? "" : `${text}\n`;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};

/** Where the last quoted scalar read ended (the index after its closing quote). */
let quoteEnd = 0;

/** A double-quoted scalar on one line starting at `start`; sets `quoteEnd`. */
function doubleQuoted(s: string, start: number): string {
  let out = "";
  let i = start + 1;
  for (;;) {
    const q = s.indexOf('"', i);
    const b = s.indexOf("\\", i);
    if (q < 0) return bail();
    if (b < 0 || q < b) {
      out += s.slice(i, q);
      quoteEnd = q + 1;
      return out;
    }
    out += s.slice(i, b);
    const e = s.charAt(b + 1);
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i = b + 2;
      continue;
    }
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    const hex = s.slice(b + 2, b + 2 + width);
    if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return bail();
    out += String.fromCodePoint(parseInt(hex, 16));
    i = b + 2 + width;
  }
}

/** A single-quoted scalar on one line starting at `start`; sets `quoteEnd`. */
function singleQuoted(s: string, start: number): string {
  let out = "";
  let i = start + 1;
  for (;;) {
    const q = s.indexOf("'", i);
    if (q < 0) return bail();
    out += s.slice(i, q);
    if (s.charAt(q + 1) === "'") {
      out += "'";
      i = q + 2;
      continue;
    }
    quoteEnd = q + 1;
    return out;
  }
}

/** A flow collection on one line (`[a, b]`, `{k: v}`), nested ones included. */
class Flow {
  constructor(
    private readonly s: string,
    public pos: number,
  ) {}

  value(): unknown {
    this.space();
    const c = this.s.charAt(this.pos);
    if (c === "[") return this.seq();
    if (c === "{") return this.map();
    if (c === '"' || c === "'") {
      const v = c === '"' ? doubleQuoted(this.s, this.pos) : singleQuoted(this.s, this.pos);
      this.pos = quoteEnd;
      return v;
    }
    return resolvePlain(this.plain());
  }

  private space(): void {
    while (this.s.charAt(this.pos) === " ") this.pos++;
  }

  private plain(): string {
    const start = this.pos;
    const c = this.s.charAt(start);
    if (
      "&*!|>%@`#?-:".includes(c) &&
      c !== "" &&
      !(c === "-" && /[^\s,[\]{}]/.test(this.s.charAt(start + 1)))
    )
      return bail();
    while (this.pos < this.s.length) {
      const ch = this.s.charAt(this.pos);
      if (ch === "," || ch === "]" || ch === "}" || ch === "[" || ch === "{") break;
      if (ch === ":" && /[\s,[\]{}]|^$/.test(this.s.charAt(this.pos + 1))) break;
      if (ch === "#" && this.s.charAt(this.pos - 1) === " ") return bail();
      this.pos++;
    }
    return this.s.slice(start, this.pos).trim();
  }

  private seq(): unknown[] {
    const out: unknown[] = [];
    if (this.open("]")) return out;
    for (;;) {
      const v = this.value();
      this.space();
      // `[a: b]` (a single-pair mapping inside a sequence) is left to js-yaml.
      if (this.s.charAt(this.pos) === ":") bail();
      out.push(v);
      if (this.separator("]")) return out;
    }
  }

  private map(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.open("}")) return out;
    for (;;) {
      this.space();
      const c = this.s.charAt(this.pos);
      let key: string;
      if (c === '"' || c === "'") {
        key = c === '"' ? doubleQuoted(this.s, this.pos) : singleQuoted(this.s, this.pos);
        this.pos = quoteEnd;
      } else {
        key = this.plain();
        const resolved = resolvePlain(key);
        if (typeof resolved !== "string" && String(resolved) !== key) bail();
      }
      if (key === "<<" || key === "__proto__" || Object.hasOwn(out, key)) bail();
      this.space();
      let v: unknown = null;
      if (this.s.charAt(this.pos) === ":") {
        this.pos++;
        this.space();
        const next = this.s.charAt(this.pos);
        v = next === "," || next === "}" ? null : this.value();
      }
      out[key] = v;
      if (this.separator("}")) return out;
    }
  }

  /** Past an opening bracket: true when the collection is empty (its closing bracket consumed). */
  private open(close: string): boolean {
    this.pos++;
    this.space();
    if (this.s.charAt(this.pos) !== close) return false;
    this.pos++;
    return true;
  }

  /** After an item: true at the closing bracket, false after a comma (a trailing one allowed). */
  private separator(close: string): boolean {
    this.space();
    const c = this.s.charAt(this.pos);
    this.pos++;
    if (c === close) return true;
    if (c !== ",") return bail();
    this.space();
    if (this.s.charAt(this.pos) !== close) return false;
    this.pos++;
    return true;
  }
}

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
    return { value: new Reader(text).document() };
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

/**
 * Letters a number of the core schema can hold (hex digits, the 0x/0o/0b prefixes, exponents, .inf
 * and .nan): a plain scalar with any other letter (`500m`, `1Gi`, `30s`) is a string at once.
 */
const NUMBER_LETTERS = new Uint8Array(128);
for (const ch of "abcdefABCDEFxXoObBiInN") NUMBER_LETTERS[ch.charCodeAt(0)] = 1;

function resolveNumeric(s: string): unknown {
  // Quick answers for the common scalars: a decimal integer of up to 15 digits (always safe) without
  // a leading zero, and a quantity or duration with a unit letter.
  let digits = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    digits = false;
    if (((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) && NUMBER_LETTERS[c] !== 1) return s;
  }
  if (digits && s.length <= 15 && (s.length === 1 || s.charCodeAt(0) !== 48)) return Number(s);
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

const NEWLINE = 10;

/**
 * The character at `p`, or a newline past the end of the text (which ends a line as a newline does).
 * Every read checks the bounds itself: V8 compiles a read that may run past the end (NaN) into
 * slower code, and the reader reads every character of the input (a loop over spaces: 2x faster).
 */
function at(t: string, p: number): number {
  return p < t.length ? t.charCodeAt(p) : NEWLINE;
}

/** True at the end of a line. */
function isEol(c: number): boolean {
  return c === NEWLINE;
}

/** True when the text has a sequence dash at `p` (`- x` or a lone `-`). */
function isDash(t: string, p: number): boolean {
  if (at(t, p) !== DASH) return false;
  const n = at(t, p + 1);
  return n === SPACE || isEol(n);
}

/**
 * The reader's line table, kept between documents (reading is not re-entrant): where each line
 * begins and ends (its newline or the end of the text), the column its content starts at (a compact
 * mapping, `- k: v`, moves it past the dash), and whether it has a `#` (when `HASH_IN` holds the
 * document's number): the reader works on offsets into the document's text and makes no line strings.
 */
let BEGIN: Int32Array = new Int32Array(1024);
let END: Int32Array = new Int32Array(1024);
let COLUMN: Int32Array = new Int32Array(1024);
let HASH_IN: Int32Array = new Int32Array(1024);
let documents = 0;

function growLines(): void {
  const grow = (a: Int32Array): Int32Array => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  BEGIN = grow(BEGIN);
  END = grow(END);
  COLUMN = grow(COLUMN);
  HASH_IN = grow(HASH_IN);
}

// Characters a plain key cannot start with (YAML indicators).
const KEY_INDICATORS = new Uint8Array(128);
for (const ch of "-?:,[]{}#&*!|>'\"%@`") KEY_INDICATORS[ch.charCodeAt(0)] = 1;

/** The mapping, when it has as many own keys as were stored in it (no key twice); else bails. */
function unique(out: Record<string, unknown>, stored: number): Record<string, unknown> {
  return stored < 2 || Object.keys(out).length === stored ? out : bail();
}

class Reader {
  /** The current line. */
  private i = 0;
  private readonly lines: number;
  /** This document's number in `HASH_IN`. */
  private readonly doc: number;
  /** Set by keyAt(): the key, and where its value starts (an offset into the text). */
  private key = "";
  private rest = 0;

  constructor(private readonly t: string) {
    let n = 0;
    for (let b = 0; ; n++) {
      if (n === BEGIN.length) growLines();
      const nl = t.indexOf("\n", b);
      const e = nl < 0 ? t.length : nl;
      let s = b;
      while (at(t, s) === SPACE) s++;
      BEGIN[n] = b;
      END[n] = e;
      COLUMN[n] = s - b;
      if (nl < 0) break;
      b = nl + 1;
    }
    this.lines = n + 1;
    // Document numbers fit the table's 32 bits; after the last one the marks start afresh.
    if (documents === 0x7fffffff) {
      documents = 0;
      HASH_IN.fill(0);
    }
    this.doc = ++documents;
    // Comments are rare: mark their lines, so that values need not be searched for one.
    let line = 0;
    for (let h = t.indexOf("#"); h >= 0; h = t.indexOf("#", h + 1)) {
      while ((END[line] ?? 0) < h) line++;
      HASH_IN[line] = this.doc;
    }
  }

  document(): unknown {
    this.skipBlank();
    if (this.i >= this.lines) return null;
    if (at(this.t, this.begin(this.i)) === 37) bail(); // a % directive
    const value = this.node(this.indent(this.i));
    this.skipBlank();
    if (this.i < this.lines) bail();
    return value;
  }

  private begin(i: number): number {
    return BEGIN[i] ?? 0;
  }

  private end(i: number): number {
    return END[i] ?? 0;
  }

  private indent(i: number): number {
    return COLUMN[i] ?? 0;
  }

  /** Skips empty lines and comment lines. */
  private skipBlank(): void {
    while (this.i < this.lines) {
      const p = this.begin(this.i) + this.indent(this.i);
      if (p < this.end(this.i) && at(this.t, p) !== HASH) return;
      this.i++;
    }
  }

  /** A block node starting at the current (non-blank) line, whose content starts at column `indent`. */
  private node(indent: number): unknown {
    if (isDash(this.t, this.begin(this.i) + indent)) return this.sequence(indent);
    if (this.keyAt(indent)) return this.mapping(indent);
    // A lone scalar as a whole block node (a document that is just a value): left to js-yaml.
    return bail();
  }

  /**
   * Whether a block whose content starts at column `indent` goes on at the next non-blank line (the
   * current line then); false at the end of text or a line less indented; a deeper line is not ours.
   */
  private nextAt(indent: number): boolean {
    this.skipBlank();
    if (this.i >= this.lines) return false;
    const s = this.indent(this.i);
    if (s < indent) return false;
    if (s > indent) bail();
    return true;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    const t = this.t;
    for (;;) {
      if (!this.nextAt(indent)) return out;
      const b = this.begin(this.i);
      if (!isDash(t, b + indent)) return out;
      let r = b + indent + 1;
      while (at(t, r) === SPACE) r++;
      if (r >= this.end(this.i) || at(t, r) === HASH) {
        this.i++;
        out.push(this.nested(indent, false));
        continue;
      }
      if (isDash(t, r)) bail();
      if (this.keyAt(r - b)) {
        // A compact mapping (`- name: x`): the same mapping as if the dash were a space.
        COLUMN[this.i] = r - b;
        out.push(this.mapping(r - b));
        continue;
      }
      out.push(this.inlineValue(r, indent));
    }
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    // Keys stored: fewer own keys at the end means a duplicate (js-yaml's error to report). One count
    // per mapping costs less than a look-up per key (5% of reading).
    let count = 0;
    for (;;) {
      if (!this.nextAt(indent)) return unique(out, count);
      if (!this.keyAt(indent)) {
        // The parent sequence continues (`- ` at this indent under a key) or the text is odd.
        if (isDash(this.t, this.begin(this.i) + indent)) return unique(out, count);
        return bail();
      }
      const key = this.key;
      const r = this.rest;
      count++;
      if (key === "<<" || key === "__proto__") bail();
      if (r >= this.end(this.i) || at(this.t, r) === HASH) {
        this.i++;
        out[key] = this.nested(indent, true);
      } else {
        out[key] = this.inlineValue(r, indent);
      }
    }
  }

  /** The value on the lines after `key:` or `-`: a deeper block, a sequence at the same indent, or null. */
  private nested(indent: number, allowSameIndentSeq: boolean): unknown {
    this.skipBlank();
    if (this.i >= this.lines) return null;
    const s = this.indent(this.i);
    if (s > indent) return this.node(s);
    if (allowSameIndentSeq && s === indent && isDash(this.t, this.begin(this.i) + s)) return this.sequence(s);
    return null;
  }

  /** Whether the current line has a mapping key at column `col`; sets `key` and `rest`. */
  private keyAt(col: number): boolean {
    const t = this.t;
    const s = this.begin(this.i) + col;
    const lineEnd = this.end(this.i);
    const c = at(t, s);
    let end: number;
    if (c === 34 || c === 39) {
      const key = c === 34 ? doubleQuoted(t, s, lineEnd) : singleQuoted(t, s, lineEnd);
      let j = quoteEnd;
      while (at(t, j) === SPACE) j++;
      if (at(t, j) !== COLON) return false;
      const n = at(t, j + 1);
      if (n !== SPACE && !isEol(n)) return false;
      this.key = key;
      end = j + 1;
    } else {
      if (c < 128 && KEY_INDICATORS[c] === 1) {
        const n = at(t, s + 1);
        if (c !== DASH || isEol(n) || n === SPACE || n === COLON || n === HASH) return false;
      }
      const colon = t.indexOf(":", s);
      if (colon < 0 || colon >= lineEnd) return false;
      const n = at(t, colon + 1);
      if (n !== SPACE && !isEol(n)) return false;
      if (HASH_IN[this.i] === this.doc) for (let k = s; k < colon; k++) if (at(t, k) === HASH) return false;
      let e = colon;
      while (e > s && at(t, e - 1) === SPACE) e--;
      const key = t.slice(s, e);
      if (key === "~") bail();
      const k0 = key.charCodeAt(0);
      if ((k0 >= 48 && k0 <= 57) || k0 === DASH || k0 === 43 || k0 === 46) {
        const v = resolvePlain(key);
        if (typeof v === "number" && String(v) !== key) bail();
      }
      this.key = key;
      end = colon + 1;
    }
    while (at(t, end) === SPACE) end++;
    this.rest = end;
    return true;
  }

  /** A value written on the current line from offset `r`; consumes the line (and a block scalar's lines). */
  private inlineValue(r: number, indent: number): unknown {
    const t = this.t;
    const lineEnd = this.end(this.i);
    const c = at(t, r);
    if (c === PIPE) return this.literal(t.slice(r, lineEnd), indent);
    if (c < 128 && VALUE_INDICATORS[c] === 1) bail();
    let value: unknown;
    let after: number;
    if (c === DQUOTE || c === SQUOTE) {
      value = c === DQUOTE ? doubleQuoted(t, r, lineEnd) : singleQuoted(t, r, lineEnd);
      after = quoteEnd;
    } else if (c === LBRACKET || c === LBRACE) {
      const b = this.begin(this.i);
      const flow = new Flow(t.slice(b, lineEnd), r - b);
      value = flow.value();
      after = b + flow.pos;
    } else {
      let e = lineEnd;
      // A comment starts at a `#` after a space.
      if (HASH_IN[this.i] === this.doc)
        for (let k = r + 1; k < lineEnd; k++)
          if (at(t, k) === HASH && at(t, k - 1) === SPACE) {
            e = k - 1;
            break;
          }
      while (e > r && at(t, e - 1) === SPACE) e--;
      // `a: b: c` is an error in block YAML, and `- a` after a key needs the full parser to be sure.
      for (let k = t.indexOf(":", r); k >= 0 && k < e; k = t.indexOf(":", k + 1))
        if (k === e - 1 || at(t, k + 1) === SPACE) bail();
      if (c === 93 || c === 125 || c === 44) bail();
      const plain = t.slice(r, e);
      if (plain === "-" || plain.startsWith("- ")) bail();
      value = resolvePlain(plain);
      after = lineEnd;
    }
    let j = after;
    while (at(t, j) === SPACE) j++;
    if (j < lineEnd && !(at(t, j) === HASH && j > after)) bail();
    this.i++;
    // A continuation line (a multi-line plain or quoted scalar) would be indented deeper: not ours.
    this.skipBlank();
    if (this.i < this.lines && this.indent(this.i) > indent) bail();
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
    while (this.i < this.lines) {
      const line = this.t.slice(this.begin(this.i), this.end(this.i));
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

/** A double-quoted scalar starting at `start` and closed before `end` (its line's); sets `quoteEnd`. */
function doubleQuoted(s: string, start: number, end = s.length): string {
  let out = "";
  let i = start + 1;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0 || q >= end) return bail();
    let b = i;
    while (b < q && s.charCodeAt(b) !== 92) b++;
    if (b === q) {
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

/** A single-quoted scalar starting at `start` and closed before `end` (its line's); sets `quoteEnd`. */
function singleQuoted(s: string, start: number, end = s.length): string {
  let out = "";
  let i = start + 1;
  for (;;) {
    const q = s.indexOf("'", i);
    if (q < 0 || q >= end) return bail();
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

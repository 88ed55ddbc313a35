/**
 * A small, fast YAML writer for plain data (objects, arrays, strings, numbers, booleans, null), in
 * block style with two-space indentation. Strings stay plain only when every YAML 1.1 and 1.2 reader
 * (kubectl, Helm, Go's yaml, PyYAML) reads them back as the same string; otherwise they are double
 * quoted, or written as a literal block when they span lines. Round-trip tests prove it.
 */
export function writeYaml(value: unknown): string {
  return writeYamlWithTemplates(value);
}

/** A scalar written verbatim: a Helm expression such as `{{ $v.replicas }}`. */
export class TemplateScalar {
  constructor(readonly expr: string) {}
}

/** A string holding Helm expressions: quoted (or a literal block) around them, the expressions verbatim. */
export class TemplateString {
  constructor(readonly text: string) {}
}

/** A block written by Helm: `key: {{- <expr> | nindent N }}`, N being the child indentation. */
export class TemplateBlock {
  constructor(readonly expr: string) {}
}

/** A map entry written only when `condition` holds: `{{- if condition }}` ... `{{- end }}` around it. */
export class TemplateIf {
  constructor(
    readonly condition: string,
    readonly value: unknown,
  ) {}
}

/** Writes YAML that may contain Helm template nodes (the classes above). */
export function writeYamlWithTemplates(value: unknown): string {
  const out: string[] = [];
  writeValue(out, value, "", false);
  return out.join("");
}

// Printable characters only: control characters, tabs, line breaks and BOMs force quoting.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SAFE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\p{Cs}]*$/u;
// Indicators that may not start a plain scalar; `-` may, when a non-space follows (`-c`, `--address`).
const FIRST_UNSAFE = /^([?:,[\]{}#&*!|>'"%@` ]|-(\s|$)|---)/;
const RESERVED = /^(y|yes|n|no|true|false|on|off|null|~|=|<<)$/i;
// Whole numbers in any YAML 1.1 or 1.2 form: ints, octal/hex/binary, floats, exponents, base 60, .inf/.nan.
const NUMBER_LIKE =
  /^[-+]?(\.?\d[\d_]*(\.[\d_]*)?([eE][-+]?\d+)?|0x[\da-f_]+|0o[0-7_]+|0b[01_]+|\.(inf|nan)|\d[\d_]*(:[0-5]?\d)+(\.[\d_]*)?)$/i;
const TIMESTAMP_LIKE = /^\d{4}-\d\d?-\d\d?/;

/** True when `s` can be written without quotes and still reads back as this exact string. */
export function isPlainSafe(s: string): boolean {
  return (
    s !== "" &&
    SAFE.test(s) &&
    !FIRST_UNSAFE.test(s) &&
    !s.endsWith(" ") &&
    !s.endsWith(":") &&
    !s.includes(": ") &&
    !s.includes(" #") &&
    !RESERVED.test(s) &&
    !NUMBER_LIKE.test(s) &&
    !TIMESTAMP_LIKE.test(s)
  );
}

function scalar(s: string): string {
  return isPlainSafe(s) ? s : quoteYaml(s);
}

/**
 * Characters a double-quoted JSON string leaves raw that YAML readers do not read back as themselves:
 * DEL and the C1 controls are not printable in YAML 1.1 (go-yaml refuses them), NEL (U+0085), LS
 * (U+2028) and PS (U+2029) are line breaks to YAML 1.1 readers (go-yaml, libyaml, PyYAML) and are
 * folded, a BOM inside a document is refused, U+FFFE/U+FFFF are not characters.
 */
const UNSAFE_IN_QUOTES = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * A string as a YAML double-quoted scalar that every YAML 1.1 and 1.2 reader (kubectl and Helm's Go
 * reader, PyYAML, JavaScript's) reads back as exactly this string: JSON's escapes (all valid YAML
 * escapes), plus `\uXXXX` for the characters JSON leaves raw that YAML does not.
 */
export function quoteYaml(s: string): string {
  return JSON.stringify(s).replace(
    UNSAFE_IN_QUOTES,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

// Characters a literal block cannot hold as themselves: controls (a tab or CR included), and the
// characters YAML 1.1 readers treat as line breaks (NEL, LS, PS), through which text written in a
// block would become structure for kubectl while JavaScript readers see one string.
// eslint-disable-next-line no-control-regex -- a literal block cannot hold control characters
const NOT_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\p{Cs}]/u;

/** True when `s` can be written as a literal block (`|`) and still read back as exactly this string. */
export function isBlockable(s: string): boolean {
  // A literal block keeps multi-line text readable; it cannot express every string exactly.
  return s.includes("\n") && !s.startsWith(" ") && !/[ \t]\n|[^\S\n]$/.test(s) && !NOT_IN_BLOCK.test(s);
}

function literalBlock(s: string, indent: string): string {
  const trailing = /\n*$/.exec(s)?.[0].length ?? 0;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing === 0 ? s : s.slice(0, s.length - (chomp === "+" ? 0 : 1));
  const lines = body.split("\n").map((l) => (l === "" ? "" : indent + l));
  return `|${chomp}\n${lines.join("\n")}${chomp === "+" ? "" : "\n"}`;
}

function inline(value: unknown): string | undefined {
  if (value instanceof TemplateScalar) return value.expr;
  if (value instanceof TemplateString) return value.text.includes("\n") ? undefined : `"${value.text}"`;
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${String(value)} as YAML`);
    return String(value);
  }
  if (typeof value === "string") return value.includes("\n") ? undefined : scalar(value);
  if (Array.isArray(value)) return value.length === 0 ? "[]" : undefined;
  if (typeof value === "object") return Object.keys(value).length === 0 ? "{}" : undefined;
  throw new Error(`cannot write a ${typeof value} as YAML`);
}

function writeValue(out: string[], value: unknown, indent: string, inSeq: boolean): void {
  const simple = inline(value);
  if (simple !== undefined) {
    out.push(simple, "\n");
    return;
  }
  if (typeof value === "string") {
    out.push(isBlockable(value) ? literalBlock(value, `${indent}  `) : `${quoteYaml(value)}\n`);
    return;
  }
  if (value instanceof TemplateString) {
    out.push(literalBlock(value.text, `${indent}  `));
    return;
  }
  if (Array.isArray(value)) {
    let first = inSeq;
    for (const item of value) {
      out.push(first ? "- " : `${indent}- `);
      first = false;
      writeValue(out, item, `${indent}  `, true);
    }
    return;
  }
  let first = inSeq;
  for (const [k, raw] of Object.entries(value as Record<string, unknown>)) {
    if (raw === undefined) continue;
    const conditional = raw instanceof TemplateIf ? raw : undefined;
    const v: unknown = conditional ? conditional.value : raw;
    if (conditional) {
      if (first) throw new Error("a conditional key cannot open a sequence item");
      out.push(`${indent}{{- if ${conditional.condition} }}\n`);
    }
    out.push(first ? "" : indent, scalar(k), ":");
    first = false;
    const simpleChild = inline(v);
    if (v instanceof TemplateBlock) out.push(` {{- ${v.expr} | nindent ${indent.length + 2} }}\n`);
    else if (simpleChild !== undefined) out.push(" ", simpleChild, "\n");
    else if (v instanceof TemplateString) out.push(" ", literalBlock(v.text, `${indent}  `));
    else if (typeof v === "string")
      out.push(" ", isBlockable(v) ? literalBlock(v, `${indent}  `) : `${quoteYaml(v)}\n`);
    else if (Array.isArray(v)) {
      out.push("\n");
      writeValue(out, v, `${indent}  `, false);
    } else {
      out.push("\n");
      writeValue(out, v, `${indent}  `, false);
    }
    if (conditional) out.push(`${indent}{{- end }}\n`);
  }
}

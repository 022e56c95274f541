import { fail } from "../../errors.js";

/**
 * A reader for the protobuf text format that Caffe's .prototxt files use: `name: value` fields,
 * nested messages written `name { ... }`, `name: { ... }` or `name < ... >`, repeated fields by
 * repetition or as `name: [a, b]`, identifiers (enum values, true/false, inf/nan), numbers
 * (decimal, hex, exponents, an `f` suffix), single- or double-quoted strings with C escapes
 * (adjacent strings concatenate), `#` comments and optional `,`/`;` separators.
 *
 * The result is untyped (field names with token values); prototxt-bind.ts gives it the types of
 * the schema. Every error names the source and the line:column of the offending token.
 */

export interface TextPos {
  readonly line: number;
  readonly col: number;
}

export type TokenKind = "ident" | "number" | "string" | "punct" | "eof";

export interface Token extends TextPos {
  readonly kind: TokenKind;
  /** The source text (for strings: the decoded value). */
  readonly text: string;
}

export type TextValue = { readonly kind: "scalar"; readonly token: Token } | { readonly kind: "message"; readonly fields: readonly TextField[]; readonly pos: TextPos };

export interface TextField extends TextPos {
  readonly name: string;
  readonly value: TextValue;
}

/** Deeper nesting than any real net; bounds the recursion on crafted input. */
const MAX_DEPTH = 64;

export function textError(source: string, pos: TextPos, message: string): never {
  return fail("parse", `${source}:${pos.line}:${pos.col}`, message);
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_.]/;
const NUMBER_PART = /[0-9A-Za-z_.+-]/;
const PUNCT = "{}<>[]:,;";
const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "?": "?" };

/** Splits the text into tokens; the last one is `eof`. */
export function tokenize(text: string, source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): TextPos => ({ line, col: at - lineStart + 1 });
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
      i++;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (PUNCT.includes(c)) {
      tokens.push({ kind: "punct", text: c, ...pos(i) });
      i++;
    } else if (c === '"' || c === "'") {
      const start = pos(i);
      const { value, end } = readString(text, i, source, start);
      tokens.push({ kind: "string", text: value, ...start });
      i = end;
    } else if (/[0-9]/.test(c) || ((c === "-" || c === "+" || c === ".") && i + 1 < text.length && /[0-9A-Za-z.]/.test(text[i + 1]!))) {
      const start = i;
      i++;
      while (i < text.length && NUMBER_PART.test(text[i]!)) {
        // A sign belongs to the number only right after an exponent marker (1e-5).
        if ((text[i] === "-" || text[i] === "+") && !/[eE]/.test(text[i - 1]!)) break;
        i++;
      }
      const raw = text.slice(start, i);
      // "-inf" and "-nan" are numbers; "-foo" is not anything.
      tokens.push({ kind: /^[+-]?[A-Za-z]/.test(raw) && !/^[+-]?(inf|infinity|nan)$/i.test(raw) ? "ident" : "number", text: raw, ...pos(start) });
    } else if (IDENT_START.test(c)) {
      const start = i;
      while (i < text.length && IDENT_PART.test(text[i]!)) i++;
      tokens.push({ kind: "ident", text: text.slice(start, i), ...pos(start) });
    } else {
      textError(source, pos(i), `unexpected character ${JSON.stringify(c)}; a prototxt holds fields like \`name: value\` and \`name { ... }\``);
    }
  }
  tokens.push({ kind: "eof", text: "", ...pos(i) });
  return tokens;
}

function readString(text: string, at: number, source: string, start: TextPos): { value: string; end: number } {
  const quote = text[at]!;
  let i = at + 1;
  let value = "";
  while (true) {
    if (i >= text.length || text[i] === "\n") textError(source, start, "string is not closed before the end of the line");
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? "";
    if (e in ESCAPES) {
      value += ESCAPES[e];
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const digits = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
      value += String.fromCharCode(parseInt(digits, 8));
      i += 1 + digits.length;
    } else if (e === "x" && /^[0-9A-Fa-f]{1,2}/.test(text.slice(i + 2))) {
      const digits = /^[0-9A-Fa-f]{1,2}/.exec(text.slice(i + 2))![0];
      value += String.fromCharCode(parseInt(digits, 16));
      i += 2 + digits.length;
    } else {
      textError(source, start, `unknown escape sequence "\\${e}" in a string`);
    }
  }
}

/** Parses a whole prototxt into its top-level fields. */
export function parseTextFormat(text: string, source: string): TextField[] {
  const parser = new Parser(tokenize(text, source), source);
  const fields = parser.fields(0, "eof");
  return fields;
}

class Parser {
  private at = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const t = this.tokens[this.at]!;
    if (t.kind !== "eof") this.at++;
    return t;
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.text === text;
  }

  private describe(t: Token): string {
    return t.kind === "eof" ? "the end of the file" : t.kind === "string" ? `string ${JSON.stringify(t.text)}` : `"${t.text}"`;
  }

  /** Fields until the closing token (`}`, `>` or the end of the file). */
  fields(depth: number, close: "}" | ">" | "eof"): TextField[] {
    if (depth > MAX_DEPTH) textError(this.source, this.peek(), `messages are nested more than ${MAX_DEPTH} deep`);
    const out: TextField[] = [];
    while (true) {
      const t = this.peek();
      if (close === "eof" ? t.kind === "eof" : t.kind === "punct" && t.text === close) return out;
      if (t.kind === "eof") textError(this.source, t, `missing "${close}": the message is not closed before the end of the file`);
      if (t.kind !== "ident") textError(this.source, t, `expected a field name, found ${this.describe(t)}`);
      this.next();
      this.fieldValue(t, depth, out);
      if (this.isPunct(",") || this.isPunct(";")) this.next();
    }
  }

  private fieldValue(name: Token, depth: number, out: TextField[]): void {
    const hasColon = this.isPunct(":");
    if (hasColon) this.next();
    if (this.isPunct("{") || this.isPunct("<")) {
      out.push({ name: name.text, value: this.message(depth), line: name.line, col: name.col });
      return;
    }
    if (!hasColon) textError(this.source, this.peek(), `expected ":" or "{" after field name "${name.text}", found ${this.describe(this.peek())}`);
    if (this.isPunct("[")) {
      this.next();
      if (this.isPunct("]")) {
        this.next();
        return;
      }
      while (true) {
        const value = this.isPunct("{") || this.isPunct("<") ? this.message(depth) : this.scalar(name.text);
        out.push({ name: name.text, value, line: name.line, col: name.col });
        const sep = this.next();
        if (sep.kind === "punct" && sep.text === "]") return;
        if (!(sep.kind === "punct" && sep.text === ",")) textError(this.source, sep, `expected "," or "]" in the list of "${name.text}", found ${this.describe(sep)}`);
      }
    }
    out.push({ name: name.text, value: this.scalar(name.text), line: name.line, col: name.col });
  }

  private message(depth: number): TextValue {
    const open = this.next();
    const close = open.text === "{" ? "}" : ">";
    const fields = this.fields(depth + 1, close);
    this.next();
    return { kind: "message", fields, pos: open };
  }

  private scalar(field: string): TextValue {
    const t = this.next();
    if (t.kind === "number" || t.kind === "ident") return { kind: "scalar", token: t };
    if (t.kind === "string") {
      let text = t.text;
      while (this.peek().kind === "string") text += this.next().text;
      return { kind: "scalar", token: { ...t, text } };
    }
    return textError(this.source, t, `expected a value for "${field}", found ${this.describe(t)}`);
  }
}

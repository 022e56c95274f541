import { fail } from "../errors.js";
import { LIMITS } from "../limits.js";

/** Where a token starts in a rule file (1-based), for file:line:col messages. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type SExpr =
  | { readonly kind: "atom"; readonly text: string; readonly quoted: boolean; readonly pos: SourcePos }
  | { readonly kind: "list"; readonly items: readonly SExpr[]; readonly bracket: boolean; readonly pos: SourcePos };

export function posToString(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

/** Throws a "bad-rule" error located at `pos`. */
export function failAt(pos: SourcePos, message: string): never {
  return fail("bad-rule", posToString(pos), message);
}

/**
 * Reads S-expressions: `( ... )` lists, `[ ... ]` literal lists, `"strings"`, atoms, and `;`
 * comments to the end of the line. Lists nest at most LIMITS.ruleNesting deep, which bounds the
 * recursion of this reader and of everything that walks the trees it returns.
 */
export function parseSExprs(text: string, file: string): SExpr[] {
  let index = 0;
  let line = 1;
  let col = 1;
  const here = (): SourcePos => ({ file, line, col });
  const advance = (): string => {
    const ch = text[index++]!;
    if (ch === "\n") {
      line++;
      col = 1;
    } else col++;
    return ch;
  };
  const skipSpace = (): void => {
    while (index < text.length) {
      const ch = text[index]!;
      if (ch === ";") while (index < text.length && text[index] !== "\n") advance();
      else if (/\s/.test(ch)) advance();
      else break;
    }
  };
  // depth: lists open around this expression; bounded so a hostile file cannot overflow the stack.
  const readOne = (depth: number): SExpr => {
    const pos = here();
    const ch = text[index]!;
    if (ch === "(" || ch === "[") {
      if (depth >= LIMITS.ruleNesting) failAt(pos, `lists nest more than ${LIMITS.ruleNesting} deep, the most a rule file may (docs/limits.md); a rule needs far fewer: check the parentheses`);
      advance();
      const close = ch === "(" ? ")" : "]";
      const items: SExpr[] = [];
      for (;;) {
        skipSpace();
        if (index >= text.length) failAt(pos, `unclosed "${ch}": add "${close}"`);
        if (text[index] === close) {
          advance();
          return { kind: "list", items, bracket: ch === "[", pos };
        }
        if (text[index] === ")" || text[index] === "]") failAt(here(), `"${text[index]}" does not match "${ch}" opened at ${posToString(pos)}`);
        items.push(readOne(depth + 1));
      }
    }
    if (ch === ")" || ch === "]") failAt(pos, `unexpected "${ch}" with no open list`);
    if (ch === '"') {
      advance();
      let value = "";
      while (index < text.length && text[index] !== '"') {
        if (text[index] === "\n") failAt(pos, "unterminated string: add the closing quote");
        value += advance();
      }
      if (index >= text.length) failAt(pos, "unterminated string: add the closing quote");
      advance();
      return { kind: "atom", text: value, quoted: true, pos };
    }
    let atom = "";
    while (index < text.length && !/[\s()[\];"]/.test(text[index]!)) atom += advance();
    return { kind: "atom", text: atom, quoted: false, pos };
  };

  const out: SExpr[] = [];
  for (;;) {
    skipSpace();
    if (index >= text.length) return out;
    out.push(readOne(0));
  }
}

/**
 * Tiny S-expression reader for tests: `(+ ?a (* 2 x))`. `?name` is a variable, a number n is the
 * leaf `num` with attributes {"value": n}, any other atom is a leaf op without attributes. Ops
 * in patterns get exact attributes (empty unless the op is `num`).
 */
import { canonicalAttrs, makeTerm, pnode, pvar, type Pattern, type Term } from "../../src/egraph/index.js";

type SExpr = string | SExpr[];

export function parsePattern(text: string): Pattern {
  return toPattern(read(text));
}

export function parseTerm(text: string): Term {
  return toTerm(read(text));
}

export function numAttrs(value: number): string {
  return canonicalAttrs({ value });
}

function toPattern(expr: SExpr): Pattern {
  if (typeof expr === "string") {
    if (expr.startsWith("?")) return pvar(expr);
    return isNumber(expr) ? pnode("num", [], numAttrs(Number(expr))) : pnode(expr, [], "");
  }
  const [head, ...rest] = expr;
  if (typeof head !== "string") throw new Error(`op expected, got ${JSON.stringify(head)}`);
  return pnode(head, rest.map(toPattern), "");
}

function toTerm(expr: SExpr): Term {
  if (typeof expr === "string") return isNumber(expr) ? makeTerm("num", [], numAttrs(Number(expr))) : makeTerm(expr);
  const [head, ...rest] = expr;
  if (typeof head !== "string") throw new Error(`op expected, got ${JSON.stringify(head)}`);
  return makeTerm(head, rest.map(toTerm));
}

function isNumber(atom: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(atom);
}

function read(text: string): SExpr {
  const tokens = text.replace(/\(/g, " ( ").replace(/\)/g, " ) ").trim().split(/\s+/);
  let position = 0;
  const next = (): SExpr => {
    const token = tokens[position++];
    if (token === undefined) throw new Error(`unexpected end of ${text}`);
    if (token !== "(") return token;
    const list: SExpr[] = [];
    while (tokens[position] !== ")") {
      if (position >= tokens.length) throw new Error(`missing ) in ${text}`);
      list.push(next());
    }
    position++;
    return list;
  };
  const expr = next();
  if (position !== tokens.length) throw new Error(`trailing tokens in ${text}`);
  return expr;
}

/** Renders a term back in the reader's syntax (num leaves as plain numbers). */
export function showTerm(term: Term): string {
  if (term.op === "num" && term.children.length === 0) return String(JSON.parse(term.attrs).value);
  if (term.children.length === 0) return term.op;
  return `(${term.op} ${term.children.map(showTerm).join(" ")})`;
}

import { getOp } from "../ir/registry.js";
import { LEAF_OPS } from "../egraph/ir/ir-node.js";
import { LIMITS } from "../limits.js";
import type { Arg, AttrConstraint, AttrExpr, CheckSpec, GuardCall, Literal, Pat, PatNode, RuleAst } from "./ast.js";
import { ATTR_FUNCTIONS, GUARDS, type ParamKind } from "./guards.js";
import { checkAttributeNames, recordOps } from "./attribute-names.js";
import { unknownAttribute } from "./op-attributes.js";
import { failAt, type SExpr, type SourcePos } from "./sexpr.js";

/**
 * S-expression -> checked rule AST. Everything that can be checked without a model is checked
 * here, so a bad rule file fails at load with file:line:col and the rule's name: unknown ops,
 * wrong arity, unbound right-hand variables, unknown guards or functions, misplaced keywords.
 */
export function parseRule(expr: SExpr): RuleAst {
  if (expr.kind !== "list" || expr.bracket || expr.items.length === 0 || !isAtom(expr.items[0], "rule")) {
    failAt(expr.pos, 'expected a rule: (rule NAME LHS => RHS [:if GUARD...] [:check ...])');
  }
  const items = expr.items;
  const nameExpr = items[1];
  if (nameExpr?.kind !== "atom" || nameExpr.quoted || nameExpr.text.startsWith("?") || nameExpr.text.startsWith(":")) {
    failAt(nameExpr?.pos ?? expr.pos, "a rule needs a name after `rule`");
  }
  const name = nameExpr.text;
  const where = (pos: SourcePos, message: string): never => failAt(pos, `rule "${name}": ${message}`);
  const arrow = items[3];
  if (items[2] === undefined || !isAtom(arrow, "=>") || items[4] === undefined) where(expr.pos, "expected LHS => RHS");

  const classVars = new Set<string>();
  const attrVars = new Set<string>();
  const bindClass = (v: string, pos: SourcePos) => {
    if (attrVars.has(v)) where(pos, `?${v} is an attribute variable; it cannot also stand for an operand`);
    classVars.add(v);
  };
  const bindAttr = (v: string, pos: SourcePos) => {
    if (classVars.has(v)) where(pos, `?${v} is an operand variable; it cannot also stand for an attribute`);
    attrVars.add(v);
  };

  const lhsPat = parsePattern(items[2]!, "lhs", { where, bindClass, bindAttr });
  if (lhsPat.kind !== "node") return where(items[2]!.pos, "the left-hand side must start with an op, not a variable");
  const rhs = parsePattern(items[4]!, "rhs", { where, bindClass: (v, pos) => requireBound(classVars, v, pos, where, "operand"), bindAttr: (v, pos) => requireBound(attrVars, v, pos, where, "attribute") });

  const guards: GuardCall[] = [];
  let check: CheckSpec = { shapes: new Map(), attrs: new Map() };
  let section: "none" | "if" | "check" = "none";
  const shapes = new Map<string, readonly (number | string)[]>();
  const checkAttrs = new Map<string, Literal | Readonly<Record<string, Literal>>>();
  const records = recordOps(lhsPat);
  checkAttributeNames(lhsPat, rhs, records, where);
  for (const item of items.slice(5)) {
    if (isAtom(item, ":if")) section = "if";
    else if (isAtom(item, ":check")) section = "check";
    else if (section === "if") guards.push(parseGuard(item, classVars, attrVars, where));
    else if (section === "check") parseCheckEntry(item, { classVars, attrVars, records }, shapes, checkAttrs, where);
    else where(item.pos, "unexpected text after the right-hand side; guards go after :if, checker hints after :check");
  }
  check = { shapes, attrs: checkAttrs };
  return { name, pos: expr.pos, lhs: lhsPat, rhs, guards, check, classVars, attrVars, description: `${render(items[2]!)} => ${render(items[4]!)}` };
}

type Where = (pos: SourcePos, message: string) => never;
interface Scope {
  readonly where: Where;
  bindClass(name: string, pos: SourcePos): void;
  bindAttr(name: string, pos: SourcePos): void;
}

function requireBound(set: ReadonlySet<string>, v: string, pos: SourcePos, where: Where, kind: string): void {
  if (!set.has(v)) where(pos, `right-hand side uses ?${v}, which the left-hand side does not bind as an ${kind} variable`);
}

function isAtom(expr: SExpr | undefined, text: string): boolean {
  return expr?.kind === "atom" && !expr.quoted && expr.text === text;
}

function varName(expr: SExpr | undefined): string | undefined {
  return expr?.kind === "atom" && !expr.quoted && expr.text.startsWith("?") && expr.text.length > 1 ? expr.text.slice(1) : undefined;
}

function parsePattern(expr: SExpr, side: "lhs" | "rhs", scope: Scope): Pat {
  const where: Where = scope.where;
  if (expr.kind === "atom") {
    const v = varName(expr);
    if (v !== undefined) {
      scope.bindClass(v, expr.pos);
      return { kind: "var", name: v, pos: expr.pos };
    }
    if (expr.quoted || expr.text.startsWith(":")) where(expr.pos, `expected an operand (?var or (Op ...)), got ${render(expr)}`);
    return parseNode(expr.text, [], expr.pos, side, scope);
  }
  if (expr.bracket || expr.items.length === 0) where(expr.pos, "expected an operand (?var or (Op ...))");
  const head = expr.items[0]!;
  if (head.kind !== "atom" || head.quoted) where(head.pos, "an operand list starts with an op name");
  if (head.text === "as") {
    if (side === "rhs") where(head.pos, "(as ?var PATTERN) is only allowed on the left-hand side");
    const v = varName(expr.items[1]);
    const inner = expr.items[2];
    if (v === undefined || inner === undefined || expr.items.length !== 3) where(head.pos, "expected (as ?var PATTERN)");
    scope.bindClass(v, expr.items[1]!.pos);
    const pattern = parsePattern(inner, side, scope);
    if (pattern.kind !== "node") where(inner.pos, "(as ?var PATTERN) needs an op pattern");
    return { kind: "as", name: v, pattern, pos: expr.pos };
  }
  if (head.text === "const") {
    if (side === "lhs") where(head.pos, "(const DTYPE VALUE) is only allowed on the right-hand side");
    const dtype = expr.items[1];
    const valueExpr = expr.items[2];
    if (dtype?.kind !== "atom" || valueExpr === undefined || expr.items.length !== 3) where(head.pos, "expected (const DTYPE VALUE)");
    return { kind: "const", dtype: dtype.text, value: parseAttrExpr(valueExpr, side, scope), pos: expr.pos };
  }
  return parseNode(head.text, expr.items.slice(1), expr.pos, side, scope);
}

function parseNode(op: string, rest: readonly SExpr[], pos: SourcePos, side: "lhs" | "rhs", scope: Scope): PatNode {
  const where: Where = scope.where;
  const def = getOp(op);
  if (def === undefined && op !== "None") {
    where(pos, LEAF_OPS.has(op) ? `${op} is internal to the optimizer and cannot appear in rules` : `unknown op "${op}" (run \`egret ops\` for the list)`);
  }
  const children: Pat[] = [];
  const attrs: AttrConstraint[] = [];
  let all: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const item = rest[i]!;
    if (item.kind === "atom" && !item.quoted && item.text.startsWith(":")) {
      const valueExpr = rest[++i];
      if (valueExpr === undefined) where(item.pos, `attribute ${item.text} needs a value`);
      if (item.text === ":*") {
        const v = varName(valueExpr);
        if (v === undefined) where(valueExpr.pos, ":* takes an attribute variable, e.g. :* ?attrs");
        if (side === "lhs") scope.bindAttr(v, valueExpr.pos);
        else scope.bindAttr(v, valueExpr.pos);
        all = v;
      } else attrs.push({ key: item.text.slice(1), value: parseAttrExpr(valueExpr, side, scope), pos: item.pos });
      continue;
    }
    if (attrs.length > 0 || all !== undefined) where(item.pos, "operands must come before attributes");
    children.push(parsePattern(item, side, scope));
  }
  const arity = op === "None" ? { min: 0, max: 0 } : def!.inputs;
  if (children.length < arity.min || children.length > arity.max) {
    const want = arity.min === arity.max ? `${arity.min}` : `${arity.min} to ${arity.max}`;
    where(pos, `${op} takes ${want} operands, got ${children.length}`);
  }
  return { kind: "node", op, children, attrs, all, pos };
}

function parseLiteral(expr: SExpr, where: Where): Literal {
  if (expr.kind === "list") {
    if (!expr.bracket) where(expr.pos, "expected a literal; lists of values are written [1 2 3]");
    return expr.items.map((item) => {
      const v = parseLiteral(item, where);
      if (typeof v !== "number" && typeof v !== "string") where(item.pos, "list elements must be numbers or strings");
      return v;
    }) as readonly (number | string)[];
  }
  if (expr.quoted) return expr.text;
  if (expr.text === "nil") return null;
  const n = Number(expr.text);
  if (expr.text !== "" && !Number.isNaN(n) && /^[-+.0-9]|^[-+]?Infinity$/.test(expr.text)) return n;
  if (expr.text.startsWith("?") || expr.text.startsWith(":")) where(expr.pos, `expected a literal, got ${expr.text}`);
  return expr.text;
}

function parseAttrExpr(expr: SExpr, side: "lhs" | "rhs", scope: Scope): AttrExpr {
  const v = varName(expr);
  if (v !== undefined) {
    scope.bindAttr(v, expr.pos);
    return { kind: "var", name: v };
  }
  if (expr.kind === "list" && !expr.bracket) {
    const head = expr.items[0];
    if (side === "lhs") scope.where(expr.pos, "attribute functions are only allowed on the right-hand side");
    if (head?.kind !== "atom") scope.where(expr.pos, "expected (FUNCTION ARG...)");
    const def = ATTR_FUNCTIONS.get(head.text);
    if (def === undefined) scope.where(head.pos, `unknown attribute function "${head.text}"; known: ${[...ATTR_FUNCTIONS.keys()].join(", ")}`);
    const args = parseArgs(expr.items.slice(1), def.params, head.text, expr.pos, scope.where, (name, kind, pos) => (kind === "class" ? scope.bindClass(name, pos) : scope.bindAttr(name, pos)));
    return { kind: "call", fn: head.text, args, pos: expr.pos };
  }
  return { kind: "literal", value: parseLiteral(expr, scope.where) };
}

function parseArgs(items: readonly SExpr[], params: readonly ParamKind[], fn: string, pos: SourcePos, where: Where, use: (name: string, kind: "class" | "attr", pos: SourcePos) => void): Arg[] {
  if (items.length !== params.length) where(pos, `${fn} takes ${params.length} argument(s), got ${items.length}`);
  return items.map((item, i) => {
    const v = varName(item);
    if (params[i] === "class") {
      if (v === undefined) where(item.pos, `argument ${i + 1} of ${fn} must be an operand variable (?x)`);
      use(v, "class", item.pos);
      return { kind: "class", name: v };
    }
    if (v !== undefined) {
      use(v, "attr", item.pos);
      return { kind: "attr", name: v };
    }
    if (item.kind === "list" && !item.bracket) return parseNestedCall(item, where, use);
    return { kind: "literal", value: parseLiteral(item, where) };
  });
}

/** A function call used as an argument: `(FUNCTION ARG...)`, checked like a right-hand attribute call. */
function parseNestedCall(expr: Extract<SExpr, { kind: "list" }>, where: Where, use: (name: string, kind: "class" | "attr", pos: SourcePos) => void): Arg {
  const head = expr.items[0];
  if (head?.kind !== "atom" || head.quoted) return where(expr.pos, "expected (FUNCTION ARG...)");
  const def = ATTR_FUNCTIONS.get(head.text);
  if (def === undefined) return where(head.pos, `unknown attribute function "${head.text}"; known: ${[...ATTR_FUNCTIONS.keys()].join(", ")}`);
  return { kind: "call", fn: head.text, args: parseArgs(expr.items.slice(1), def.params, head.text, expr.pos, where, use), pos: expr.pos };
}

function parseGuard(expr: SExpr, classVars: ReadonlySet<string>, attrVars: ReadonlySet<string>, where: Where): GuardCall {
  if (expr.kind !== "list" || expr.bracket || expr.items[0]?.kind !== "atom") where(expr.pos, "a guard is written (NAME ARG...)");
  const head = expr.items[0] as Extract<SExpr, { kind: "atom" }>;
  const def = GUARDS.get(head.text);
  if (def === undefined) where(head.pos, `unknown guard "${head.text}"; known: ${[...GUARDS.keys()].join(", ")}`);
  const args = parseArgs(expr.items.slice(1), def.params, head.text, expr.pos, where, (name, kind, pos) => requireBound(kind === "class" ? classVars : attrVars, name, pos, where, kind === "class" ? "operand" : "attribute"));
  return { name: head.text, args, pos: expr.pos };
}

interface RuleVars {
  readonly classVars: ReadonlySet<string>;
  readonly attrVars: ReadonlySet<string>;
  /** Which ops each `:* ?all` variable is the attribute record of (its `:check` keys must be theirs). */
  readonly records: ReadonlyMap<string, readonly string[]>;
}

function parseCheckEntry(
  expr: SExpr,
  { classVars, attrVars, records }: RuleVars,
  shapes: Map<string, readonly (number | string)[]>,
  attrs: Map<string, Literal | Readonly<Record<string, Literal>>>,
  where: Where,
): void {
  const v = expr.kind === "list" && !expr.bracket ? varName(expr.items[0]) : undefined;
  if (expr.kind !== "list" || v === undefined) where(expr.pos, "a :check entry is (?x [dims...]), (?attr VALUE) or (?attrs :key VALUE ...)");
  if (classVars.has(v)) {
    const dims = expr.items[1];
    if (dims?.kind !== "list" || !dims.bracket || expr.items.length !== 2) where(expr.pos, `expected (?${v} [dims...]) with numbers or dim names`);
    const shape = dims.items.map((d) => (d.kind === "atom" && !d.quoted ? (/^[0-9]+$/.test(d.text) ? Number(d.text) : d.text) : where(d.pos, "a dim is a number or a name")));
    // The checker fills tensors of this shape on every run (named dims take up to 3).
    const largest = shape.reduce<number>((n, d) => n * (typeof d === "number" ? d : 3), 1);
    if (largest > LIMITS.checkElements) where(dims.pos, `[${shape.join(" ")}] can have ${largest} elements, more than the ${LIMITS.checkElements} a :check shape may (docs/limits.md); small shapes check a rule as well`);
    shapes.set(v, shape);
    return;
  }
  if (!attrVars.has(v)) where(expr.pos, `?${v} is not a variable of this rule`);
  const rest = expr.items.slice(1);
  if (rest.length === 1) {
    attrs.set(v, parseLiteral(rest[0]!, where));
    return;
  }
  const record: Record<string, Literal> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i]!;
    const value = rest[i + 1];
    if (key.kind !== "atom" || !key.text.startsWith(":") || value === undefined) where(key.pos, "expected :key VALUE pairs");
    for (const op of records.get(v) ?? []) {
      const unknown = unknownAttribute(op, key.text.slice(1));
      if (unknown !== undefined) where(key.pos, unknown);
    }
    record[key.text.slice(1)] = parseLiteral(value, where);
  }
  attrs.set(v, record);
}

/** Compact source rendering of an S-expression. */
export function render(expr: SExpr): string {
  if (expr.kind === "atom") return expr.quoted ? JSON.stringify(expr.text) : expr.text;
  const inner = expr.items.map(render).join(" ");
  return expr.bracket ? `[${inner}]` : `(${inner})`;
}

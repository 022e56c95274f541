import type { AttrValue, Attrs } from "../ir/graph.js";
import { Tensor } from "../ir/tensor.js";
import type { AttrFunctionDef } from "./arg-access.js";
import type { Arg, AttrExpr, GuardCall, Literal, PatNode } from "./ast.js";
import { attrDefault } from "./attr-defaults.js";
import type { ArgValue, MatchFacts, ValueFacts } from "./facts.js";

/**
 * Meaning of attribute patterns, guards and right-hand attributes, shared by the optimizer
 * (on e-class facts) and the soundness checker (on concrete tensors).
 */
export interface Bindings {
  /** Attribute variables: a value, null for absent, or a whole record for `:* ?all`. */
  readonly attrs: Map<string, AttrValue | Attrs | null>;
  classFacts(name: string): ValueFacts;
}

/** The effective value of an attribute: present, else the op default, else null (absent). */
export function effectiveAttr(op: string, attrs: Attrs, key: string): AttrValue | null {
  return attrs[key] ?? attrDefault(op, key) ?? null;
}

export function sameAttrValue(a: AttrValue | Attrs | null, b: AttrValue | Attrs | null): boolean {
  if (a === null || b === null) return a === b;
  if (a instanceof Tensor || b instanceof Tensor) return a === b;
  // Numbers compare exactly (JSON would spell -Infinity and NaN alike, as null).
  const single = (v: AttrValue | Attrs): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  const [x, y] = [single(a), single(b)];
  if (typeof x === "number" || typeof y === "number") return x === y;
  const norm = (v: AttrValue | Attrs): string => (Array.isArray(v) && v.length === 1 ? JSON.stringify(v[0]) : JSON.stringify(v));
  return norm(a) === norm(b);
}

function literalValue(value: Literal): AttrValue | null {
  return value === null ? null : (value as AttrValue);
}

/** Checks one left-hand node's attribute constraints against actual attributes, binding variables. */
export function matchNodeAttrs(node: PatNode, attrs: Attrs, bindings: Bindings): boolean {
  for (const constraint of node.attrs) {
    const actual = effectiveAttr(node.op, attrs, constraint.key);
    const expr = constraint.value;
    if (expr.kind === "literal") {
      if (!sameAttrValue(actual, literalValue(expr.value))) return false;
    } else if (expr.kind === "var") {
      const bound = bindings.attrs.get(expr.name);
      if (bound === undefined) bindings.attrs.set(expr.name, actual);
      else if (!sameAttrValue(bound, actual)) return false;
    }
  }
  if (node.all !== undefined) {
    const bound = bindings.attrs.get(node.all);
    if (bound === undefined) bindings.attrs.set(node.all, attrs);
    else if (!sameAttrValue(bound, attrs)) return false;
  }
  return true;
}

/** An argument's value; undefined when a nested function does not apply. */
function resolveArg(arg: Arg, bindings: Bindings, match: MatchFacts): ArgValue | undefined {
  switch (arg.kind) {
    case "class":
      return { kind: "class", facts: bindings.classFacts(arg.name) };
    case "attr":
      return { kind: "value", value: bindings.attrs.get(arg.name) ?? null };
    case "literal":
      return { kind: "value", value: literalValue(arg.value) };
    case "call": {
      const value = callFunction(arg.def, arg.args, bindings, match);
      return value === undefined ? undefined : { kind: "value", value };
    }
  }
}

function resolveArgs(args: readonly Arg[], bindings: Bindings, match: MatchFacts): ArgValue[] | undefined {
  const out: ArgValue[] = [];
  for (const arg of args) {
    const resolved = resolveArg(arg, bindings, match);
    if (resolved === undefined) return undefined;
    out.push(resolved);
  }
  return out;
}

function callFunction(fn: AttrFunctionDef, args: readonly Arg[], bindings: Bindings, match: MatchFacts): AttrValue | undefined {
  const values = resolveArgs(args, bindings, match);
  return values === undefined ? undefined : fn.compute(values, match);
}

/** All guards hold; a guard whose nested function does not apply fails. */
export function guardsHold(guards: readonly GuardCall[], bindings: Bindings, match: MatchFacts): boolean {
  return guards.every((g) => {
    const values = resolveArgs(g.args, bindings, match);
    return values !== undefined && g.def.test(values, match);
  });
}

/** A right-hand attribute value; undefined when a function does not apply (skip the match). */
export function evalAttrExpr(expr: AttrExpr, bindings: Bindings, match: MatchFacts): AttrValue | Attrs | null | undefined {
  switch (expr.kind) {
    case "literal":
      return literalValue(expr.value);
    case "var":
      return bindings.attrs.get(expr.name) ?? null;
    case "call":
      return callFunction(expr.def, expr.args, bindings, match);
  }
}

/** Attributes of a right-hand node: the `:*` record (if any) overridden by each `:key value`; undefined to skip. */
export function buildNodeAttrs(node: PatNode, bindings: Bindings, match: MatchFacts): Attrs | undefined {
  const out: Record<string, AttrValue> = {};
  if (node.all !== undefined) Object.assign(out, bindings.attrs.get(node.all) as Attrs);
  for (const constraint of node.attrs) {
    const value = evalAttrExpr(constraint.value, bindings, match);
    if (value === undefined) return undefined;
    if (value === null) delete out[constraint.key];
    else out[constraint.key] = value as AttrValue;
  }
  return out;
}

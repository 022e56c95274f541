import { EgretError } from "../errors.js";
import type { AttrValue, Attrs, Node, ValueInfo } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import type { Tensor } from "../ir/tensor.js";
import { computeRange } from "../egraph/ir/tensor-table.js";
import type { Pat, PatNode, RuleAst } from "./ast.js";
import type { MatchFacts, ValueFacts } from "./facts.js";
import { scalarConstant } from "./guards.js";
import { buildNodeAttrs, evalAttrExpr, guardsHold, matchNodeAttrs, type Bindings } from "./semantics.js";

/**
 * One instance of a rule on concrete leaf tensors: the left side is built (attributes from the
 * pattern and the `:check` clause) and evaluated with the reference evaluator, the guards are
 * tested as the optimizer would, then the right side is evaluated. Pure: the same leaves give the
 * same result, so the checker can re-evaluate an instance on perturbed leaves.
 */
export type Evaluation =
  /** The left side is ill-typed or a guard fails: not an instance of the rule. */
  | { readonly kind: "skip" }
  /** The right side is rejected by an op (a bug of the rule), or is an absent value. */
  | { readonly kind: "invalid"; readonly message: string }
  | { readonly kind: "values"; readonly lhs: Tensor; readonly rhs: Tensor };

export function evaluateInstance(rule: RuleAst, leaves: ReadonlyMap<string, Tensor>): Evaluation {
  const facts = (t: Tensor | undefined): ValueFacts => ({ type: t && { dtype: t.dtype, shape: t.shape }, constant: t, range: t && computeRange(t) });
  // Every instance value is concrete here; variables a rule requires to be computed at run time
  // (`not-const`) are presented to guards without their value, as the optimizer would see them.
  const runtimeVars = new Set(rule.guards.flatMap((g) => (g.name === "not-const" && g.args[0]?.kind === "class" ? [g.args[0].name] : [])));
  const classValues = new Map<string, Tensor | undefined>(leaves);
  const bindings: Bindings = {
    attrs: new Map<string, AttrValue | Attrs | null>(),
    classFacts: (name) => {
      const known = facts(classValues.get(name));
      return runtimeVars.has(name) ? { ...known, constant: undefined, range: undefined } : known;
    },
  };

  const evalLhs = (pat: Pat): Tensor | undefined | "skip" => {
    if (pat.kind === "var") return classValues.get(pat.name);
    if (pat.kind === "const") return "skip";
    const node = pat.kind === "as" ? pat.pattern : pat;
    if (node.op === "None") return undefined;
    const inputs: (Tensor | undefined)[] = [];
    for (const child of node.children) {
      const v = evalLhs(child);
      if (v === "skip") return "skip";
      inputs.push(v);
    }
    const attrs = lhsAttrs(rule, node);
    if (!matchNodeAttrs(node, attrs, bindings)) return "skip";
    const result = evaluate(node.op, attrs, inputs);
    if (result === undefined) return "skip";
    if (pat.kind === "as") classValues.set(pat.name, result);
    return result;
  };
  const lhs = evalLhs(rule.lhs);
  if (lhs === "skip" || lhs === undefined) return { kind: "skip" };
  const match: MatchFacts = { root: facts(lhs) };
  if (!guardsHold(rule.guards, bindings, match)) return { kind: "skip" };

  let rhsError = "";
  const evalRhs = (pat: Pat): Tensor | undefined | "fail" => {
    if (pat.kind === "var") return classValues.get(pat.name);
    if (pat.kind === "as") return "fail";
    if (pat.kind === "const") {
      const value = evalAttrExpr(pat.value, bindings, match);
      return (typeof value === "number" ? scalarConstant(pat.dtype, value) : undefined) ?? "fail";
    }
    if (pat.op === "None") return undefined;
    const inputs: (Tensor | undefined)[] = [];
    for (const child of pat.children) {
      const v = evalRhs(child);
      if (v === "fail") return "fail";
      inputs.push(v);
    }
    const attrs = buildNodeAttrs(pat, bindings, match);
    if (attrs === undefined) return "fail";
    try {
      return evaluateOrThrow(pat.op, attrs, inputs);
    } catch (e) {
      rhsError = e instanceof Error ? e.message : String(e);
      return "fail";
    }
  };
  const rhs = evalRhs(rule.rhs);
  // A function that does not apply skips the match in the optimizer too; a rejected op is a bug.
  if (rhs === "fail") return rhsError === "" ? { kind: "skip" } : { kind: "invalid", message: `right-hand side is invalid (${rhsError})` };
  if (rhs === undefined) return { kind: "invalid", message: "right-hand side is None (an absent value)" };
  return { kind: "values", lhs, rhs };
}

/** A left-hand node's attributes: its literals, plus the `:check` values of its variables and record. */
function lhsAttrs(rule: RuleAst, node: PatNode): Attrs {
  const out: Record<string, AttrValue> = {};
  if (node.all !== undefined) {
    const given = rule.check.attrs.get(node.all);
    if (given !== undefined && given !== null && typeof given === "object" && !Array.isArray(given)) {
      for (const [k, v] of Object.entries(given)) if (v !== null) out[k] = v as AttrValue;
    }
  }
  for (const c of node.attrs) {
    if (c.value.kind === "literal" && c.value.value !== null) out[c.key] = c.value.value as AttrValue;
    if (c.value.kind === "var") {
      const given = rule.check.attrs.get(c.value.name);
      if (given !== undefined && given !== null && (typeof given !== "object" || Array.isArray(given))) out[c.key] = given as AttrValue;
    }
  }
  return out;
}

function evaluate(op: string, attrs: Attrs, inputs: readonly (Tensor | undefined)[]): Tensor | undefined {
  try {
    return evaluateOrThrow(op, attrs, inputs);
  } catch (e) {
    if (e instanceof EgretError) return undefined;
    throw e;
  }
}

function evaluateOrThrow(op: string, attrs: Attrs, inputs: readonly (Tensor | undefined)[]): Tensor {
  const def = getOp(op)!;
  const node: Node = { name: `check:${op}`, op, inputs: inputs.map((t, i) => (t === undefined ? "" : `in${i}`)), outputs: ["out0"], attrs };
  const infos: (ValueInfo | undefined)[] = inputs.map((t) => t && { dtype: t.dtype, shape: t.shape });
  def.infer(node, infos);
  return def.evaluate(node, inputs)[0]!;
}

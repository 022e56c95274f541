import fc from "fast-check";
import { EgretError } from "../errors.js";
import type { AttrValue, Attrs, Node, ValueInfo } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import { shapeToString } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import type { DType } from "../ir/dtype.js";
import type { Pat, PatNode, RuleAst } from "./ast.js";
import { computeRange, type MatchFacts, type ValueFacts } from "./facts.js";
import { scalarConstant } from "./guards.js";
import { buildNodeAttrs, evalAttrExpr, guardsHold, matchNodeAttrs, type Bindings } from "./semantics.js";
import { posToString } from "./sexpr.js";
import { seededUint32 } from "../util/prng.js";

/**
 * Soundness checker: instantiates a rule on random shapes (the `:check` clause's dims, named
 * dims drawn from 1..3) and values, keeps instances whose left side is well-typed and whose
 * guards hold, evaluates both sides with the reference evaluator and compares them with the
 * conformance tolerance. fast-check shrinks a failure to a small counterexample.
 */
export interface RuleCheckResult {
  readonly rule: string;
  readonly location: string;
  readonly ok: boolean;
  /** Instances that satisfied the pattern and guards (0 means the rule was never exercised). */
  readonly instances: number;
  readonly counterexample?: string;
}

export interface CheckOptions {
  readonly runs?: number;
  readonly seed?: number;
}

const RTOL = 1e-4;
const ATOL = 1e-5;

interface Sample {
  readonly dims: readonly number[];
  readonly defaultShape: readonly number[];
  readonly seed: number;
}

type Outcome = { readonly kind: "skip" } | { readonly kind: "ok" } | { readonly kind: "bad"; readonly message: string };

export function checkRule(rule: RuleAst, options: CheckOptions = {}): RuleCheckResult {
  const dimNames = [...new Set([...rule.check.shapes.values()].flat().filter((d): d is string => typeof d === "string"))];
  const arb = fc.record({
    dims: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: dimNames.length, maxLength: dimNames.length }),
    defaultShape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
  });
  let instances = 0;
  let message = "";
  const details = fc.check(
    fc.property(arb, (sample: Sample) => {
      const outcome = runInstance(rule, dimNames, sample);
      if (outcome.kind === "skip") return true;
      instances++;
      if (outcome.kind === "bad") message = outcome.message;
      return outcome.kind === "ok";
    }),
    { numRuns: options.runs ?? 100, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
  const location = posToString(rule.pos);
  if (details.failed) {
    // Re-run the shrunk sample so the message describes the minimal counterexample.
    const minimal = details.counterexample?.[0];
    if (minimal !== undefined) {
      const outcome = runInstance(rule, dimNames, minimal);
      if (outcome.kind === "bad") message = outcome.message;
    }
    return { rule: rule.name, location, ok: false, instances, counterexample: message };
  }
  if (instances === 0) {
    return { rule: rule.name, location, ok: false, instances, counterexample: "no random instance satisfied the pattern and guards; give shapes and attributes with :check" };
  }
  return { rule: rule.name, location, ok: true, instances };
}

export function checkRules(rules: readonly RuleAst[], options: CheckOptions = {}): RuleCheckResult[] {
  return rules.map((rule) => checkRule(rule, options));
}

/** Deterministic values in [-2, 2] on a 1/16 grid (exact in float32, so rounding noise stays small). */
function randomValues(seed: number, count: number): number[] {
  const next = seededUint32(seed);
  return Array.from({ length: count }, () => (next() % 65) / 16 - 2);
}

function runInstance(rule: RuleAst, dimNames: readonly string[], sample: Sample): Outcome {
  const dimOf = (d: number | string): number => (typeof d === "number" ? d : sample.dims[dimNames.indexOf(d)]!);
  const leaves = new Map<string, Tensor>();
  let seed = sample.seed;
  for (const name of rule.classVars) {
    const spec = rule.check.shapes.get(name);
    const forcedScalar = rule.guards.some((g) => g.name === "is-scalar-const" && g.args[0]?.kind === "class" && g.args[0].name === name);
    const shape = spec !== undefined ? spec.map(dimOf) : forcedScalar ? [] : [...sample.defaultShape];
    let values = randomValues(seed++, shape.reduce((a, b) => a * b, 1));
    for (const g of rule.guards) {
      const target = g.args[0];
      if (target?.kind !== "class" || target.name !== name) continue;
      const v = g.args[1];
      if (g.name === "const-all" && v?.kind === "literal" && typeof v.value === "number") values = values.map(() => v.value as number);
      if (g.name === "non-negative") values = values.map(Math.abs);
    }
    if (isOperandVar(rule.lhs, name)) leaves.set(name, leafTensor(rule, name, shape, values));
  }

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

  const lhsAttrs = (node: PatNode): Attrs => {
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
  };

  // Left side: build attributes, evaluate; an ill-typed instance is skipped.
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
    const attrs = lhsAttrs(node);
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

  const describeInputs = (): string =>
    [...leaves].map(([name, t]) => `?${name} = float32[${shapeToString(t.shape)}] ${JSON.stringify(Array.from(t.toNumbers()).slice(0, 8))}${t.size > 8 ? "..." : ""}`).join("; ");
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
  if (rhs === "fail") {
    // A function that does not apply skips the match in the optimizer too; a rejected op is a bug.
    return rhsError === "" ? { kind: "skip" } : { kind: "bad", message: `right-hand side is invalid (${rhsError}) for ${describeInputs()}` };
  }
  if (rhs === undefined) return { kind: "bad", message: "right-hand side is None (an absent value)" };
  const diff = compare(lhs, rhs);
  return diff === undefined ? { kind: "ok" } : { kind: "bad", message: `${diff} for ${describeInputs()}` };
}

/**
 * Integer leaves (a `(dtype= ?x int8)` guard names the type, as quantized ops need) take the random
 * values scaled to integers well inside the type's range; every other leaf is float32.
 */
const INTEGER_SPREAD: Readonly<Record<string, number>> = { int8: 63, int16: 8000, int32: 1000, int64: 1000 };

function leafTensor(rule: RuleAst, name: string, shape: readonly number[], values: readonly number[]): Tensor {
  const guard = rule.guards.find((g) => g.name === "dtype=" && g.args[0]?.kind === "class" && g.args[0].name === name);
  const wanted = guard?.args[1];
  const spread = wanted?.kind === "literal" && typeof wanted.value === "string" ? INTEGER_SPREAD[wanted.value] : undefined;
  if (spread === undefined || wanted?.kind !== "literal") return Tensor.fromNumbers("float32", shape, values);
  return Tensor.fromNumbers(wanted.value as DType, shape, values.map((v) => Math.round(v * spread)));
}

function isOperandVar(lhs: Pat, name: string): boolean {
  const visit = (p: Pat): boolean => (p.kind === "var" ? p.name === name : p.kind === "as" ? visit(p.pattern) : p.kind === "node" ? p.children.some(visit) : false);
  return visit(lhs);
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

function compare(expected: Tensor, actual: Tensor): string | undefined {
  if (expected.dtype !== actual.dtype || shapeToString(expected.shape) !== shapeToString(actual.shape)) {
    return `left side gives ${expected.dtype}[${shapeToString(expected.shape)}], right side ${actual.dtype}[${shapeToString(actual.shape)}]`;
  }
  const a = expected.toNumbers();
  const b = actual.toNumbers();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    // Equal values (infinities included: inf - inf is NaN) and NaN against NaN agree.
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!(Math.abs(x - y) <= ATOL + RTOL * Math.abs(x))) return `element ${i} differs: left side ${x}, right side ${y}`;
  }
  return undefined;
}

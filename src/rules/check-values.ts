import type { DType } from "../ir/dtype.js";
import type { InputDomain } from "../ir/op.js";
import { Tensor } from "../ir/tensor.js";
import type { Pat, RuleAst } from "./ast.js";
import { seededUint32 } from "../util/prng.js";

/**
 * The soundness checker's leaf values. A float leaf holds values in [-2, 2] on a 1/16 grid (exact
 * in float32, so rounding noise stays small) with a share of special values mixed in (±0, ±Inf,
 * NaN: a rule must hold for every float32 a model can compute), each inside the leaf's domain:
 * what an op's input metadata declares (`OpDef.inputDomains`: a BatchNormalization variance is
 * >= 0) and what the rule's guards require (`non-negative`, `finite`, `const-all`). Integer leaves
 * (`(dtype= ?x int8)`) take the grid scaled to integers well inside the type's range.
 */

export interface LeafSpec {
  readonly name: string;
  /** Every element >= 0 (an op's input domain or a `non-negative` guard): no NaN, no negatives. */
  readonly nonNegative: boolean;
  /** `(finite ?x)` or `(assume-finite ?x)`: no ±Inf, no NaN. */
  readonly finite: boolean;
  /** `(const-all ?x N)`: every element is N. */
  readonly forced: number | undefined;
  /** `(dtype= ?x int8)` and the like; undefined for float32. */
  readonly integer: DType | undefined;
}

/** The special values a leaf may draw (NaN is not >= 0; a finite leaf draws only zeros). */
function specialsOf(spec: LeafSpec): readonly number[] {
  if (spec.finite) return spec.nonNegative ? [0] : [0, -0];
  return spec.nonNegative ? [0, Infinity] : [0, -0, Infinity, -Infinity, NaN];
}

/** Share of special elements, by the sample's `specials` level (0 = none, what shrinking aims for). */
export const SPECIAL_RATES: readonly number[] = [0, 1 / 16, 1 / 4, 1 / 2];

const INTEGER_SPREAD: Readonly<Record<string, number>> = { int8: 63, int16: 8000, int32: 1000, int64: 1000 };

/** The leaf's domain and steering from the op metadata and the rule's guards. */
export function leafSpec(rule: RuleAst, name: string): LeafSpec {
  const guardsOn = (guard: string) => rule.guards.filter((g) => g.name === guard && g.args[0]?.kind === "class" && g.args[0].name === name);
  const literalArg = (guard: string): number | string | undefined => {
    const v = guardsOn(guard)[0]?.args[1];
    return v?.kind === "literal" && (typeof v.value === "number" || typeof v.value === "string") ? v.value : undefined;
  };
  const forced = literalArg("const-all");
  const dtype = literalArg("dtype=");
  const integer = typeof dtype === "string" && INTEGER_SPREAD[dtype] !== undefined ? (dtype as DType) : undefined;
  const nonNegative = guardsOn("non-negative").length > 0 || operandDomains(rule.lhs, name).includes("non-negative");
  return { name, nonNegative, finite: guardsOn("finite").length > 0 || guardsOn("assume-finite").length > 0, forced: typeof forced === "number" ? forced : undefined, integer };
}

/** Domains the ops declare for the operand positions where `name` appears on the left. */
function operandDomains(pat: Pat, name: string): InputDomain[] {
  if (pat.kind === "as") return operandDomains(pat.pattern, name);
  if (pat.kind !== "node") return [];
  const declared = pat.def?.inputDomains ?? {};
  return pat.children.flatMap((child, i) => {
    const own = child.kind === "var" && child.name === name && declared[i] !== undefined ? [declared[i]] : [];
    return [...own, ...operandDomains(child, name)];
  });
}

/** A leaf's tensor: deterministic in (seed, specials level). */
export function leafTensor(spec: LeafSpec, shape: readonly number[], seed: number, specialsLevel: number): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  const next = seededUint32(seed);
  const grid = (): number => (next() % 65) / 16 - 2;
  if (spec.integer !== undefined) {
    const spread = INTEGER_SPREAD[spec.integer]!;
    return Tensor.fromNumbers(spec.integer, shape, Array.from({ length: count }, () => spec.forced ?? Math.round(grid() * spread)));
  }
  const specials = specialsOf(spec);
  const rate = SPECIAL_RATES[specialsLevel] ?? 0;
  const values = Array.from({ length: count }, () => {
    const base = grid();
    const special = next();
    if (spec.forced !== undefined) return spec.forced;
    if (specials.length > 0 && special / 0x100000000 < rate) return specials[special % specials.length]!;
    return spec.nonNegative ? Math.abs(base) : base;
  });
  return Tensor.fromNumbers("float32", shape, values);
}

/** Shows a value the way a reader can retype it (JSON would print NaN and Infinity as null, -0 as 0). */
export function showNumber(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

import { isFloat } from "../ir/dtype.js";
import { shapeToString } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import { prng, showNumber } from "./check-values.js";

/**
 * Comparing the two sides of a rule instance. Both are float32 computations of the same real
 * function, so they differ by rounding; how much depends on the computation's conditioning, not on
 * the result: folding BatchNorm with a zero variance multiplies by 1/sqrt(eps) ~ 316 and then
 * cancels terms of size ~600 down to a result of ~0.08, where a few float32 roundings of the terms
 * are 1e-3 of the result. A fixed relative tolerance on the result fails such a correct rule at
 * random.
 *
 * The tolerance is relative to the magnitude of the terms instead: nudging every float leaf by a
 * relative PERTURBATION in a random direction moves an output by about (magnitude of its terms) x
 * PERTURBATION; the response divided by PERTURBATION estimates that magnitude, and elements agree
 * within ATOL + RTOL * max(|result|, magnitude). The response is used only where it is linear
 * (twice the nudge moves the output twice as far): a jump (a comparison, Floor, a tie in ArgMax)
 * says nothing about rounding, so there the plain tolerance stays.
 */
export const RTOL = 1e-4;
export const ATOL = 1e-5;
/** 2^-20: about 8 float32 ulps, far below the grid step of the drawn values, far above rounding. */
export const PERTURBATION = 2 ** -20;
const DIRECTIONS = 2;

/** Evaluates both sides on a leaf set; undefined when the perturbed instance is not one. */
export type SidesOf = (leaves: ReadonlyMap<string, Tensor>) => { readonly lhs: Tensor; readonly rhs: Tensor } | undefined;

/**
 * The first element where `rhs` differs from `lhs`, described; undefined when they agree. Equal
 * values (infinities included) and NaN against NaN agree; ±0 are equal.
 */
export function firstDifference(lhs: Tensor, rhs: Tensor, magnitude?: Float64Array): string | undefined {
  if (lhs.dtype !== rhs.dtype || shapeToString(lhs.shape) !== shapeToString(rhs.shape)) {
    return `left side gives ${lhs.dtype}[${shapeToString(lhs.shape)}], right side ${rhs.dtype}[${shapeToString(rhs.shape)}]`;
  }
  const a = lhs.toNumbers();
  const b = rhs.toNumbers();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const scale = Math.max(Math.abs(x), magnitude?.[i] ?? 0);
    if (!(Math.abs(x - y) <= ATOL + RTOL * scale)) {
      const terms = magnitude !== undefined && magnitude[i]! > Math.abs(x) ? ` (terms of magnitude ${magnitude[i]!.toPrecision(3)})` : "";
      return `element ${i} differs: left side ${showNumber(x)}, right side ${showNumber(y)}${terms}`;
    }
  }
  return undefined;
}

/**
 * Per output element, the magnitude of the terms it is computed from, estimated from both sides'
 * linear responses to perturbed leaves (0 where no side responds linearly). `seed` picks the
 * directions; leaves in `fixed` (integers, forced constants) are not perturbed.
 */
export function termMagnitudes(leaves: ReadonlyMap<string, Tensor>, fixed: ReadonlySet<string>, base: { readonly lhs: Tensor; readonly rhs: Tensor }, sidesOf: SidesOf, seed: number): Float64Array {
  const size = base.lhs.size;
  const out = new Float64Array(size);
  if (!isFloat(base.lhs.dtype)) return out;
  const next = prng(seed ^ 0x5bd1e995);
  for (let d = 0; d < DIRECTIONS; d++) {
    const signs = new Map([...leaves].map(([name, t]) => [name, Array.from({ length: t.size }, () => (next() & 1 ? 1 : -1))]));
    const once = sidesOf(perturb(leaves, fixed, signs, PERTURBATION));
    const twice = sidesOf(perturb(leaves, fixed, signs, 2 * PERTURBATION));
    if (once === undefined || twice === undefined) continue;
    for (const side of ["lhs", "rhs"] as const) {
      const y = base[side].toNumbers();
      const y1 = once[side].toNumbers();
      const y2 = twice[side].toNumbers();
      if (y1.length !== size || y2.length !== size) continue;
      for (let i = 0; i < size; i++) {
        const d1 = y1[i]! - y[i]!;
        const d2 = y2[i]! - y[i]!;
        // Linear: the doubled nudge moves the output twice as far, within a quarter.
        if (Number.isFinite(d1) && Number.isFinite(d2) && d1 !== 0 && Math.abs(d2 - 2 * d1) <= 0.25 * Math.abs(d2)) {
          out[i] = Math.max(out[i]!, Math.abs(d1) / PERTURBATION);
        }
      }
    }
  }
  return out;
}

/** Each float element x of a leaf not in `fixed` becomes x * (1 + sign * amount), rounded to float32. */
function perturb(leaves: ReadonlyMap<string, Tensor>, fixed: ReadonlySet<string>, signs: ReadonlyMap<string, readonly number[]>, amount: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of leaves) {
    if (fixed.has(name) || !isFloat(t.dtype)) {
      out.set(name, t);
      continue;
    }
    const s = signs.get(name)!;
    out.set(name, Tensor.fromNumbers(t.dtype, t.shape, Array.from(t.toNumbers(), (x, i) => x * (1 + s[i]! * amount))));
  }
  return out;
}

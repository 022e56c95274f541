/**
 * Double-precision reference versions of C math the kernels use where JavaScript has no exact
 * equivalent. Each mirrors the C semantics the generated code relies on.
 */

/** C fmin/fmax: a NaN operand is ignored (the other one is returned). */
export function cFmin(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b);
}

export function cFmax(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
}

/** Round half to even, as eg_round_even_* in C (and ONNX Round). */
export function roundHalfEven(x: number): number {
  const r = Math.floor(x);
  const d = x - r;
  return d > 0.5 || (d === 0.5 && r % 2 !== 0) ? r + 1 : r;
}

/**
 * erf(x) from the Chebyshev fit of erfc in Numerical Recipes (fractional error < 1.2e-7),
 * ample for a float32 reference; the C side calls erff/erf.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** log(1 + exp(x)) without overflow for large x. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

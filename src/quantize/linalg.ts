/**
 * The dense symmetric linear algebra GPTQ needs (row-major n x n Float64Arrays): Cholesky
 * factorisation and the upper Cholesky factor of an inverse. Sizes are layer fan-ins (at most
 * MAX_GPTQ_FAN_IN), so plain O(n^3) loops suffice.
 */

/** Lower-triangular L with a = L L^T, or undefined when `a` is not positive definite. */
export function choleskyLower(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** Inverse of a lower-triangular matrix (forward substitution, column by column). */
function invertLower(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    inv[i * n + i] = 1 / l[i * n + i]!;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k]! * inv[k * n + j]!;
      inv[i * n + j] = s / l[i * n + i]!;
    }
  }
  return inv;
}

/**
 * Upper-triangular U with a^-1 = U^T U, for symmetric positive definite `a` (undefined
 * otherwise): a = L L^T gives a^-1 = L^-T L^-1, whose lower Cholesky factor transposed is U.
 */
export function inverseUpperCholesky(a: Float64Array, n: number): Float64Array | undefined {
  const l = choleskyLower(a, n);
  if (!l) return undefined;
  const li = invertLower(l, n);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i]! * li[k * n + j]!;
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  const f = choleskyLower(inv, n);
  if (!f) return undefined;
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u[i * n + j] = f[j * n + i]!;
  return u;
}

import { DTYPES, type DType } from "../dtype.js";

/** The reductions of the Reduce* family. */
export type ReduceKind = "sum" | "mean" | "max" | "min" | "prod" | "l1" | "l2" | "sumsquare" | "logsum" | "logsumexp";

/** Reductions that only make sense on floats (a log, exp or square root of the accumulator). */
export const FLOAT_ONLY_KINDS: readonly ReduceKind[] = ["l2", "logsum", "logsumexp"];

/** Element types the reduce and arg kernels are generated for (float16 would need conversions). */
export const REDUCE_DTYPES: readonly DType[] = ["float32", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"];

const UNSIGNED: readonly DType[] = ["uint8", "uint16", "uint32", "uint64"];

/** C expressions for the smallest and largest value of a type (the max/min identities). */
function limits(dtype: DType): { lowest: string; highest: string } {
  if (dtype === "float32" || dtype === "float64") return { lowest: "-INFINITY", highest: "INFINITY" };
  if (dtype === "bool") return { lowest: "0", highest: "1" };
  const bits = DTYPES[dtype].bytes * 8;
  if (UNSIGNED.includes(dtype)) return { lowest: "0", highest: bits === 64 ? "UINT64_MAX" : `UINT${bits}_MAX` };
  return { lowest: `INT${bits}_MIN`, highest: `INT${bits}_MAX` };
}

/**
 * Accumulator type: the element type for floats (float32 sums stay float, as on an FPU-equipped
 * MCU), uint64_t for integers so that sums and products wrap without undefined behaviour.
 * logsumexp sums exp() in double so that large inputs do not overflow float.
 */
function accType(kind: ReduceKind, dtype: DType): string {
  if (kind === "logsumexp") return "double";
  if (kind === "max" || kind === "min") return DTYPES[dtype].ctype;
  if (DTYPES[dtype].isFloat) return DTYPES[dtype].ctype;
  return "uint64_t";
}

/** Name of the generated reduction function for a kind and element type. */
export function reduceFnName(kind: ReduceKind, dtype: DType): string {
  return `eg_reduce_${kind}_${DTYPES[dtype].suffix}`;
}

/**
 * A static C function reducing `x` into `y` along the plan of `reduce-plan.ts`:
 * `fn(x, y, n_out, kept_rank, kept_dims, kept_strides, n_red, red_rank, red_dims, red_strides)`.
 * Ranks are at most EG_MAX_RANK (the caller checks). Integer accumulators wrap like the
 * reference evaluator's C-like storage.
 */
export function reduceFnCode(kind: ReduceKind, dtype: DType): string {
  const T = DTYPES[dtype].ctype;
  const A = accType(kind, dtype);
  const isF32 = dtype === "float32";
  const unsigned = UNSIGNED.includes(dtype);
  const { lowest, highest } = limits(dtype);
  const init = kind === "max" ? lowest : kind === "min" ? highest : kind === "prod" ? `(${A})1` : `(${A})0`;
  const step: Record<ReduceKind, string> = {
    sum: `acc += (${A})v;`,
    mean: `acc += (${A})v;`,
    logsum: `acc += (${A})v;`,
    prod: `acc *= (${A})v;`,
    sumsquare: `acc += (${A})v * (${A})v;`,
    l2: `acc += (${A})v * (${A})v;`,
    l1: unsigned ? `acc += (${A})v;` : `if (v < 0) acc -= (${A})v; else acc += (${A})v;`,
    max: `if (v > acc) acc = v;`,
    min: `if (v < acc) acc = v;`,
    logsumexp: `acc += exp((double)v);`,
  };
  const signedMean = `(${T})((int64_t)acc / (int64_t)n_red)`;
  const finish: Record<ReduceKind, string> = {
    sum: `(${T})acc`,
    prod: `(${T})acc`,
    sumsquare: `(${T})acc`,
    l1: `(${T})acc`,
    max: "acc",
    min: "acc",
    // An empty integer mean is 0 (no division by zero); a float one is 0 / 0 = NaN.
    mean: DTYPES[dtype].isFloat ? `acc / (${A})n_red` : `n_red == 0 ? 0 : ${unsigned ? `(${T})(acc / (uint64_t)n_red)` : signedMean}`,
    l2: isF32 ? "sqrtf(acc)" : `(${T})sqrt((double)acc)`,
    logsum: isF32 ? "logf(acc)" : `(${T})log((double)acc)`,
    logsumexp: `(${T})log(acc)`,
  };
  return `/* ${kind} over the reduced odometer for each output element (see reduce-plan.ts). */
static void ${reduceFnName(kind, dtype)}(const ${T} *x, ${T} *y, int32_t n_out, int32_t kept_rank,
    const int32_t *kept_dims, const int32_t *kept_strides, int32_t n_red, int32_t red_rank,
    const int32_t *red_dims, const int32_t *red_strides) {
  int32_t kidx[EG_MAX_RANK];
  int32_t ridx[EG_MAX_RANK];
  int32_t base = 0;
  int32_t o, r, d;
  for (d = 0; d < kept_rank; d++) kidx[d] = 0;
  for (o = 0; o < n_out; o++) {
    ${A} acc = ${init};
    int32_t off = base;
    for (d = 0; d < red_rank; d++) ridx[d] = 0;
    for (r = 0; r < n_red; r++) {
      const ${T} v = x[off];
      ${step[kind]}
      for (d = red_rank - 1; d >= 0; d--) {
        off += red_strides[d];
        if (++ridx[d] < red_dims[d]) break;
        off -= red_strides[d] * red_dims[d];
        ridx[d] = 0;
      }
    }
    y[o] = ${finish[kind]};
    for (d = kept_rank - 1; d >= 0; d--) {
      base += kept_strides[d];
      if (++kidx[d] < kept_dims[d]) break;
      base -= kept_strides[d] * kept_dims[d];
      kidx[d] = 0;
    }
  }
}
`;
}

/** Name of the generated ArgMax/ArgMin function for an element type. */
export function argFnName(kind: "max" | "min", dtype: DType): string {
  return `eg_arg${kind}_${DTYPES[dtype].suffix}`;
}

/**
 * `fn(x, y, outer, len, inner, last)`: x viewed as [outer, len, inner], y as [outer, inner] of
 * int64 indices of the first (or with `last`, the last) extreme value along the middle axis.
 * len >= 1 (the caller rejects empty axes).
 */
export function argFnCode(kind: "max" | "min", dtype: DType): string {
  const T = DTYPES[dtype].ctype;
  const better = kind === "max" ? "v > best" : "v < best";
  return `static void ${argFnName(kind, dtype)}(const ${T} *x, int64_t *y, int32_t outer, int32_t len, int32_t inner, int32_t last) {
  int32_t o, k, i;
  for (o = 0; o < outer; o++) {
    for (k = 0; k < inner; k++) {
      const ${T} *p = x + (o * len) * inner + k;
      ${T} best = p[0];
      int32_t at = 0;
      for (i = 1; i < len; i++) {
        const ${T} v = p[i * inner];
        if (${better} || (last && v == best)) {
          best = v;
          at = i;
        }
      }
      y[o * inner + k] = (int64_t)at;
    }
  }
}
`;
}

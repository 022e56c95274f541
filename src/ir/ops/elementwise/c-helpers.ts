import type { EmitCtx } from "../../emit-ctx.js";
import { DTYPES, isEncodedFloat, type DType } from "../../dtype.js";
import { minifloatHelper } from "./c-minifloat.js";

/**
 * File-scope C helpers of the elementwise kernels, each written only when a kernel uses it (an
 * unused `static` function would break -Werror). `cHelper` returns the C name to call.
 */
const HALF_TO_FLOAT = `/* IEEE half bits -> float (exact). */
static float eg_f16_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  const uint32_t exp = ((uint32_t)h >> 10) & 0x1fu;
  const uint32_t mant = (uint32_t)h & 0x3ffu;
  uint32_t bits;
  float f;
  if (exp == 0x1fu) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0u) {
    bits = sign | ((exp + 112u) << 23) | (mant << 13);
  } else {
    /* zero or subnormal: mant * 2^-24 */
    f = (float)mant * 5.9604644775390625e-8f;
    return sign ? -f : f;
  }
  memcpy(&f, &bits, sizeof f);
  return f;
}`;

const FLOAT_TO_HALF = `/* float -> IEEE half bits, rounding to nearest even (NaN stays NaN, overflow gives inf). */
static uint16_t eg_f32_to_f16(float f) {
  uint32_t x, sign, mant, rest, r;
  int32_t e;
  memcpy(&x, &f, sizeof x);
  sign = (x >> 16) & 0x8000u;
  mant = x & 0x7fffffu;
  if (((x >> 23) & 0xffu) == 0xffu) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0u));
  e = (int32_t)((x >> 23) & 0xffu) - 127 + 15;
  if (e >= 31) return (uint16_t)(sign | 0x7c00u);
  if (e <= 0) {
    uint32_t shift, half;
    if (e < -10) return (uint16_t)sign;
    mant |= 0x800000u;
    shift = (uint32_t)(14 - e);
    half = 1u << (shift - 1u);
    rest = mant & ((1u << shift) - 1u);
    r = mant >> shift;
    if (rest > half || (rest == half && (r & 1u))) r++;
    return (uint16_t)(sign | r);
  }
  rest = mant & 0x1fffu;
  r = ((uint32_t)e << 10) | (mant >> 13);
  if (rest > 0x1000u || (rest == 0x1000u && (r & 1u))) r++;
  return (uint16_t)(sign | r);
}`;

function roundEven(suffix: "f32" | "f64"): string {
  const t = suffix === "f32" ? "float" : "double";
  const f = suffix === "f32" ? "f" : "";
  return `/* Round half to even without depending on the FPU rounding mode. */
static ${t} eg_round_even_${suffix}(${t} x) {
  ${t} r = floor${f}(x);
  const ${t} d = x - r;
  if (d > 0.5${f} || (d == 0.5${f} && fmod${f}(r, 2.0${f}) != 0.0${f})) r += 1.0${f};
  return r;
}`;
}

const INT_POW = `/* base^e modulo 2^64 by squaring (integer Pow wraps like repeated multiplication). */
static uint64_t eg_ipow_u64(uint64_t base, uint64_t e) {
  uint64_t r = 1u;
  while (e != 0u) {
    if (e & 1u) r *= base;
    base *= base;
    e >>= 1;
  }
  return r;
}`;

/** double -> integer type: truncates toward zero, saturates, NaN -> 0 (no C undefined behaviour). */
function saturate(dtype: DType): string {
  const info = DTYPES[dtype];
  const t = info.ctype;
  const bounds: Partial<Record<DType, [string, string, string, string]>> = {
    int8: ["-128.0", "INT8_MIN", "127.0", "INT8_MAX"],
    uint8: ["0.0", "0", "255.0", "UINT8_MAX"],
    int16: ["-32768.0", "INT16_MIN", "32767.0", "INT16_MAX"],
    uint16: ["0.0", "0", "65535.0", "UINT16_MAX"],
    int32: ["-2147483648.0", "INT32_MIN", "2147483647.0", "INT32_MAX"],
    uint32: ["0.0", "0", "4294967295.0", "UINT32_MAX"],
    // 2^63 and 2^64 are the first doubles out of range.
    int64: ["-9223372036854775808.0", "INT64_MIN", "9223372036854775808.0", "INT64_MAX"],
    uint64: ["0.0", "0", "18446744073709551616.0", "UINT64_MAX"],
  };
  const [lo, loVal, hi, hiVal] = bounds[dtype]!;
  return `static ${t} eg_sat_${info.suffix}(double v) {
  if (v != v) return 0;
  if (v <= ${lo}) return ${loVal};
  if (v >= ${hi}) return ${hiVal};
  return (${t})v;
}`;
}

/** Max/Min of two values of one compute type; floats propagate NaN like the reference. */
function minMax(which: "max" | "min", ctype: string, suffix: string, float: boolean): string {
  const cmp = which === "max" ? ">" : "<";
  const test = float ? `a ${cmp} b || a != a` : `a ${cmp} b`;
  return `static ${ctype} eg_${which}_${suffix}(${ctype} a, ${ctype} b) {
  return (${test}) ? a : b;
}`;
}

const COMPUTE_TYPES: Readonly<Record<string, { ctype: string; float: boolean }>> = {
  f32: { ctype: "float", float: true },
  f64: { ctype: "double", float: true },
  ...Object.fromEntries(
    (Object.keys(DTYPES) as DType[])
      .filter((d) => !DTYPES[d].isFloat)
      .map((d) => [DTYPES[d].suffix, { ctype: DTYPES[d].ctype, float: false }]),
  ),
};

function lookup(name: string): string | undefined {
  if (name === "f16_to_f32") return HALF_TO_FLOAT;
  if (name === "f32_to_f16") return FLOAT_TO_HALF;
  if (name === "round_even_f32") return roundEven("f32");
  if (name === "round_even_f64") return roundEven("f64");
  if (name === "ipow_u64") return INT_POW;
  const mini = minifloatHelper(name);
  if (mini !== undefined) return mini.code;
  const sat = /^sat_(\w+)$/.exec(name);
  if (sat) {
    const dtype = (Object.keys(DTYPES) as DType[]).find((d) => DTYPES[d].suffix === sat[1] && !DTYPES[d].isFloat && d !== "bool" && DTYPES[d].bits >= 8);
    return dtype ? saturate(dtype) : undefined;
  }
  const mm = /^(max|min)_(\w+)$/.exec(name);
  const ct = mm ? COMPUTE_TYPES[mm[2]!] : undefined;
  if (mm && ct) return minMax(mm[1] as "max" | "min", ct.ctype, mm[2]!, ct.float);
  return undefined;
}

/** Defines helper `name` (e.g. "sat_i32", "max_f32", "f16_to_f32") once; returns `eg_<name>`. */
export function cHelper(ctx: EmitCtx, name: string): string {
  for (const need of minifloatHelper(name)?.needs ?? []) cHelper(ctx, need);
  const code = lookup(name);
  if (code === undefined) throw new Error(`internal: no elementwise C helper "${name}"`);
  ctx.define(`elementwise:${name}`, code);
  return `eg_${name}`;
}

/** Suffix of a compute type for helper names: the bit-pattern floats compute as f32, bool as b8. */
export function computeSuffix(dtype: DType): string {
  return isEncodedFloat(dtype) ? "f32" : DTYPES[dtype].suffix;
}

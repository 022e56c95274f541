import { DTYPES, type DType } from "../../dtype.js";
import { formatCodes, MINIFLOAT_FORMATS, type MiniFloatFormat } from "../../minifloat.js";

/**
 * C twins of src/ir/minifloat.ts: decoders (`eg_<suffix>_to_f32`) and encoders
 * (`eg_f32_to_<suffix>`) of the bit-pattern float formats, generated from the same format
 * parameters, plus the wrap of the sub-byte integers. Each is a file-scope helper written once
 * (c-helpers.ts). Only integer operations, memcpy and ldexpf: no dependence on rounding modes.
 */

const hex = (v: number): string => `0x${v.toString(16)}u`;

function decoder(dtype: DType, f: MiniFloatFormat): string {
  const c = formatCodes(f);
  const T = DTYPES[dtype].ctype;
  const name = `eg_${DTYPES[dtype].suffix}_to_f32`;
  const special =
    f.special === "ieee" ? [`  if (mag >= ${hex(c.inf!)}) return mag == ${hex(c.inf!)} ? (neg ? -INFINITY : INFINITY) : NAN;`]
    : f.special === "fn" ? [`  if (mag == ${hex(c.nan!)}) return NAN;`]
    : f.special === "fnuz" ? [`  if (h == ${hex(c.sign)}) return NAN;`]
    : [];
  return [
    `/* ${dtype} bits -> float (exact). */`,
    `static float ${name}(${T} h) {`,
    `  const uint32_t mag = (uint32_t)h & ${hex(c.sign - 1)};`,
    `  const int neg = ((uint32_t)h & ${hex(c.sign)}) != 0u;`,
    `  const uint32_t e = mag >> ${f.mantBits};`,
    `  const uint32_t m = mag & ${hex((1 << f.mantBits) - 1)};`,
    "  float v;",
    ...special,
    `  v = e == 0u ? ldexpf((float)m, ${1 - f.bias - f.mantBits}) : ldexpf((float)(m | ${hex(1 << f.mantBits)}), (int)e - ${f.bias + f.mantBits});`,
    "  return neg ? -v : v;",
    "}",
  ].join("\n");
}

function encoder(dtype: DType, f: MiniFloatFormat): string {
  const c = formatCodes(f);
  const T = DTYPES[dtype].ctype;
  const name = `eg_f32_to_${DTYPES[dtype].suffix}`;
  const emin = 1 - f.bias;
  const overflow = c.inf ?? (f.special === "none" ? c.maxFinite : undefined);
  const onOverflow = overflow === undefined ? `return (${T})${hex(c.nan!)};` : `return (${T})(sign | ${hex(overflow)});`;
  return [
    `/* float -> ${dtype} bits, rounding to nearest even; overflow gives ${overflow === undefined ? "NaN" : f.special === "none" ? "the largest value" : "inf"}. */`,
    `static ${T} ${name}(float f) {`,
    "  uint32_t x, sign, sig, q, rest, half, mag;",
    "  int32_t e, shift;",
    `  if (f != f) return (${T})${hex(c.nan ?? c.sign)};`,
    "  memcpy(&x, &f, sizeof x);",
    `  sign = (x >> 31) != 0u ? ${hex(c.sign)} : 0u;`,
    `  if (((x >> 23) & 0xffu) == 0xffu) ${onOverflow}`,
    "  e = ((x >> 23) & 0xffu) == 0u ? -126 : (int32_t)((x >> 23) & 0xffu) - 127;",
    "  sig = ((x >> 23) & 0xffu) == 0u ? (x & 0x7fffffu) : ((x & 0x7fffffu) | 0x800000u);",
    `  shift = ${23 - f.mantBits} + (e < ${emin} ? ${emin} - e : 0);`,
    "  if (shift > 25) {",
    "    mag = 0u;",
    "  } else {",
    "    q = sig >> shift;",
    "    rest = sig & ((1u << shift) - 1u);",
    "    half = 1u << (shift - 1);",
    "    if (rest > half || (rest == half && (q & 1u) != 0u)) q++;",
    `    mag = e < ${emin} ? q : q + ((uint32_t)(e + ${f.bias - 1}) << ${f.mantBits});`,
    "  }",
    `  if (mag > ${hex(c.maxFinite)}) ${onOverflow}`,
    ...(f.special === "fnuz" ? ["  if (mag == 0u) return 0u;"] : []),
    `  return (${T})(sign | mag);`,
    "}",
  ].join("\n");
}

const E8M0_DECODE = `/* float8e8m0 bits -> float: 2^(h - 127), 0xFF is NaN. */
static float eg_f8e8m0_to_f32(uint8_t h) {
  return h == 0xffu ? NAN : ldexpf(1.0f, (int)h - 127);
}`;

/** mode: 0 up, 1 down, 2 nearest (ties up); sat: overflow and inf give 2^127 instead of NaN. */
const E8M0_ENCODE = `/* |float| -> float8e8m0 bits under a rounding mode (0 up, 1 down, 2 nearest). */
static uint8_t eg_f32_to_f8e8m0_mode(float f, int mode, int sat) {
  uint32_t x, e, m, code;
  if (f != f) return 0xffu;
  memcpy(&x, &f, sizeof x);
  x &= 0x7fffffffu;
  e = x >> 23;
  m = x & 0x7fffffu;
  if (e == 0xffu) return sat ? 0xfeu : 0xffu;
  if (e == 0u) return (uint8_t)((mode == 0 && m > 0x400000u) || (mode == 2 && m >= 0x600000u) ? 1u : 0u);
  code = e + ((mode == 0 && m != 0u) || (mode == 2 && m >= 0x400000u) ? 1u : 0u);
  if (code >= 0xffu) return sat ? 0xfeu : 0xffu;
  return (uint8_t)code;
}`;

/** The store's conversion: Cast's defaults (round up, saturate). Needs E8M0_ENCODE. */
const E8M0_STORE = `static uint8_t eg_f32_to_f8e8m0(float f) {
  return eg_f32_to_f8e8m0_mode(f, 0, 1);
}`;

/** A helper's C code and the helpers it calls (defined before it). */
export interface CHelperCode {
  readonly code: string;
  readonly needs?: readonly string[];
}

/** The C code of helper `<suffix>_to_f32`, `f32_to_<suffix>` or `wrap_<suffix>`, or undefined. */
export function minifloatHelper(name: string): CHelperCode | undefined {
  const code = helperCode(name);
  if (name === "f32_to_f8e8m0") return { code: E8M0_STORE, needs: ["f32_to_f8e8m0_mode"] };
  return code === undefined ? undefined : { code };
}

function helperCode(name: string): string | undefined {
  const dec = /^(\w+)_to_f32$/.exec(name);
  const enc = /^f32_to_(\w+)$/.exec(name);
  const wrap = /^wrap_(\w+)$/.exec(name);
  const bySuffix = (s: string | undefined): DType | undefined => (Object.keys(DTYPES) as DType[]).find((d) => DTYPES[d].suffix === s);
  if (dec?.[1] === "f8e8m0") return E8M0_DECODE;
  if (name === "f32_to_f8e8m0_mode") return E8M0_ENCODE;
  const d = bySuffix(dec?.[1] ?? enc?.[1]);
  const f = d === undefined ? undefined : MINIFLOAT_FORMATS[d];
  if (d !== undefined && f) return dec ? decoder(d, f) : encoder(d, f);
  const w = bySuffix(wrap?.[1]);
  if (w !== undefined && DTYPES[w].bits < 8) return wrapper(w);
  return undefined;
}

/** An integer (converted to uint64_t, which is modulo 2^64) -> a sub-byte integer, modulo 2^bits. */
function wrapper(dtype: DType): string {
  const info = DTYPES[dtype];
  const mask = (1 << info.bits) - 1;
  const body = info.min < 0 ? `(int8_t)((int32_t)(((uint32_t)v & ${hex(mask)}) ^ ${hex(1 << (info.bits - 1))}) - ${1 << (info.bits - 1)})` : `(uint8_t)((uint32_t)v & ${hex(mask)})`;
  return `static ${info.ctype} eg_wrap_${info.suffix}(uint64_t v) {\n  return ${body};\n}`;
}

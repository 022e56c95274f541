import type { DType } from "./dtype.js";
import { halfToNumber, numberToHalf } from "./float16.js";

/**
 * The small float formats stored as bit patterns: bfloat16, the four float8 formats of ONNX,
 * float4e2m1 and the exponent-only float8e8m0 (float16 has its own codec in float16.ts).
 *
 * A format is sign | exponent (`expBits`, biased by `bias`) | mantissa (`mantBits`); subnormals
 * have exponent field 0. What the all-ones patterns mean differs:
 *  - "ieee": exponent all ones is inf (mantissa 0) or NaN, like IEEE 754 (bfloat16, float8e5m2);
 *  - "fn": no infinities, only S.1111.111 is NaN (float8e4m3fn);
 *  - "fnuz": no infinities and no negative zero, 0x80 is the only NaN (the *fnuz formats);
 *  - "none": no infinities and no NaN (float4e2m1).
 *
 * Encoding is from the value's float32 (C's `(float)x`, then the format: ONNX converts through
 * float32), rounding to nearest even. Overflow follows the format and does not saturate: inf
 * where there is one, else NaN, else (float4) the largest value; Cast's `saturate` clamps to the
 * largest finite value before encoding (ops/cast.ts). float4e2m1 encodes NaN as 0x8 (-0), as the
 * ONNX reference does. The C twins are generated from the same parameters (c-minifloat.ts).
 */

export interface MiniFloatFormat {
  readonly expBits: number;
  readonly mantBits: number;
  readonly bias: number;
  readonly special: "ieee" | "fn" | "fnuz" | "none";
}

export const MINIFLOAT_FORMATS: Readonly<Partial<Record<DType, MiniFloatFormat>>> = {
  bfloat16: { expBits: 8, mantBits: 7, bias: 127, special: "ieee" },
  float8e4m3fn: { expBits: 4, mantBits: 3, bias: 7, special: "fn" },
  float8e4m3fnuz: { expBits: 4, mantBits: 3, bias: 8, special: "fnuz" },
  float8e5m2: { expBits: 5, mantBits: 2, bias: 15, special: "ieee" },
  float8e5m2fnuz: { expBits: 5, mantBits: 2, bias: 16, special: "fnuz" },
  float4e2m1: { expBits: 2, mantBits: 1, bias: 1, special: "none" },
};

/** The codes a format's encoder needs: sign bit, largest finite magnitude, inf and NaN. */
export interface FormatCodes {
  readonly sign: number;
  readonly maxFinite: number;
  /** Positive infinity, or undefined when the format has none. */
  readonly inf: number | undefined;
  /** The NaN the encoder writes, or undefined (float4e2m1 writes -0 for NaN). */
  readonly nan: number | undefined;
}

export function formatCodes(f: MiniFloatFormat): FormatCodes {
  const width = 1 + f.expBits + f.mantBits;
  const sign = 1 << (width - 1);
  const expAllOnes = ((1 << f.expBits) - 1) << f.mantBits;
  const mantAllOnes = (1 << f.mantBits) - 1;
  switch (f.special) {
    case "ieee": return { sign, maxFinite: expAllOnes - 1, inf: expAllOnes, nan: expAllOnes | (1 << (f.mantBits - 1)) };
    case "fn": return { sign, maxFinite: (expAllOnes | mantAllOnes) - 1, inf: undefined, nan: expAllOnes | mantAllOnes };
    case "fnuz": return { sign, maxFinite: expAllOnes | mantAllOnes, inf: undefined, nan: sign };
    case "none": return { sign, maxFinite: expAllOnes | mantAllOnes, inf: undefined, nan: undefined };
  }
}

/** Bit pattern -> value. */
export function decodeMiniFloat(f: MiniFloatFormat, code: number): number {
  const c = formatCodes(f);
  const negative = (code & c.sign) !== 0;
  const magnitude = code & (c.sign - 1);
  if (f.special === "fnuz" && code === c.sign) return NaN;
  if (f.special === "fn" && magnitude === c.nan) return NaN;
  if (f.special === "ieee" && magnitude >= c.inf!) return magnitude === c.inf ? (negative ? -Infinity : Infinity) : NaN;
  const exp = magnitude >> f.mantBits;
  const mant = magnitude & ((1 << f.mantBits) - 1);
  const value = exp === 0 ? mant * 2 ** (1 - f.bias - f.mantBits) : (1 + mant / 2 ** f.mantBits) * 2 ** (exp - f.bias);
  return negative ? -value : value;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Value -> bit pattern (see the module comment for rounding and overflow). */
export function encodeMiniFloat(f: MiniFloatFormat, value: number): number {
  const c = formatCodes(f);
  if (Number.isNaN(value)) return c.nan ?? c.sign;
  f32[0] = value;
  const bits = u32[0]!;
  const signBit = bits >>> 31 ? c.sign : 0;
  const exp32 = (bits >>> 23) & 0xff;
  const overflow = c.inf ?? (f.special === "none" ? c.maxFinite : undefined);
  if (exp32 === 0xff) return overflow === undefined ? c.nan! : signBit | overflow;
  const magnitude = roundToFormat(f, exp32, bits & 0x7fffff);
  if (magnitude > c.maxFinite) return overflow === undefined ? c.nan! : signBit | overflow;
  if (magnitude === 0 && f.special === "fnuz") return 0;
  return signBit | magnitude;
}

/**
 * The format's magnitude code nearest (ties to even) to the float32 with exponent field `exp32`
 * and mantissa `mant32`; may exceed the largest finite code (the caller handles overflow).
 * Normal results carry the rounding into the exponent field, so the codes stay monotonic.
 */
function roundToFormat(f: MiniFloatFormat, exp32: number, mant32: number): number {
  // value = sig * 2^(e - 23) with a 24-bit significand (float32 subnormals: e = -126, no hidden bit).
  const sig = exp32 === 0 ? mant32 : mant32 | 0x800000;
  const e = exp32 === 0 ? -126 : exp32 - 127;
  const emin = 1 - f.bias;
  // Keep mantBits fraction bits at exponent max(e, emin): subnormal results shift further.
  const shift = 23 - f.mantBits + Math.max(0, emin - e);
  if (shift > 25) return 0;
  const q = Math.floor(sig / 2 ** shift);
  const rest = sig - q * 2 ** shift;
  const half = 2 ** (shift - 1);
  const rounded = rest > half || (rest === half && q % 2 === 1) ? q + 1 : q;
  // A subnormal code is q itself (exponent field 0; q = 2^mantBits is the smallest normal).
  if (e < emin) return rounded;
  // Normal: the hidden bit of q lands on the exponent field's lowest bit, so adding
  // (e + bias - 1) << mantBits gives the code, carries included.
  return rounded + ((e + f.bias - 1) << f.mantBits);
}

/** float8e8m0: an unsigned power of two 2^(code - 127); 0xFF is NaN. */
export type E8M0Rounding = "up" | "down" | "nearest";

export function decodeE8M0(code: number): number {
  return code === 0xff ? NaN : 2 ** (code - 127);
}

/**
 * |value| -> the exponent code under the rounding mode (`up`: the next power of two when any
 * mantissa bit is set; `nearest`: ties go up). Overflow and inf give NaN (0xFF) unless
 * `saturate`, which gives 2^127 (0xFE); zero and values below 2^-127 give 0x00 (2^-127).
 */
export function encodeE8M0(value: number, rounding: E8M0Rounding = "up", saturate = true): number {
  if (Number.isNaN(value)) return 0xff;
  f32[0] = Math.abs(value);
  const bits = u32[0]!;
  const exp32 = bits >>> 23;
  if (exp32 === 0xff) return saturate ? 0xfe : 0xff;
  const mant = bits & 0x7fffff;
  // float32 subnormals are below 2^-126: the code is 0 (2^-127) or, rounded up, 1.
  if (exp32 === 0) return rounding === "up" && mant > 0x400000 ? 1 : rounding === "nearest" && mant >= 0x600000 ? 1 : 0;
  const up = rounding === "up" ? mant !== 0 : rounding === "nearest" ? mant >= 0x400000 : false;
  const code = exp32 + (up ? 1 : 0);
  if (code >= 0xff) return saturate ? 0xfe : 0xff;
  return code;
}

/** Decoder and encoder of one bit-pattern float DType. */
interface BitCodec {
  decode(code: number): number;
  /** No saturation; float8e8m0 rounds up and saturates (its Cast defaults). */
  encode(value: number): number;
}

export function bitCodec(dtype: DType): BitCodec {
  if (dtype === "float16") return { decode: halfToNumber, encode: numberToHalf };
  if (dtype === "float8e8m0") return { decode: decodeE8M0, encode: (v) => encodeE8M0(v) };
  const f = MINIFLOAT_FORMATS[dtype];
  if (!f) throw new Error(`internal: ${dtype} is not a bit-pattern float`);
  return { decode: (c) => decodeMiniFloat(f, c), encode: (v) => encodeMiniFloat(f, v) };
}

export function decodeBits(dtype: DType, code: number): number {
  return bitCodec(dtype).decode(code);
}

export function encodeBits(dtype: DType, value: number): number {
  return bitCodec(dtype).encode(value);
}

/**
 * TensorFlow Lite's integer arithmetic (kernels/internal/common.h and quantization_util.cc of the
 * default TFLite Micro reference build, where TFLITE_SINGLE_ROUNDING is off: the "double rounding"
 * MultiplyByQuantizedMultiplier). Every function works on JS numbers holding int32 values and
 * reproduces the C results bit for bit, including int32 wrap-around where the C code wraps.
 *
 * The C twins live in runtime-c/kernels/qfixed_i8.{c,h}; test/ops/quant-fixed-point.test.ts
 * checks these against a BigInt transcription of the C.
 */

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const TWO_POW_31 = 2147483648;

/** A real multiplier as TFLite stores it: multiplier * 2^(shift - 31), multiplier in [2^30, 2^31). */
export interface QuantizedMultiplier {
  readonly multiplier: number;
  readonly shift: number;
}

/** C's std::frexp for finite non-zero x: x = q * 2^e with 0.5 <= |q| < 1. */
export function frexp(x: number): { q: number; e: number } {
  if (x === 0 || !Number.isFinite(x)) return { q: x, e: 0 };
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let q = x * 2 ** -e;
  // log2 may be off by one near powers of two; scaling by powers of two is exact.
  while (Math.abs(q) >= 1) { q /= 2; e++; }
  while (Math.abs(q) < 0.5) { q *= 2; e--; }
  return { q, e };
}

/** std::round: halves go away from zero. */
export function roundHalfAway(x: number): number {
  const r = Math.round(Math.abs(x));
  return x < 0 ? -r : r;
}

/**
 * QuantizeMultiplier: frexp, round q * 2^31, fold the 2^31 overflow into the shift, flush
 * multipliers below 2^-31 to zero.
 */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  const f = frexp(real);
  let qFixed = roundHalfAway(f.q * TWO_POW_31);
  let shift = f.e;
  if (qFixed === TWO_POW_31) {
    qFixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: qFixed, shift };
}

/**
 * gemmlowp's SaturatingRoundingDoublingHighMul for int32: (a*b + nudge) / 2^31 truncated toward
 * zero, INT32_MIN*INT32_MIN saturating. The 62-bit product is split so every step stays exact in
 * doubles: a*b = hi*2^16 + lo.
 */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const bLow = b & 0xffff; // b = bHigh * 2^16 + bLow, 0 <= bLow < 2^16
  const bHigh = (b - bLow) / 65536;
  const hi = a * bHigh; // |hi| < 2^47
  const negative = (a < 0) !== (b < 0) && a !== 0 && b !== 0;
  const nudge = negative ? 1 - (1 << 30) : 1 << 30;
  const lo = a * bLow + nudge; // |lo| < 2^48
  const loQuot = Math.floor(lo / 65536);
  const loRem = lo - loQuot * 65536;
  const s = hi + loQuot; // t = a*b + nudge = s * 2^16 + loRem, 0 <= loRem < 2^16
  const floorQuot = Math.floor(s / 32768); // floor(t / 2^31)
  const exact = loRem === 0 && s - floorQuot * 32768 === 0;
  // C's integer division truncates toward zero: bump the floor of a negative inexact quotient.
  return s < 0 && !exact ? floorQuot + 1 : floorQuot;
}

/** gemmlowp's RoundingDivideByPOT: arithmetic shift right rounding half away from zero. */
export function rdbpot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent >= 31 ? INT32_MAX : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** C's `x * (1 << s)` on int32 as the compilers do it (two's-complement wrap). */
export function shiftLeftWrap(x: number, s: number): number {
  return Math.imul(x, 2 ** s | 0);
}

/** MultiplyByQuantizedMultiplier(int32 x, multiplier, shift), double-rounding variant. */
export function mbqm(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpot(srdhm(shiftLeftWrap(x, left), multiplier), right);
}

/**
 * MultiplyByQuantizedMultiplier(int64 x, multiplier, shift): TFLite's 16x8 path with a 16-bit
 * rounded multiplier and a single rounding shift. x must satisfy |x| < 2^47.
 */
export function mbqm64(x: bigint, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const totalShift = BigInt(15 - shift);
  const rounded = x * BigInt(reduced) + (1n << (totalShift - 1n));
  return Number(BigInt.asIntN(32, rounded >> totalShift));
}

/** gemmlowp SaturatingRoundingMultiplyByPOT<exponent> on int32. */
export function saturatingMulByPot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return rdbpot(x, -exponent);
  const threshold = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/** Clamps to [lo, hi]. */
export function clampInt(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** CalculateInputRadius(integer_bits, left_shift, total_signed_bits = 31), the double version. */
export function inputRadius(integerBits: number, leftShift: number, totalSignedBits = 31): number {
  const maxRescaled = (1.0 * ((1 << integerBits) - 1) * 2 ** (totalSignedBits - integerBits)) / 2 ** leftShift;
  return Math.floor(maxRescaled);
}

/** Scales are float32 values in the model; TFLite promotes those floats, so round ours first. */
export const f32 = Math.fround;

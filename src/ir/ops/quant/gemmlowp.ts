import { INT32_MAX, rdbpot, saturatingMulByPot, srdhm } from "./fixed-point.js";

/**
 * The scalar int32 instances of gemmlowp's fixed-point transcendental functions (fixedpoint.h),
 * which TFLite's reference softmax, logistic and tanh kernels call. A value with `integerBits` m is
 * raw / 2^(31 - m). gemmlowp's int32 +, - and negation wrap; `| 0` reproduces that. The C twins are
 * in runtime-c/kernels/qfixed_i8.c.
 */

/** 1 << (fractional bits + exponent): gemmlowp's ConstantPOT. */
const constantPot = (integerBits: number, exponent: number) => 1 << (31 - integerBits + exponent);

/** Rescale<dst>(x with src integer bits). */
export const rescale = (x: number, srcBits: number, dstBits: number) => saturatingMulByPot(x, srcBits - dstBits);

/** gemmlowp RoundingHalfSum for int32: (a + b + sign) / 2 in 64 bits, truncated. */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b;
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** exp(x) for x in [-1/4, 0), 0 integer bits in and out. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const oneThird = 715827883;
  const x = (a + constantPot(0, -3)) | 0;
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = rdbpot(x4, 2);
  const poly = rdbpot((srdhm((x4Over4 + x3) | 0, oneThird) + x2) | 0, 1);
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0;
}

/** Barrel-shifter multipliers exp(-2^k) for k = -2..4, in 0-integer-bit fixed point. */
const EXP_BARREL: readonly (readonly [number, number])[] = [
  [-2, 1672461947], [-1, 1302514674], [0, 790015084], [1, 290630308], [2, 39332535], [3, 720401], [4, 242],
];

/** exp(a) for a <= 0 with `integerBits` integer bits; result has 0 integer bits. */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = constantPot(integerBits, -2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = ((a & mask) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent && (remainder & (1 << (fractionalBits + exponent))) !== 0) result = srdhm(result, multiplier);
  }
  if (integerBits > 5 && a < -(1 << (36 - integerBits))) result = 0;
  return a === 0 ? INT32_MAX : result;
}

/** Newton-Raphson for 1 / (1 + a) shared by the two functions below; returns x in 2 integer bits. */
function newtonReciprocalHalf(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const constant48Over17 = 1515870810;
  const constantNeg32Over17 = -1010580540;
  const oneF2 = 1 << 29; // F2::One(): 29 fractional bits
  let x = (constant48Over17 + srdhm(halfDenominator, constantNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = srdhm(halfDenominator, x);
    const oneMinus = (oneF2 - halfDenominatorTimesX) | 0;
    x = (x + rescale(srdhm(x, oneMinus), 4, 2)) | 0;
  }
  return x;
}

/** 1 / (1 + a) for a in [0, 1), 0 integer bits. */
export function oneOverOnePlusX(a: number): number {
  return rescale(newtonReciprocalHalf(a), 1, 0); // ExactMulByPot<-1> turns 2 integer bits into 1
}

/** (1 - a) / (1 + a) for a in [0, 1), 0 integer bits. */
function oneMinusXOverOnePlusX(a: number): number {
  return rescale((newtonReciprocalHalf(a) - (1 << 29)) | 0, 2, 0);
}

/** gemmlowp::logistic on a value with `integerBits` integer bits; result has 0 integer bits. */
export function logistic(a: number, integerBits: number): number {
  if (a === 0) return 1 << 30;
  const positive = a > 0;
  const absInput = positive ? a : -a | 0;
  const ifPositive = oneOverOnePlusX(expOnNegativeValues(-absInput | 0, integerBits));
  return positive ? ifPositive : (INT32_MAX - ifPositive) | 0;
}

/** gemmlowp::tanh on a value with `integerBits` integer bits; result has 0 integer bits. */
export function tanh(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const negative = a < 0;
  const n = negative ? a : -a | 0;
  // ExactMulByPot<1>: the same raw value read with one more integer bit.
  const t = oneMinusXOverOnePlusX(expOnNegativeValues(n, integerBits + 1));
  return negative ? -t | 0 : t;
}

/** TFLite's GetReciprocal: 1 / x for x with `integerDigits` integer bits, plus the shift left over. */
export function reciprocal(x: number, integerDigits: number): { value: number; bitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const shiftedSumMinusOne = (((x << headroomPlusOne) >>> 0) - 0x80000000) | 0;
  return { value: oneOverOnePlusX(shiftedSumMinusOne), bitsOverUnit: integerDigits - headroomPlusOne };
}

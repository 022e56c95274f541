import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  INT32_MAX, INT32_MIN, frexp, mbqm, mbqm64, quantizeMultiplier, rdbpot, srdhm,
} from "../../src/ir/ops/quant/fixed-point.js";
import { expOnNegativeValues, logistic, oneOverOnePlusX, tanh } from "../../src/ir/ops/quant/gemmlowp.js";

/** BigInt transcriptions of TFLite's C (common.h / gemmlowp), the reference for the fast versions. */
const toI32 = (x: bigint) => Number(BigInt.asIntN(32, x));
function srdhmRef(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return toI32((ab + nudge) / (1n << 31n)); // BigInt division truncates like C
}
function rdbpotRef(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const bx = BigInt(x);
  const remainder = bx & mask;
  const threshold = (mask >> 1n) + (bx < 0n ? 1n : 0n);
  return toI32((bx >> BigInt(e)) + (remainder > threshold ? 1n : 0n));
}
function mbqmRef(x: number, m: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  return rdbpotRef(srdhmRef(toI32(BigInt(x) << BigInt(left)), m), shift > 0 ? 0 : -shift);
}

const int32 = fc.integer({ min: INT32_MIN, max: INT32_MAX });

describe("fixed point: known values", () => {
  it("frexp splits into [0.5, 1) and an exponent", () => {
    expect(frexp(1)).toEqual({ q: 0.5, e: 1 });
    expect(frexp(0.75)).toEqual({ q: 0.75, e: 0 });
    expect(frexp(3e-5).q * 2 ** frexp(3e-5).e).toBe(3e-5);
  });

  it("QuantizeMultiplier: exact powers, the 2^31 rounding edge, flush to zero", () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 2 ** 30, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 1610612736, shift: 0 });
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
  });

  it("SaturatingRoundingDoublingHighMul and RoundingDivideByPOT", () => {
    expect(srdhm(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
    expect(srdhm(2 ** 30, 2 ** 30)).toBe(2 ** 29);
    expect(srdhm(-(2 ** 30), 2 ** 30)).toBe(-(2 ** 29));
    expect([rdbpot(5, 1), rdbpot(-5, 1), rdbpot(3, 1), rdbpot(-3, 1), rdbpot(-4, 1)]).toEqual([3, -3, 2, -2, -2]);
  });

  it("MultiplyByQuantizedMultiplier (int32 and 16x8 int64 forms)", () => {
    expect(mbqm(100, 2 ** 30, 0)).toBe(50);
    expect(mbqm(100, 1610612736, 1)).toBe(150);
    expect(mbqm(-7, 2 ** 30, -1)).toBe(-2); // -3.5 -> -4 then /2 -> -2
    expect(mbqm64(1000n, 2 ** 30, 0)).toBe(500);
    expect(mbqm64(-3n, 2 ** 30, 0)).toBe(-1); // -1.5 rounds up in the single-rounding form
  });

  it("gemmlowp exp / reciprocal / logistic / tanh hit their real values", () => {
    const q31 = (v: number) => v / 2 ** 31;
    expect(expOnNegativeValues(0, 5)).toBe(INT32_MAX);
    expect(q31(expOnNegativeValues(-(2 ** 26), 5))).toBeCloseTo(Math.exp(-1), 6);
    expect(q31(expOnNegativeValues(-(3 * 2 ** 25), 5))).toBeCloseTo(Math.exp(-1.5), 6);
    expect(q31(oneOverOnePlusX(2 ** 30))).toBeCloseTo(1 / 1.5, 6);
    expect(q31(logistic(2 ** 27, 4))).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
    expect(q31(logistic(-(2 ** 27), 4))).toBeCloseTo(1 / (1 + Math.exp(1)), 6);
    expect(q31(tanh(2 ** 27, 4))).toBeCloseTo(Math.tanh(1), 6);
    expect(q31(tanh(-(2 ** 26), 4))).toBeCloseTo(Math.tanh(-0.5), 6);
  });
});

describe("fixed point: fast number versions equal the BigInt C transcription", () => {
  it("srdhm on arbitrary int32 pairs", () => {
    fc.assert(fc.property(int32, int32, (a, b) => srdhm(a, b) === srdhmRef(a, b)), { numRuns: 5000 });
  });

  it("rdbpot on arbitrary int32 and exponents 0..31", () => {
    fc.assert(fc.property(int32, fc.integer({ min: 0, max: 31 }), (x, e) => rdbpot(x, e) === rdbpotRef(x, e)), { numRuns: 5000 });
  });

  it("mbqm with multipliers from QuantizeMultiplier of random reals", () => {
    const real = fc.double({ min: 1e-9, max: 60, noNaN: true });
    fc.assert(fc.property(fc.integer({ min: -(2 ** 24), max: 2 ** 24 }), real, (x, r) => {
      const { multiplier, shift } = quantizeMultiplier(r);
      return mbqm(x, multiplier, shift) === mbqmRef(x, multiplier, shift);
    }), { numRuns: 5000 });
  });

  it("QuantizeMultiplier reconstructs the real value to 2^-31 relative precision", () => {
    fc.assert(fc.property(fc.double({ min: 1e-8, max: 1e4, noNaN: true }), (r) => {
      const { multiplier, shift } = quantizeMultiplier(r);
      return multiplier >= 2 ** 30 && multiplier < 2 ** 31 && Math.abs(multiplier * 2 ** (shift - 31) - r) <= r * 2 ** -31;
    }), { numRuns: 2000 });
  });
});

#ifndef EGRET_QFIXED_I8_H_
#define EGRET_QFIXED_I8_H_
#include "egret.h"

/*
 * TensorFlow Lite's integer arithmetic, shared by the q*_i8 kernels: gemmlowp's
 * SaturatingRoundingDoublingHighMul and RoundingDivideByPOT, and MultiplyByQuantizedMultiplier in
 * its double-rounding form (TFLite Micro's default reference build). Multipliers/shifts are computed
 * at compile time (src/ir/ops/quant/fixed-point.ts has the bit-identical TypeScript).
 * Wrapping int32 arithmetic goes through uint32_t so that nothing here is undefined behaviour.
 */

#define EG_Q_INT32_MIN (-2147483647 - 1)
#define EG_Q_INT32_MAX 2147483647

static inline int32_t eg_q_wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t eg_q_wrap_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }

/*
 * gemmlowp's (a * b + nudge) / 2^31 truncated toward zero, nudge 2^30 for ab >= 0 and 1 - 2^30
 * below; INT32_MIN * INT32_MIN saturates. Computed as floor((ab + 2^30) / 2^31), one arithmetic
 * shift: for ab >= 0 truncation is the floor; for ab < 0, z = ab + 1 - 2^30 < 0, so truncation is
 * ceil(z / 2^31) = floor((z + 2^31 - 1) / 2^31) = floor((ab + 2^30) / 2^31). No sign test, no
 * 64-bit division.
 */
static inline int32_t eg_q_srdhm(int32_t a, int32_t b) {
  if (a == b && a == EG_Q_INT32_MIN) return EG_Q_INT32_MAX;
  return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/* eg_q_rdbpot with its mask 2^exponent - 1 given (computed once by a loop over one multiplier). */
static inline int32_t eg_q_rdbpot_masked(int32_t x, int32_t exponent, int32_t mask) {
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* Arithmetic shift right by exponent (0..31), rounding half away from zero. */
static inline int32_t eg_q_rdbpot(int32_t x, int32_t exponent) {
  return eg_q_rdbpot_masked(x, exponent, (int32_t)(((int64_t)1 << exponent) - 1));
}

/* MultiplyByQuantizedMultiplier(int32): x * multiplier * 2^(shift - 31), double rounding. */
static inline int32_t eg_q_mul(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  return eg_q_rdbpot(eg_q_srdhm((int32_t)((uint32_t)x << left), multiplier), right);
}

/* MultiplyByQuantizedMultiplier(int64): TFLite's 16x8 form, 16-bit multiplier, one rounding. */
static inline int32_t eg_q_mul64(int64_t x, int32_t multiplier, int32_t shift) {
  const int32_t reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
  const int32_t total_shift = 15 - shift;
  const int64_t rounded = x * (int64_t)reduced + ((int64_t)1 << (total_shift - 1));
  return (int32_t)(rounded >> total_shift);
}

/* Count of leading zero bits (32 for 0), portable C99. */
static inline int32_t eg_q_clz32(uint32_t v) {
  int32_t n = 0;
  if (v == 0) return 32;
  while (!(v & 0x80000000u)) {
    v <<= 1;
    n++;
  }
  return n;
}

static inline int32_t eg_q_clamp(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : (x > hi ? hi : x); }

/* gemmlowp fixed-point functions on int32 raw values (integer_bits: Q format of the input). */
int32_t eg_q_exp_on_negative_values(int32_t a, int32_t integer_bits);
int32_t eg_q_one_over_one_plus_x(int32_t a);
int32_t eg_q_logistic(int32_t a, int32_t integer_bits);
int32_t eg_q_tanh(int32_t a, int32_t integer_bits);

#endif

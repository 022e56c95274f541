#include "qfixed_i8.h"

/* gemmlowp's fixed-point exp / reciprocal / logistic / tanh on scalar int32 (fixedpoint.h). */

/* SaturatingRoundingMultiplyByPOT with a run-time exponent. */
static int32_t sat_mul_pot(int32_t x, int32_t exponent) {
  int32_t threshold;
  if (exponent == 0) return x;
  if (exponent < 0) return eg_q_rdbpot(x, -exponent);
  threshold = (int32_t)(((int32_t)1 << (31 - exponent)) - 1);
  if (x > threshold) return EG_Q_INT32_MAX;
  if (x < -threshold) return EG_Q_INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}

static int32_t rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* exp(a) for a in [-1/4, 0), 0 integer bits. */
static int32_t exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668;
  const int32_t one_third = 715827883;
  const int32_t x = eg_q_wrap_add(a, (int32_t)1 << 28);
  const int32_t x2 = eg_q_srdhm(x, x);
  const int32_t x3 = eg_q_srdhm(x2, x);
  const int32_t x4 = eg_q_srdhm(x2, x2);
  const int32_t x4_over_4 = eg_q_rdbpot(x4, 2);
  const int32_t poly = eg_q_rdbpot(eg_q_wrap_add(eg_q_srdhm(eg_q_wrap_add(x4_over_4, x3), one_third), x2), 1);
  return eg_q_wrap_add(constant_term, eg_q_srdhm(constant_term, eg_q_wrap_add(x, poly)));
}

int32_t eg_q_exp_on_negative_values(int32_t a, int32_t integer_bits) {
  static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod = eg_q_wrap_sub(a & mask, one_quarter);
  int32_t result = exp_quarter(sat_mul_pot(a_mod, integer_bits));
  const int32_t remainder = eg_q_wrap_sub(a_mod, a);
  int32_t k;
  for (k = 0; k < 7; k++) {
    const int32_t exponent = k - 2;
    if (integer_bits > exponent && (remainder & ((int32_t)1 << (fractional_bits + exponent))) != 0) {
      result = eg_q_srdhm(result, barrel[k]);
    }
  }
  if (integer_bits > 5 && a < -((int32_t)1 << (36 - integer_bits))) result = 0;
  return a == 0 ? EG_Q_INT32_MAX : result;
}

/* Newton-Raphson iterate for 1 / (1 + a) / 2 ... with 2 integer bits (shared by the two below). */
static int32_t newton_reciprocal_half(int32_t a) {
  const int32_t half_denominator = rounding_half_sum(a, EG_Q_INT32_MAX);
  int32_t x = eg_q_wrap_add(1515870810, eg_q_srdhm(half_denominator, -1010580540));
  int32_t i;
  for (i = 0; i < 3; i++) {
    const int32_t one_minus = eg_q_wrap_sub((int32_t)1 << 29, eg_q_srdhm(half_denominator, x));
    x = eg_q_wrap_add(x, sat_mul_pot(eg_q_srdhm(x, one_minus), 2));
  }
  return x;
}

int32_t eg_q_one_over_one_plus_x(int32_t a) { return sat_mul_pot(newton_reciprocal_half(a), 1); }

static int32_t one_minus_x_over_one_plus_x(int32_t a) {
  return sat_mul_pot(eg_q_wrap_sub(newton_reciprocal_half(a), (int32_t)1 << 29), 2);
}

int32_t eg_q_logistic(int32_t a, int32_t integer_bits) {
  int32_t abs_input;
  int32_t if_positive;
  if (a == 0) return (int32_t)1 << 30;
  abs_input = a > 0 ? a : eg_q_wrap_sub(0, a);
  if_positive = eg_q_one_over_one_plus_x(eg_q_exp_on_negative_values(eg_q_wrap_sub(0, abs_input), integer_bits));
  return a > 0 ? if_positive : eg_q_wrap_sub(EG_Q_INT32_MAX, if_positive);
}

int32_t eg_q_tanh(int32_t a, int32_t integer_bits) {
  int32_t n;
  int32_t t;
  if (a == 0) return 0;
  n = a < 0 ? a : eg_q_wrap_sub(0, a);
  t = one_minus_x_over_one_plus_x(eg_q_exp_on_negative_values(n, integer_bits + 1));
  return a < 0 ? eg_q_wrap_sub(0, t) : t;
}

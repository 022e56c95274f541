#include "qunary_i8.h"
#include "qfixed_i8.h"

/* bits 8, 16 or 32 (32 only for eg_qrequantize's int32 side). */
static int32_t load_q(const void *x, int32_t i, int32_t bits) {
  if (bits == 32) return ((const int32_t *)x)[i];
  return bits == 8 ? (int32_t)((const int8_t *)x)[i] : (int32_t)((const int16_t *)x)[i];
}

static void store_q(void *y, int32_t i, int32_t bits, int32_t v) {
  if (bits == 8) ((int8_t *)y)[i] = (int8_t)v;
  else if (bits == 16) ((int16_t *)y)[i] = (int16_t)v;
  else ((int32_t *)y)[i] = v;
}

/* a + b with int32 wrap-around (TFLM's int32 zero-point arithmetic), without signed overflow. */
static int32_t wrap_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

void eg_quantize_f32(const float *x, void *y, int32_t n, const float *scale, int32_t zp, int32_t bits) {
  const int32_t lo = bits == 8 ? -128 : -32768, hi = bits == 8 ? 127 : 32767;
  int32_t i;
  for (i = 0; i < n; i++) {
    float v = x[i] / *scale;
    int32_t t;
    float frac;
    if (v != v) {
      store_q(y, i, bits, zp);
      continue;
    }
    /* Clamp far outside the output range first so the conversion is defined; then round half
       away from zero (roundf) via the exact fractional part. */
    v = v > 1e9f ? 1e9f : (v < -1e9f ? -1e9f : v);
    t = (int32_t)v;
    frac = v - (float)t;
    if (frac >= 0.5f) t++;
    else if (frac <= -0.5f) t--;
    store_q(y, i, bits, eg_q_clamp(t + zp, lo, hi));
  }
}

void eg_dequantize_f32(const void *x, float *y, int32_t n, const float *scale, int32_t zp, int32_t bits) {
  int32_t i;
  for (i = 0; i < n; i++) y[i] = *scale * (float)(load_q(x, i, bits) - zp);
}

/*
 * eg_qrequantize's parameters (p[3..8]) in locals, so that no store to y makes a loop re-read them,
 * with the shift split once into MultiplyByQuantizedMultiplier's left and right parts.
 */
typedef struct {
  int32_t neg_x_zp, y_zp, mult, left, right, mask, lo, hi;
} requant_params;

/* eg_q_mul's arithmetic (TFLM's double rounding) with the split shift and mask from requant_params. */
static inline int32_t requant_one(int32_t v, const requant_params *r) {
  const int32_t high = eg_q_srdhm((int32_t)((uint32_t)wrap_add(v, r->neg_x_zp) << r->left), r->mult);
  return eg_q_clamp(wrap_add(eg_q_rdbpot_masked(high, r->right, r->mask), r->y_zp), r->lo, r->hi);
}

/*
 * The int8/int16 pairs run loops of their own (the width switch per element cost about 10
 * instructions on Armv7E-M in keyword_scrambled's int16 -> int8 input); int32 sides take the
 * general loop.
 */
void eg_qrequantize(const void *x, void *y, const int32_t *p) {
  const int32_t n = p[0], from = p[1], to = p[2];
  requant_params r;
  int32_t i;
  r.neg_x_zp = (int32_t)(0u - (uint32_t)p[3]);
  r.y_zp = p[4];
  r.mult = p[5];
  r.left = p[6] > 0 ? p[6] : 0;
  r.right = p[6] > 0 ? 0 : -p[6];
  r.mask = (int32_t)(((int64_t)1 << r.right) - 1);
  r.lo = p[7];
  r.hi = p[8];
  if (from == 16 && to == 8) {
    for (i = 0; i < n; i++) ((int8_t *)y)[i] = (int8_t)requant_one(((const int16_t *)x)[i], &r);
  } else if (from == 8 && to == 8) {
    for (i = 0; i < n; i++) ((int8_t *)y)[i] = (int8_t)requant_one(((const int8_t *)x)[i], &r);
  } else if (from == 8 && to == 16) {
    for (i = 0; i < n; i++) ((int16_t *)y)[i] = (int16_t)requant_one(((const int8_t *)x)[i], &r);
  } else if (from == 16 && to == 16) {
    for (i = 0; i < n; i++) ((int16_t *)y)[i] = (int16_t)requant_one(((const int16_t *)x)[i], &r);
  } else {
    for (i = 0; i < n; i++) store_q(y, i, to, requant_one(load_q(x, i, from), &r));
  }
}

void eg_qsigmoid_i8(const int8_t *x, int8_t *y, const int32_t *p) {
  int32_t i;
  for (i = 0; i < p[0]; i++) {
    const int32_t input = (int32_t)x[i] - p[1];
    int32_t out;
    if (input <= -p[2]) out = -128;
    else if (input >= p[2]) out = 127;
    else {
      const int32_t in_q4 = eg_q_mul(input, p[3], p[4]);
      if (p[5]) out = eg_q_clamp(eg_q_rdbpot(eg_q_tanh(in_q4, 4), 24), -128, 127);
      else out = eg_q_clamp(eg_q_rdbpot(eg_q_logistic(in_q4, 4), 23) - 128, -128, 127);
    }
    y[i] = (int8_t)out;
  }
}

void eg_qleaky_relu(const void *x, void *y, const int32_t *p) {
  const int32_t lo = p[1] == 8 ? -128 : -32768, hi = p[1] == 8 ? 127 : 32767;
  int32_t i;
  for (i = 0; i < p[0]; i++) {
    const int32_t input = load_q(x, i, p[1]) - p[2];
    const int32_t scaled = input >= 0 ? eg_q_mul(input, p[4], p[5]) : eg_q_mul(input, p[6], p[7]);
    store_q(y, i, p[1], eg_q_clamp(scaled + p[3], lo, hi));
  }
}

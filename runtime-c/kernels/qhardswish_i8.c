#include "qhardswish_i8.h"

/*
 * int16 helpers with the C++ reference's exact int16 semantics. Narrowing to int16_t goes through
 * eg_hs_i16 so that out-of-range values wrap the way TFLite's static_casts do on two's-complement
 * targets, without relying on implementation-defined conversions.
 */
static int16_t eg_hs_i16(int32_t v) {
  const uint32_t u = (uint32_t)v & 0xFFFFu;
  return (int16_t)(u >= 0x8000u ? (int32_t)u - 65536 : (int32_t)u);
}

/* gemmlowp SaturatingRoundingDoublingHighMul<int16_t>. */
static int16_t eg_hs_srdhm(int16_t a, int16_t b) {
  int32_t ab;
  if (a == b && a == -32768) return 32767;
  ab = (int32_t)a * (int32_t)b;
  return eg_hs_i16((ab + (ab >= 0 ? (1 << 14) : (1 - (1 << 14)))) / (1 << 15));
}

/* TFLite's SaturatingDoublingHighMul: the same product rounded toward zero. */
static int16_t eg_hs_sdhm(int16_t a, int16_t b) {
  if (a == b && a == -32768) return 32767;
  return eg_hs_i16(((int32_t)a * (int32_t)b) / (1 << 15));
}

/* gemmlowp RoundingDivideByPOT<int16_t>: the mask is int16((1 << exponent) - 1), -1 from 16 on. */
static int16_t eg_hs_rdbpot(int16_t x, int32_t exponent) {
  const int32_t mask = exponent >= 16 ? -1 : (1 << exponent) - 1;
  const int32_t remainder = (int32_t)x & mask;
  const int32_t threshold = eg_hs_i16((mask >> 1) + (x < 0 ? 1 : 0));
  return eg_hs_i16(((int32_t)x >> exponent) + (remainder > threshold ? 1 : 0));
}

/* TFLite's SaturatingLeftShift on int16. */
static int16_t eg_hs_shl(int16_t x, int32_t amount) {
  const int64_t r = (int64_t)x * ((int64_t)1 << amount);
  return (int16_t)(r > 32767 ? 32767 : (r < -32768 ? -32768 : r));
}

void eg_qhardswish_i8(const int8_t *x, int8_t *y, const int32_t *p) {
  const int16_t out_mult = (int16_t)p[3], reluish_mult = (int16_t)p[5];
  const int32_t out_exp = p[4], reluish_exp = p[6];
  int32_t i;
  for (i = 0; i < p[0]; i++) {
    const int16_t hires = eg_hs_i16(((int32_t)x[i] - p[1]) * 128);
    const int16_t preshift_output = eg_hs_srdhm(hires, out_mult);
    int16_t reluish = hires;
    int32_t out;
    if (reluish_exp > 0) reluish = eg_hs_shl(reluish, reluish_exp - 1);
    reluish = eg_hs_srdhm(reluish, reluish_mult);
    if (reluish_exp > 0) reluish = eg_hs_shl(reluish, 1);
    if (reluish_exp < 0) reluish = eg_hs_rdbpot(reluish, -reluish_exp);
    reluish = (int16_t)(((int32_t)reluish + (1 << 15)) >> 1);
    out = eg_hs_i16((int32_t)eg_hs_rdbpot(eg_hs_sdhm(reluish, preshift_output), -out_exp) + p[2]);
    y[i] = (int8_t)(out < -128 ? -128 : (out > 127 ? 127 : out));
  }
}

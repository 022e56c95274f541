#include "qsoftmax_i8.h"
#include "qfixed_i8.h"

/* exp of a scaled (x - max) difference, 0 integer bits. */
static int32_t scaled_exp(int32_t diff, const int32_t *p) { return eg_q_exp_on_negative_values(eg_q_mul(diff, p[2], p[3]), 5); }

void eg_qsoftmax_i8(const int8_t *x, void *y, const int32_t *p) {
  const int32_t rows = p[0], depth = p[1], diff_min = p[4], bits = p[5];
  const int32_t out_min = bits == 8 ? -128 : -32768, out_max = bits == 8 ? 127 : 32767;
  int32_t r, c;
  for (r = 0; r < rows; r++) {
    const int8_t *xr = x + (int64_t)r * depth;
    int32_t max = -128, sum = 0, headroom_plus_one, bits_over_unit, scale;
    for (c = 0; c < depth; c++) max = xr[c] > max ? xr[c] : max;
    for (c = 0; c < depth; c++) {
      const int32_t diff = xr[c] - max;
      if (diff >= diff_min) sum = eg_q_wrap_add(sum, eg_q_rdbpot(scaled_exp(diff, p), 12));
    }
    /* GetReciprocal: normalise the sum to [1, 2) and take 1 / (1 + x). The row maximum contributes
       exp(0) = 2^19 in this format, so sum > 0 and the shift is below 32. */
    headroom_plus_one = eg_q_clz32((uint32_t)sum);
    bits_over_unit = 12 - headroom_plus_one;
    scale = eg_q_one_over_one_plus_x((int32_t)(((uint32_t)sum << headroom_plus_one) - ((uint32_t)1 << 31)));
    for (c = 0; c < depth; c++) {
      const int32_t diff = xr[c] - max;
      int32_t v = out_min;
      if (diff >= diff_min) v = eg_q_clamp(eg_q_rdbpot(eg_q_srdhm(scale, scaled_exp(diff, p)), bits_over_unit + 31 - bits) + out_min, out_min, out_max);
      if (bits == 8) ((int8_t *)y)[(int64_t)r * depth + c] = (int8_t)v;
      else ((int16_t *)y)[(int64_t)r * depth + c] = (int16_t)v;
    }
  }
}

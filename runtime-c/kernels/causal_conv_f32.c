#include <math.h>

#include "causal_conv_f32.h"

/* Element i of past ++ x for one (batch, channel) row. */
static float seq_at(const float *x, const float *past, int32_t carry, int32_t i) {
  if (i < carry) return past != NULL ? past[i] : 0.0f;
  return x[i - carry];
}

void eg_causal_conv_f32(const float *x, const float *w, const float *bias, const float *past, float *y,
                        float *present, int32_t B, int32_t C, int32_t L, int32_t K, int32_t silu) {
  const int32_t carry = K - 1;
  int32_t b, c, t, k;
  for (b = 0; b < B; b++) {
    for (c = 0; c < C; c++) {
      const size_t row = (size_t)b * C + c;
      const float *xr = x + row * L, *pr = past != NULL ? past + row * carry : NULL, *wr = w + (size_t)c * K;
      for (t = 0; t < L; t++) {
        float acc = bias != NULL ? bias[c] : 0.0f;
        for (k = 0; k < K; k++) acc += wr[k] * seq_at(xr, pr, carry, t + k);
        y[row * L + t] = silu ? acc / (1.0f + expf(-acc)) : acc;
      }
      if (present != NULL) {
        for (k = 0; k < carry; k++) present[row * carry + k] = seq_at(xr, pr, carry, L + k);
      }
    }
  }
}

#include <math.h>

#include "softmax_f32.h"

void eg_softmax_f32(const float *x, float *y, int32_t outer, int32_t n, int32_t inner, int32_t mode) {
  int32_t o, j, i;
  for (o = 0; o < outer; o++) {
    for (i = 0; i < inner; i++) {
      const float *xs = x + (size_t)o * n * inner + i;
      float *ys = y + (size_t)o * n * inner + i;
      float max = xs[0], sum = 0.0f;
      int32_t arg = 0;
      for (j = 1; j < n; j++) {
        const float v = xs[(size_t)j * inner];
        if (v > max) {
          max = v;
          arg = j;
        }
      }
      if (mode == EG_HARDMAX) {
        for (j = 0; j < n; j++) ys[(size_t)j * inner] = j == arg ? 1.0f : 0.0f;
        continue;
      }
      for (j = 0; j < n; j++) sum += expf(xs[(size_t)j * inner] - max);
      if (mode == EG_LOG_SOFTMAX) {
        const float log_sum = logf(sum);
        for (j = 0; j < n; j++) ys[(size_t)j * inner] = xs[(size_t)j * inner] - max - log_sum;
      } else {
        for (j = 0; j < n; j++) ys[(size_t)j * inner] = expf(xs[(size_t)j * inner] - max) / sum;
      }
    }
  }
}

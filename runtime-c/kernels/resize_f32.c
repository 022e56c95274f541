#include "resize_f32.h"

#include <string.h>

void eg_resize_axis_f32(const float *EG_RESTRICT x, float *EG_RESTRICT y, int32_t outer, int32_t in_len,
                        int32_t out_len, int32_t inner, int32_t taps, const int32_t *idx,
                        const float *w, float extrapolation) {
  int32_t o, j, t, k;
  for (o = 0; o < outer; o++) {
    const float *xs = x + (size_t)o * (size_t)in_len * (size_t)inner;
    float *ys = y + (size_t)o * (size_t)out_len * (size_t)inner;
    for (j = 0; j < out_len; j++) {
      const int32_t *ij = idx + (size_t)j * (size_t)taps;
      const float *wj = w + (size_t)j * (size_t)taps;
      float *row = ys + (size_t)j * (size_t)inner;
      if (ij[0] < 0) {
        for (k = 0; k < inner; k++) row[k] = extrapolation;
      } else if (taps == 1) {
        memcpy(row, xs + (size_t)ij[0] * (size_t)inner, (size_t)inner * sizeof(float));
      } else {
        for (k = 0; k < inner; k++) row[k] = 0.0f;
        for (t = 0; t < taps; t++) {
          const float wt = wj[t];
          const float *src = xs + (size_t)ij[t] * (size_t)inner;
          for (k = 0; k < inner; k++) row[k] += wt * src[k];
        }
      }
    }
  }
}

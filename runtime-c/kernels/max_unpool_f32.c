#include "max_unpool_f32.h"

void eg_max_unpool_f32(const float *x, const int64_t *indices, float *y, const int32_t *dims) {
  const int32_t rank = dims[0], count = dims[1];
  const int32_t *unpooled = dims + 2, *out = dims + 2 + rank;
  int64_t total = 1, out_total = 1;
  int32_t i, k;
  for (k = 0; k < rank; k++) {
    total *= unpooled[k];
    out_total *= out[k];
  }
  for (i = 0; i < out_total; i++) y[i] = 0.0f;
  for (i = 0; i < count; i++) {
    int64_t at = indices[i], pos = 0, stride = 1;
    if (at < 0 || at >= total) continue;
    /* Re-address the unpooled flat index in the (larger or equal) output shape. */
    for (k = rank - 1; k >= 0; k--) {
      pos += (at % unpooled[k]) * stride;
      at /= unpooled[k];
      stride *= out[k];
    }
    y[pos] = x[i];
  }
}

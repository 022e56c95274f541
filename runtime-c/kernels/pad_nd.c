#include "pad_nd.h"

#include <string.h>

/* Input coordinate that output coordinate o reads on an axis of n elements; -1 = constant fill. */
static int32_t eg_pad_source(int32_t o, int32_t begin, int32_t n, int32_t mode) {
  int32_t i = o - begin;
  int32_t period;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case EG_PAD_EDGE:
      return i < 0 ? 0 : n - 1;
    case EG_PAD_WRAP:
      i %= n;
      return i < 0 ? i + n : i;
    case EG_PAD_REFLECT:
      if (n == 1) return 0;
      period = 2 * (n - 1);
      i %= period;
      if (i < 0) i += period;
      return i < n ? i : period - i;
    default:
      return -1;
  }
}

void eg_pad_nd(void *dst, const void *src, int32_t elem_bytes, int32_t rank, const int32_t *in_shape,
               const int32_t *out_shape, const int32_t *begin, int32_t mode, const void *value) {
  int32_t index[EG_MAX_RANK];
  int32_t in_stride[EG_MAX_RANK];
  uint8_t *d = (uint8_t *)dst;
  const uint8_t *s = (const uint8_t *)src;
  const size_t eb = (size_t)elem_bytes;
  const int32_t inner = out_shape[rank - 1];
  int32_t k;
  int32_t o;
  int32_t acc = 1;
  for (k = rank - 1; k >= 0; k--) {
    if (out_shape[k] <= 0) return;
    in_stride[k] = acc;
    acc *= in_shape[k];
    index[k] = 0;
  }
  for (;;) {
    /* Source row of the current outer index, or -1 when some outer axis is in constant fill. */
    ptrdiff_t row = 0;
    for (k = 0; k < rank - 1; k++) {
      int32_t i = eg_pad_source(index[k], begin[k], in_shape[k], mode);
      if (i < 0) {
        row = -1;
        break;
      }
      row += (ptrdiff_t)i * in_stride[k];
    }
    for (o = 0; o < inner; o++, d += eb) {
      int32_t i = row < 0 ? -1 : eg_pad_source(o, begin[rank - 1], in_shape[rank - 1], mode);
      memcpy(d, i < 0 ? (const uint8_t *)value : s + (size_t)(row + i) * eb, eb);
    }
    for (k = rank - 2; k >= 0; k--) {
      if (++index[k] < out_shape[k]) break;
      index[k] = 0;
    }
    if (k < 0) return;
  }
}

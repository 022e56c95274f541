#include "copy_nd.h"

#include <string.h>

/*
 * Copies n elements from s (step s_step bytes) to d (step d_step bytes). Constant-size memcpy
 * calls compile to single loads/stores and stay free of alignment and aliasing assumptions.
 */
static void eg_copy_row(uint8_t *d, const uint8_t *s, int32_t n, ptrdiff_t d_step, ptrdiff_t s_step,
                        int32_t elem_bytes) {
  int32_t i;
  if (d_step == elem_bytes && s_step == elem_bytes) {
    memcpy(d, s, (size_t)n * (size_t)elem_bytes);
    return;
  }
  switch (elem_bytes) {
    case 1:
      for (i = 0; i < n; i++) d[i * d_step] = s[i * s_step];
      break;
    case 2:
      for (i = 0; i < n; i++) memcpy(d + i * d_step, s + i * s_step, 2);
      break;
    case 4:
      for (i = 0; i < n; i++) memcpy(d + i * d_step, s + i * s_step, 4);
      break;
    case 8:
      for (i = 0; i < n; i++) memcpy(d + i * d_step, s + i * s_step, 8);
      break;
    default:
      for (i = 0; i < n; i++) memcpy(d + i * d_step, s + i * s_step, (size_t)elem_bytes);
      break;
  }
}

void eg_copy_nd(void *dst, const void *src, int32_t elem_bytes, int32_t rank, const int32_t *shape,
                const int32_t *dst_strides, const int32_t *src_strides) {
  int32_t index[EG_COPY_ND_MAX_RANK];
  uint8_t *d = (uint8_t *)dst;
  const uint8_t *s = (const uint8_t *)src;
  /* Byte offsets of the current row; kept as integers so no pointer leaves the buffers. */
  ptrdiff_t d_off = 0;
  ptrdiff_t s_off = 0;
  int32_t k;
  if (rank <= 0) {
    memcpy(d, s, (size_t)elem_bytes);
    return;
  }
  for (k = 0; k < rank; k++) {
    if (shape[k] <= 0) return;
    index[k] = 0;
  }
  for (;;) {
    eg_copy_row(d + d_off, s + s_off, shape[rank - 1], (ptrdiff_t)dst_strides[rank - 1] * elem_bytes,
                (ptrdiff_t)src_strides[rank - 1] * elem_bytes, elem_bytes);
    /* Odometer over the outer axes: bump the last one, carrying into the ones before. */
    for (k = rank - 2; k >= 0; k--) {
      d_off += (ptrdiff_t)dst_strides[k] * elem_bytes;
      s_off += (ptrdiff_t)src_strides[k] * elem_bytes;
      if (++index[k] < shape[k]) break;
      d_off -= (ptrdiff_t)dst_strides[k] * shape[k] * elem_bytes;
      s_off -= (ptrdiff_t)src_strides[k] * shape[k] * elem_bytes;
      index[k] = 0;
    }
    if (k < 0) return;
  }
}

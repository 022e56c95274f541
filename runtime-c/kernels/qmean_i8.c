#include "qmean_i8.h"
#include "qfixed_i8.h"

/* Input ranks the kernel walks with a fixed-size index (no VLAs, no allocation). */
#define EG_QMEAN_MAX_RANK 8

void eg_qmean_i8(const int8_t *x, int8_t *y, void *scratch, const int32_t *p) {
  const int32_t rank = p[0], outputs = p[1], count = p[2];
  const int32_t *dims = p + 7, *strides = p + 7 + rank;
  int32_t *sums = (int32_t *)scratch;
  int32_t index[EG_QMEAN_MAX_RANK] = {0};
  int64_t total = 1;
  int64_t i;
  int32_t d;
  for (d = 0; d < rank; d++) total *= dims[d];
  for (i = 0; i < outputs; i++) sums[i] = 0;
  for (i = 0; i < total; i++) {
    int64_t o = 0;
    for (d = 0; d < rank; d++) o += (int64_t)index[d] * strides[d];
    sums[o] = eg_q_wrap_add(sums[o], (int32_t)x[i]);
    for (d = rank - 1; d >= 0; d--) {
      if (++index[d] < dims[d]) break;
      index[d] = 0;
    }
  }
  for (i = 0; i < outputs; i++) {
    /* static_cast<int32_t>(sum - zp * count): the int64 difference wraps to int32. */
    const int32_t shifted = eg_q_wrap_sub(sums[i], (int32_t)(uint32_t)((int64_t)p[3] * count));
    y[i] = (int8_t)eg_q_clamp(eg_q_mul(shifted, p[5], p[6]) + p[4], -128, 127);
  }
}

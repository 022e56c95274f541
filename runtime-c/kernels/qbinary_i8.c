#include "qbinary_i8.h"
#include "qfixed_i8.h"

/* One output element from two raw inputs (AddElementwise / SubElementwise / MulElementwise). */
static int32_t qbinary_one(int32_t a, int32_t b, const int32_t *q) {
  int32_t raw;
  a += q[1];
  b += q[2];
  if (q[0] == 2) {
    raw = (int32_t)((uint32_t)a * (uint32_t)b);
  } else {
    const int32_t sa = eg_q_mul((int32_t)((uint32_t)a << q[4]), q[5], q[6]);
    const int32_t sb = eg_q_mul((int32_t)((uint32_t)b << q[4]), q[7], q[8]);
    raw = q[0] == 0 ? eg_q_wrap_add(sa, sb) : eg_q_wrap_sub(sa, sb);
  }
  return eg_q_clamp(eg_q_mul(raw, q[9], q[10]) + q[3], q[11], q[12]);
}

/*
 * 1 when a and b are both laid out exactly like the output (no broadcast axis): the element
 * order is then plain 0..n-1 for all three and the odometer can be skipped.
 */
static int qbinary_same_layout(const int32_t *shape) {
  const int32_t rank = shape[0];
  const int32_t *dims = shape + 1, *as = shape + 1 + rank, *bs = shape + 1 + 2 * rank;
  int64_t stride = 1;
  int32_t d;
  for (d = rank - 1; d >= 0; d--) {
    if (dims[d] != 1 && (as[d] != stride || bs[d] != stride)) return 0;
    stride *= dims[d];
  }
  return 1;
}

/* Walks the output in row-major order with an odometer over the broadcast strides. */
#define EG_QBINARY_BODY(T)                                                       \
  const int32_t rank = shape[0];                                                 \
  const int32_t *dims = shape + 1, *as = shape + 1 + rank, *bs = shape + 1 + 2 * rank; \
  int32_t index[EG_MAX_RANK] = {0};                                              \
  int64_t n = 1, i, ai = 0, bi = 0;                                              \
  int32_t d;                                                                     \
  for (d = 0; d < rank; d++) n *= dims[d];                                       \
  if (qbinary_same_layout(shape)) {                                              \
    for (i = 0; i < n; i++) y[i] = (T)qbinary_one(a[i], b[i], q);                \
    return;                                                                      \
  }                                                                              \
  for (i = 0; i < n; i++) {                                                      \
    y[i] = (T)qbinary_one(a[ai], b[bi], q);                                      \
    for (d = rank - 1; d >= 0; d--) {                                            \
      index[d]++;                                                                \
      ai += as[d];                                                               \
      bi += bs[d];                                                               \
      if (index[d] < dims[d]) break;                                             \
      ai -= (int64_t)as[d] * dims[d];                                            \
      bi -= (int64_t)bs[d] * dims[d];                                            \
      index[d] = 0;                                                              \
    }                                                                            \
  }

void eg_qbinary_i8(const int8_t *a, const int8_t *b, int8_t *y, const int32_t *shape, const int32_t *q) { EG_QBINARY_BODY(int8_t) }

void eg_qbinary_i16(const int16_t *a, const int16_t *b, int16_t *y, const int32_t *shape, const int32_t *q) { EG_QBINARY_BODY(int16_t) }

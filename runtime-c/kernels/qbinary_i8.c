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
 * eg_q_mul(x, mult, shift) for mult >= 0 and shift in [-31, 0] (every ADD/SUB rescale TFLite's
 * QuantizeMultiplier gives for a scale in (2^-32, 1)) as one rounding of the 64-bit product, the
 * proof of eg_qdsp_rq_fast (qdsp_i8.h): with r = -shift, the double-rounded result is
 * floor((x*m + 2^30 + [r > 0] * (2^(30+r) - [x < 0] * 2^31)) / 2^(31+r)). For r >= 1 that is the
 * high word shifted by r - 1 (a 32-bit shift, not a 64-bit one).
 */
typedef struct {
  int32_t mult;
  int32_t rs;   /* r - 1 when r >= 1; -1 when r == 0 */
  int64_t add;  /* 2^30 + [r > 0] * 2^(30+r) */
  int64_t neg;  /* [r > 0] * 2^31, subtracted for x < 0 */
} qbinary_scale;

static int qbinary_scale_prepare(int32_t mult, int32_t shift, qbinary_scale *s) {
  const int32_t r = -shift;
  if (mult < 0 || r < 0 || r > 31) return 0;
  s->mult = mult;
  s->rs = r - 1;
  s->add = ((int64_t)1 << 30) + (r > 0 ? ((int64_t)1 << (30 + r)) : 0);
  s->neg = r > 0 ? ((int64_t)1 << 31) : 0;
  return 1;
}

static inline int32_t qbinary_scale_apply(int32_t x, const qbinary_scale *s) {
  const int64_t v = (int64_t)x * s->mult + s->add - (x < 0 ? s->neg : 0);
  return s->rs >= 0 ? (int32_t)(v >> 32) >> s->rs : (int32_t)(v >> 31);
}

/*
 * ADD/SUB over same-layout operands with all three rescales on the one-rounding path; 0 (nothing
 * written) when a multiplier or shift is outside its range: the caller then runs qbinary_one.
 */
#define EG_QBINARY_FAST_BODY(T)                                                              \
  qbinary_scale sa, sb, so;                                                                  \
  int64_t i;                                                                                 \
  if (q[0] == 2 || !qbinary_scale_prepare(q[5], q[6], &sa) || !qbinary_scale_prepare(q[7], q[8], &sb) || \
      !qbinary_scale_prepare(q[9], q[10], &so))                                              \
    return 0;                                                                                \
  {                                                                                          \
    /* Locals: the stores to y may alias q, which would force a reload of every field. */    \
    const int32_t a_off = q[1], b_off = q[2], y_off = q[3], left = q[4], lo = q[11], hi = q[12]; \
    const int sub = q[0] == 1;                                                               \
    for (i = 0; i < n; i++) {                                                                \
      const int32_t xa = qbinary_scale_apply((int32_t)((uint32_t)(a[i] + a_off) << left), &sa); \
      const int32_t xb = qbinary_scale_apply((int32_t)((uint32_t)(b[i] + b_off) << left), &sb); \
      const int32_t raw = sub ? eg_q_wrap_sub(xa, xb) : eg_q_wrap_add(xa, xb);               \
      y[i] = (T)eg_q_clamp(qbinary_scale_apply(raw, &so) + y_off, lo, hi);                   \
    }                                                                                        \
  }                                                                                          \
  return 1;

static int qbinary_fast_i8(const int8_t *a, const int8_t *b, int8_t *y, int64_t n, const int32_t *q) { EG_QBINARY_FAST_BODY(int8_t) }
static int qbinary_fast_i16(const int16_t *a, const int16_t *b, int16_t *y, int64_t n, const int32_t *q) { EG_QBINARY_FAST_BODY(int16_t) }

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
#define EG_QBINARY_BODY(T, FAST)                                                 \
  const int32_t rank = shape[0];                                                 \
  const int32_t *dims = shape + 1, *as = shape + 1 + rank, *bs = shape + 1 + 2 * rank; \
  int32_t index[EG_MAX_RANK] = {0};                                              \
  int64_t n = 1, i, ai = 0, bi = 0;                                              \
  int32_t d;                                                                     \
  for (d = 0; d < rank; d++) n *= dims[d];                                       \
  if (qbinary_same_layout(shape)) {                                              \
    if (FAST(a, b, y, n, q)) return;                                             \
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

void eg_qbinary_i8(const int8_t *a, const int8_t *b, int8_t *y, const int32_t *shape, const int32_t *q) { EG_QBINARY_BODY(int8_t, qbinary_fast_i8) }

void eg_qbinary_i16(const int16_t *a, const int16_t *b, int16_t *y, const int32_t *shape, const int32_t *q) { EG_QBINARY_BODY(int16_t, qbinary_fast_i16) }

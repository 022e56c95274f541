#include "qsvdf_i8_dsp.h"

#include <string.h>

/* The op's requantization: the compile-time table entry when there is one (fast), else eg_qdsp_mul. */
static inline int32_t requant(int32_t acc, int32_t fast, const eg_qdsp_rq_entry *e, int32_t mult, int32_t shift) {
  return fast ? eg_qdsp_rq_fast(acc, e) : eg_qdsp_mul(acc, mult, shift);
}

/*
 * state[i] = out[i] = state[i + 1] for i < n (n = cells - 1): the generic memmove + memcpy in one
 * pass. Each block of 8 elements is loaded before any of it is stored, and the stores trail the
 * loads by one element, so the forward in-place copy never reads a value it has overwritten.
 * memcpy of 4 bytes compiles to one LDR/STR (unaligned access is allowed on Armv7-M).
 */
static void shift_into(int16_t *state, int16_t *out, int32_t n) {
  const int16_t *src = state + 1;
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint32_t a, b, c, d;
    memcpy(&a, src + i, 4);
    memcpy(&b, src + i + 2, 4);
    memcpy(&c, src + i + 4, 4);
    memcpy(&d, src + i + 6, 4);
    memcpy(state + i, &a, 4);
    memcpy(state + i + 2, &b, 4);
    memcpy(state + i + 4, &c, 4);
    memcpy(state + i + 6, &d, 4);
    memcpy(out + i, &a, 4);
    memcpy(out + i + 2, &b, 4);
    memcpy(out + i + 4, &c, 4);
    memcpy(out + i + 6, &d, 4);
  }
  for (; i < n; i++) {
    const int16_t v = src[i];
    state[i] = v;
    out[i] = v;
  }
}

#if EG_QDSP_ASM_LOOPS
/*
 * One group of 4 inputs for 4 filters in Thumb-2: x's word widened with the offset once (two
 * SXTAB16, even and odd bytes), then each filter's weight word loaded, sign-extended into one
 * temporary and multiplied in by two SMLADs: 23 instructions per 16 MACs. Filters 1 and 3 are read
 * at [w0 + depth] and [w2 + depth] before filters 0 and 2 post-increment w0 and w2. 14 registers:
 * 4 sums, 2 operands, the loaded word, a temporary, 3 pointers, depth, the offset and the loop end.
 */
#define EG_QSVDF_FILTER(a, load)             \
  load                                       \
  "sxtb16 %[t], %[wv]\n\t"                   \
  "smlad %[" a "], %[xe], %[t], %[" a "]\n\t" \
  "sxtb16 %[t], %[wv], ror #8\n\t"           \
  "smlad %[" a "], %[xo], %[t], %[" a "]\n\t"
#define EG_QSVDF_GROUP                                     \
  "ldr %[wv], [%[x]], #4\n\t"                              \
  "sxtab16 %[xo], %[off], %[wv], ror #8\n\t"               \
  "sxtab16 %[xe], %[off], %[wv]\n\t"                       \
  EG_QSVDF_FILTER("a1", "ldr %[wv], [%[w0], %[kk]]\n\t")  \
  EG_QSVDF_FILTER("a0", "ldr %[wv], [%[w0]], #4\n\t")     \
  EG_QSVDF_FILTER("a3", "ldr %[wv], [%[w2], %[kk]]\n\t")  \
  EG_QSVDF_FILTER("a2", "ldr %[wv], [%[w2]], #4\n\t")
#endif

/* Out of line: inlined into the filter loop, gcc has too few registers left for the asm loop. */
#if defined(__GNUC__)
#define SVDF_NOINLINE __attribute__((noinline))
#else
#define SVDF_NOINLINE
#endif

/*
 * acc[r] = sum over c < depth of w[r * depth + c] * (x[c] + x_off) for the `rows` (1 or 4) rows
 * of w. off2 holds x_off in both halfwords: SXTAB16 adds it while widening (x + x_off is in
 * [-255, 255], no halfword overflow).
 */
static SVDF_NOINLINE void feature_dots(const int8_t *x, const int8_t *w, int32_t depth, int32_t rows, int32_t x_off, int32_t acc[4]) {
  const uint32_t off2 = eg_qdsp_pack16(x_off, x_off);
  const int32_t full = depth & ~3;
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, c = 0;
  if (rows == 4) {
    const int8_t *w1 = w + depth, *w2 = w1 + depth, *w3 = w2 + depth;
#if EG_QDSP_ASM_LOOPS
    if (full > 0) {
      const int8_t *xp = x, *w0p = w, *w2p = w2, *end = x + full;
      uint32_t xe, xo, wv, t;
      __asm__ volatile("1:\n\t" EG_QSVDF_GROUP
                       "cmp %[x], %[end]\n\t"
                       "bne 1b\n\t"
                       : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(xp), [w0] "+r"(w0p), [w2] "+r"(w2p),
                         [xe] "=&r"(xe), [xo] "=&r"(xo), [wv] "=&r"(wv), [t] "=&r"(t)
                       : [end] "r"(end), [kk] "r"(depth), [off] "r"(off2)
                       : "cc", "memory");
      c = full;
    }
#else
    for (; c < full; c += 4) {
      const uint32_t xv = eg_qdsp_read4(x + c);
      const uint32_t xe = eg_qdsp_sxtab16(off2, xv), xo = eg_qdsp_sxtab16_ror8(off2, xv);
      uint32_t wv = eg_qdsp_read4(w + c);
      a0 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), xe, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), xo, a0));
      wv = eg_qdsp_read4(w1 + c);
      a1 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), xe, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), xo, a1));
      wv = eg_qdsp_read4(w2 + c);
      a2 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), xe, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), xo, a2));
      wv = eg_qdsp_read4(w3 + c);
      a3 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), xe, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), xo, a3));
    }
#endif
    for (; c < depth; c++) {
      const int32_t xv = (int32_t)x[c] + x_off;
      a0 = eg_q_wrap_add(a0, (int32_t)w[c] * xv);
      a1 = eg_q_wrap_add(a1, (int32_t)w1[c] * xv);
      a2 = eg_q_wrap_add(a2, (int32_t)w2[c] * xv);
      a3 = eg_q_wrap_add(a3, (int32_t)w3[c] * xv);
    }
  } else {
    for (; c < full; c += 4) {
      const uint32_t xv = eg_qdsp_read4(x + c), wv = eg_qdsp_read4(w + c);
      a0 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), eg_qdsp_sxtab16(off2, xv), a0);
      a0 = eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), eg_qdsp_sxtab16_ror8(off2, xv), a0);
    }
    for (; c < depth; c++) a0 = eg_q_wrap_add(a0, (int32_t)w[c] * ((int32_t)x[c] + x_off));
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

void eg_qsvdf_state_i16_dsp(const int8_t *x, const int8_t *w, int16_t *state, int16_t *out, const int32_t *p,
                            const eg_qdsp_rq_entry *rq) {
  const int32_t batch = p[0], depth = p[1], filters = p[2], memory = p[3], x_off = -p[4], s_zp = p[5], mult = p[6], shift = p[7];
  /* A local copy of the table entry: its fields stay in registers across the stores below. */
  const int32_t fast = rq != NULL;
  const eg_qdsp_rq_entry e = fast ? *rq : (eg_qdsp_rq_entry){0, 0u, 0, 0};
  /* The newest cell of each filter, walked filter by filter (the state is [batch][filters][memory]). */
  int16_t *sp = state + memory - 1, *op = out + memory - 1;
  int32_t b, f;
  shift_into(state, out, batch * filters * memory - 1);
  for (b = 0; b < batch; b++) {
    const int8_t *xb = x + b * depth;
    for (f = 0; f < filters;) {
      const int32_t rows = filters - f >= 4 ? 4 : 1;
      int32_t acc[4], r;
      feature_dots(xb, w + f * depth, depth, rows, x_off, acc);
      for (r = 0; r < rows; r++) {
        const int16_t v = (int16_t)eg_qdsp_sat16(eg_q_wrap_add(requant(acc[r], fast, &e, mult, shift), s_zp));
        *sp = v;
        *op = v;
        sp += memory;
        op += memory;
      }
      f += rows;
    }
  }
}

/* acc + sum over j < n of a[j] * b[j] (int16 pairs by SMLAD, wrapping like the generic sums). */
static inline int32_t dot16(const int16_t *a, const int16_t *b, int32_t n, int32_t acc) {
  int32_t j = 0;
  for (; j + 8 <= n; j += 8) {
    acc = eg_qdsp_smlad(eg_qdsp_read4(a + j), eg_qdsp_read4(b + j), acc);
    acc = eg_qdsp_smlad(eg_qdsp_read4(a + j + 2), eg_qdsp_read4(b + j + 2), acc);
    acc = eg_qdsp_smlad(eg_qdsp_read4(a + j + 4), eg_qdsp_read4(b + j + 4), acc);
    acc = eg_qdsp_smlad(eg_qdsp_read4(a + j + 6), eg_qdsp_read4(b + j + 6), acc);
  }
  for (; j + 2 <= n; j += 2) acc = eg_qdsp_smlad(eg_qdsp_read4(a + j), eg_qdsp_read4(b + j), acc);
  if (j < n) acc = eg_q_wrap_add(acc, (int32_t)a[j] * (int32_t)b[j]);
  return acc;
}

/* acc - zp * sum over j < n of b[j]: the state zero point's share (SMLAD with 1 in both halfwords sums pairs). */
static int32_t minus_zp_sum(const int16_t *b, int32_t n, int32_t zp, int32_t acc) {
  int32_t sum = 0, j = 0;
  for (; j + 2 <= n; j += 2) sum = eg_qdsp_smlad(eg_qdsp_read4(b + j), 0x00010001u, sum);
  if (j < n) sum = eg_q_wrap_add(sum, (int32_t)b[j]);
  return (int32_t)((uint32_t)acc - (uint32_t)zp * (uint32_t)sum);
}

void eg_qsvdf_output_i16_dsp(const int16_t *s, const int16_t *wt, const int32_t *bias, int8_t *y, const int32_t *p,
                             const eg_qdsp_rq_entry *rq) {
  const int32_t batch = p[0], filters = p[1], memory = p[2], rank = p[3], s_zp = p[4], y_zp = p[5], mult = p[6], shift = p[7];
  const int32_t units = filters / rank, span = rank * memory;
  const int32_t fast = rq != NULL;
  const eg_qdsp_rq_entry e = fast ? *rq : (eg_qdsp_rq_entry){0, 0u, 0, 0};
  int32_t b, u;
  for (b = 0; b < batch; b++) {
    /* Unit u's rank filters are the rows u*rank.. of weights_time and of this batch's state: one span. */
    const int16_t *sp = s + b * filters * memory, *wp = wt;
    for (u = 0; u < units; u++) {
      int32_t acc = dot16(sp, wp, span, bias != NULL ? bias[u] : 0);
      if (s_zp != 0) acc = minus_zp_sum(wp, span, s_zp, acc);
      *y++ = (int8_t)eg_qdsp_sat8(eg_q_wrap_add(requant(acc, fast, &e, mult, shift), y_zp));
      sp += span;
      wp += span;
    }
  }
}

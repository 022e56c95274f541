#include "qdsp_i8.h"

/* Position of element k of row `lane` in a GEMM operand buffer (layout: qdsp_i8.h). */
static int32_t operand_position(int32_t k, int32_t row_len, int32_t lane, int32_t lanes) {
  static const int32_t swap[4] = {0, 2, 1, 3};
  const int32_t full = row_len & ~3;
  if (k < full) return (k >> 2) * 4 * lanes + lane * 4 + swap[k & 3];
  return full * lanes + lane * (row_len - full) + (k - full);
}

/* Stores the two halfwords of v at p[0] (bits 0-15) and p[1]: one STR natively (p word-aligned). */
static inline void store_pair(int16_t *p, uint32_t v) {
#if EG_QDSP_NATIVE
  memcpy(p, &v, 4);
#else
  p[0] = (int16_t)eg_qdsp_lo16(v);
  p[1] = (int16_t)eg_qdsp_hi16(v);
#endif
}

/* Values (a multiple of 4) of k ones starting at position `at` (at % 4 == 0) that fill whole groups. */
static int32_t whole_groups(int32_t k, int32_t at, int32_t full) {
  const int32_t room = full - at;
  return (k < room ? k : room) & ~3;
}

void eg_qdsp_widen(const int8_t *src, int32_t k, int32_t at, int32_t row_len, int32_t lane, int32_t lanes,
                   int32_t offset, int16_t *buf) {
  const int32_t full = row_len & ~3;
  int32_t i = 0;
  /*
   * Whole groups starting on a group boundary: the common case (channel counts multiple of 4).
   * One word of 4 bytes (v0..v3) becomes the group's two words (v0, v2) and (v1, v3) plus the
   * offset by SXTAB16 and SXTAB16-ror-8: 8 instructions a group natively, loop included.
   */
  if ((at & 3) == 0 && at < full) {
    const uint32_t off2 = eg_qdsp_pack16(offset, offset);
    int16_t *g = buf + (at >> 2) * 4 * lanes + lane * 4;
    const int8_t *s = src, *end = src + whole_groups(k, at, full);
    for (; s != end; s += 4, g += 4 * lanes) {
      const uint32_t v = eg_qdsp_read4(s);
      store_pair(g, eg_qdsp_sxtab16(off2, v));
      store_pair(g + 2, eg_qdsp_sxtab16_ror8(off2, v));
    }
    i = (int32_t)(end - src);
  }
  for (; i < k; i++) buf[operand_position(at + i, row_len, lane, lanes)] = (int16_t)(src[i] + offset);
}

void eg_qdsp_zero(int32_t k, int32_t at, int32_t row_len, int32_t lane, int32_t lanes, int16_t *buf) {
  const int32_t full = row_len & ~3;
  int32_t i = 0;
  if ((at & 3) == 0 && at < full) {
    int16_t *g = buf + (at >> 2) * 4 * lanes + lane * 4;
    for (; i < whole_groups(k, at, full); i += 4, g += 4 * lanes) {
      store_pair(g, 0);
      store_pair(g + 2, 0);
    }
  }
  for (; i < k; i++) buf[operand_position(at + i, row_len, lane, lanes)] = 0;
}

/* One row (plain layout) against one output channel. */
static int32_t dot_1x1(const int16_t *a, const int8_t *w, int32_t K, int32_t acc) {
  const int32_t groups = K >> 2;
  int32_t g, k;
  for (g = 0; g < groups; g++) {
    const uint32_t wv = eg_qdsp_read4(w);
    acc = eg_qdsp_smlad(eg_qdsp_read4(a), eg_qdsp_sxtb16(wv), acc);
    acc = eg_qdsp_smlad(eg_qdsp_read4(a + 2), eg_qdsp_sxtb16_ror8(wv), acc);
    a += 4;
    w += 4;
  }
  for (k = groups << 2; k < K; k++) acc = eg_q_wrap_add(acc, (int32_t)(*a++) * (int32_t)(*w++));
  return acc;
}

/* One row (plain layout) against two output channels: the row's words are loaded once for both. */
static void dot_1x2(const int16_t *a, const int8_t *w0, int32_t K, int32_t s[2]) {
  const int8_t *w1 = w0 + K;
  const int32_t groups = K >> 2;
  int32_t acc0 = s[0], acc1 = s[1], g, k;
  for (g = 0; g < groups; g++) {
    const uint32_t xe = eg_qdsp_read4(a), xo = eg_qdsp_read4(a + 2);
    const uint32_t wa = eg_qdsp_read4(w0), wb = eg_qdsp_read4(w1);
    acc0 = eg_qdsp_smlad(xo, eg_qdsp_sxtb16_ror8(wa), eg_qdsp_smlad(xe, eg_qdsp_sxtb16(wa), acc0));
    acc1 = eg_qdsp_smlad(xo, eg_qdsp_sxtb16_ror8(wb), eg_qdsp_smlad(xe, eg_qdsp_sxtb16(wb), acc1));
    a += 4;
    w0 += 4;
    w1 += 4;
  }
  for (k = groups << 2; k < K; k++) {
    const int32_t x = *a++;
    acc0 = eg_q_wrap_add(acc0, x * (int32_t)(*w0++));
    acc1 = eg_q_wrap_add(acc1, x * (int32_t)(*w1++));
  }
  s[0] = acc0;
  s[1] = acc1;
}

/*
 * Two interleaved rows against two output channels (s: the accumulators' start values in, the sums
 * out, ordered row 0 ch 0, row 0 ch 1, row 1 ch 0, row 1 ch 1): per group, 4 operand words from one pointer,
 * 2 weight words sign-extended once for both rows, 8 SMLADs.
 */
#if EG_QDSP_ASM_LOOPS
/*
 * One group of dot_2x2 in Thumb-2: two LDRDs for the 4 operand words (row 1's first, then row 0's
 * with the post-increment), each weight word loaded and sign-extended in one temporary. 18
 * instructions per 16 MACs where gcc's schedule of the C loop takes 22 (it spills the loop bound):
 * the asm needs exactly the 14 allocatable registers (4 sums, 4 operands, 2 temporaries, 3
 * pointers, the bound).
 */
#define EG_QDSP_GROUP_2X2                                                   \
  "ldrd %[x1e], %[x1o], [%[a], #8]\n\t"                                     \
  "ldrd %[x0e], %[x0o], [%[a]], #16\n\t"                                    \
  "ldr %[wv], [%[w0]], #4\n\t"                                              \
  "sxtb16 %[t], %[wv]\n\t"                                                  \
  "smlad %[c00], %[x0e], %[t], %[c00]\n\t"                                  \
  "smlad %[c10], %[x1e], %[t], %[c10]\n\t"                                  \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                          \
  "smlad %[c00], %[x0o], %[t], %[c00]\n\t"                                  \
  "smlad %[c10], %[x1o], %[t], %[c10]\n\t"                                  \
  "ldr %[wv], [%[w1]], #4\n\t"                                              \
  "sxtb16 %[t], %[wv]\n\t"                                                  \
  "smlad %[c01], %[x0e], %[t], %[c01]\n\t"                                  \
  "smlad %[c11], %[x1e], %[t], %[c11]\n\t"                                  \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                          \
  "smlad %[c01], %[x0o], %[t], %[c01]\n\t"                                  \
  "smlad %[c11], %[x1o], %[t], %[c11]\n\t"
#endif

static void dot_2x2(const int16_t *a, const int8_t *w0, int32_t K, int32_t s[4]) {
  const int8_t *w1 = w0 + K;
  const int32_t full = K & ~3;
  const int16_t *end = a + 2 * full;
  int32_t acc00 = s[0], acc01 = s[1], acc10 = s[2], acc11 = s[3], k;
#if EG_QDSP_ASM_LOOPS
  {
    /* Pairs of groups per loop pass (the loop's compare and branch paid once per 32 MACs), then
       an odd last group. */
    const int16_t *pairs_end = a + 2 * (full & ~7);
    uint32_t x0e, x0o, x1e, x1o, wv, t;
    if (a != pairs_end) {
      __asm__ volatile("1:\n\t" EG_QDSP_GROUP_2X2 EG_QDSP_GROUP_2X2
                       "cmp %[a], %[end]\n\t"
                       "bne 1b\n\t"
                       : [c00] "+r"(acc00), [c01] "+r"(acc01), [c10] "+r"(acc10), [c11] "+r"(acc11), [a] "+r"(a),
                         [w0] "+r"(w0), [w1] "+r"(w1), [x0e] "=&r"(x0e), [x0o] "=&r"(x0o), [x1e] "=&r"(x1e),
                         [x1o] "=&r"(x1o), [wv] "=&r"(wv), [t] "=&r"(t)
                       : [end] "r"(pairs_end)
                       : "cc", "memory");
    }
    if (a != end) {
      __asm__ volatile(EG_QDSP_GROUP_2X2
                       : [c00] "+r"(acc00), [c01] "+r"(acc01), [c10] "+r"(acc10), [c11] "+r"(acc11), [a] "+r"(a),
                         [w0] "+r"(w0), [w1] "+r"(w1), [x0e] "=&r"(x0e), [x0o] "=&r"(x0o), [x1e] "=&r"(x1e),
                         [x1o] "=&r"(x1o), [wv] "=&r"(wv), [t] "=&r"(t)
                       :
                       : "memory");
    }
  }
#endif
  while (a != end) {
    const uint32_t wa = eg_qdsp_read4(w0), wb = eg_qdsp_read4(w1);
    const uint32_t wae = eg_qdsp_sxtb16(wa), wbe = eg_qdsp_sxtb16(wb);
    const uint32_t x0e = eg_qdsp_read4(a), x1e = eg_qdsp_read4(a + 4);
    acc00 = eg_qdsp_smlad(x0e, wae, acc00);
    acc01 = eg_qdsp_smlad(x0e, wbe, acc01);
    acc10 = eg_qdsp_smlad(x1e, wae, acc10);
    acc11 = eg_qdsp_smlad(x1e, wbe, acc11);
    {
      const uint32_t wao = eg_qdsp_sxtb16_ror8(wa), wbo = eg_qdsp_sxtb16_ror8(wb);
      const uint32_t x0o = eg_qdsp_read4(a + 2), x1o = eg_qdsp_read4(a + 6);
      acc00 = eg_qdsp_smlad(x0o, wao, acc00);
      acc01 = eg_qdsp_smlad(x0o, wbo, acc01);
      acc10 = eg_qdsp_smlad(x1o, wao, acc10);
      acc11 = eg_qdsp_smlad(x1o, wbo, acc11);
    }
    a += 8;
    w0 += 4;
    w1 += 4;
  }
  for (k = full; k < K; k++) {
    const int32_t x0 = a[k - full], x1 = a[K - full + k - full], wx = *w0++, wy = *w1++;
    acc00 = eg_q_wrap_add(acc00, x0 * wx);
    acc01 = eg_q_wrap_add(acc01, x0 * wy);
    acc10 = eg_q_wrap_add(acc10, x1 * wx);
    acc11 = eg_q_wrap_add(acc11, x1 * wy);
  }
  s[0] = acc00;
  s[1] = acc01;
  s[2] = acc10;
  s[3] = acc11;
}

/* sum_k w[k] * a[k] of row `lane` of a two-row buffer (the odd last channel), via its plain copy. */
static int32_t dot_lane(const int16_t *buf, int32_t lane, const int8_t *w, int32_t K, int32_t acc) {
  const int32_t full = K & ~3;
  const int16_t *a = buf + lane * 4;
  int32_t g, k;
  for (g = 0; g < full; g += 4) {
    const uint32_t wv = eg_qdsp_read4(w + g);
    acc = eg_qdsp_smlad(eg_qdsp_read4(a), eg_qdsp_sxtb16(wv), acc);
    acc = eg_qdsp_smlad(eg_qdsp_read4(a + 2), eg_qdsp_sxtb16_ror8(wv), acc);
    a += 8;
  }
  a = buf + 2 * full + lane * (K - full);
  for (k = full; k < K; k++) acc = eg_q_wrap_add(acc, (int32_t)a[k - full] * (int32_t)w[k]);
  return acc;
}

/* The two-row GEMM: 2x2 blocks, then an odd last channel per row. */
static void gemm_2rows(const int16_t *buf, int32_t K, const int8_t *w, int32_t O, const eg_qdsp_requant *rq, int8_t *y0,
                       int8_t *y1) {
  const int32_t four = eg_qdsp_requant4_ok(rq);
  const uint32_t lo4 = eg_qdsp_bytes4(rq->act_min), hi4 = eg_qdsp_bytes4(rq->act_max);
  const int8_t *wo = w;
  int32_t o;
  for (o = 0; o + 1 < O; o += 2, wo += 2 * K) {
    int32_t s[4];
    s[0] = s[2] = eg_qdsp_bias(rq, o);
    s[1] = s[3] = eg_qdsp_bias(rq, o + 1);
    dot_2x2(buf, wo, K, s);
    eg_qdsp_requant_2x2(s, rq, o, four, lo4, hi4, y0, y1);
  }
  if (o < O) {
    const int32_t b = eg_qdsp_bias(rq, o);
    y0[o] = eg_qdsp_requant_acc(dot_lane(buf, 0, wo, K, b), rq, o);
    y1[o] = eg_qdsp_requant_acc(dot_lane(buf, 1, wo, K, b), rq, o);
  }
}

void eg_qdsp_gemm_i8(const int16_t *buf, int32_t lanes, int32_t K, const int8_t *w, int32_t O,
                     const eg_qdsp_requant *rq_in, int8_t *y0, int8_t *y1) {
  /* A local copy: the int8 stores below may alias anything, which would force reloads of *rq_in. */
  const eg_qdsp_requant rq = *rq_in;
  const int8_t *wo = w;
  int32_t o;
  if (lanes == 2) {
    gemm_2rows(buf, K, w, O, &rq, y0, y1);
    return;
  }
  for (o = 0; o + 1 < O; o += 2, wo += 2 * K) {
    int32_t s[2];
    s[0] = eg_qdsp_bias(&rq, o);
    s[1] = eg_qdsp_bias(&rq, o + 1);
    dot_1x2(buf, wo, K, s);
    y0[o] = eg_qdsp_requant_acc(s[0], &rq, o);
    y0[o + 1] = eg_qdsp_requant_acc(s[1], &rq, o + 1);
  }
  if (o < O) y0[o] = eg_qdsp_requant_acc(dot_1x1(buf, wo, K, eg_qdsp_bias(&rq, o)), &rq, o);
}

void eg_qdsp_requant_prepare(eg_qdsp_requant *rq, int32_t channels, eg_qdsp_rq_entry *table) {
  int32_t o;
  rq->fast = NULL;
  for (o = 0; o < channels; o++) {
    const int32_t ch = rq->per_channel ? o : 0;
    const int32_t m = rq->mult[ch], r = -rq->shift[ch];
    uint64_t c;
    if (m < 0 || r < 1 || r > 31) return;
    c = ((uint64_t)1 << 30) + ((uint64_t)1 << (30 + r));
    table[o].mult = m;
    table[o].c_lo = (uint32_t)c;
    table[o].c_hi = (int32_t)(c >> 32);
    table[o].rs = r - 1;
  }
  rq->fast = table;
}

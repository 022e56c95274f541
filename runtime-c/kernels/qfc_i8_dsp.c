#include "qfc_i8_dsp.h"

#if EG_QDSP_ASM_LOOPS
/*
 * One group of 4 k for 4 output channels in Thumb-2 over the packed block: x's word is loaded and
 * sign-extended (even and odd bytes) once, the four channels' words come in two LDRDs, and each
 * weight word is sign-extended in a temporary and multiplied in with two SMLADs: 21 instructions
 * per 16 MACs. 12 registers: 4 sums, 2 x operands, 2 weight words, a temporary, 2 pointers and
 * the loop end.
 */
#define EG_QFC_CHANNEL(c, wr)                 \
  "sxtb16 %[t], %[" wr "]\n\t"                \
  "smlad %[" c "], %[xe], %[t], %[" c "]\n\t" \
  "sxtb16 %[" wr "], %[" wr "], ror #8\n\t"   \
  "smlad %[" c "], %[xo], %[" wr "], %[" c "]\n\t"
#define EG_QFC_GROUP_4                         \
  "ldr %[xo], [%[x]], #4\n\t"                  \
  "sxtb16 %[xe], %[xo]\n\t"                    \
  "sxtb16 %[xo], %[xo], ror #8\n\t"            \
  "ldrd %[wa], %[wb], [%[w]], #8\n\t"          \
  EG_QFC_CHANNEL("c0", "wa")                   \
  EG_QFC_CHANNEL("c1", "wb")                   \
  "ldrd %[wa], %[wb], [%[w]], #8\n\t"          \
  EG_QFC_CHANNEL("c2", "wa")                   \
  EG_QFC_CHANNEL("c3", "wb")
#endif

/*
 * acc[c] = bias[c] (0 when bias is NULL) + sum over the first 4 * groups k of w_c[k] * x[k],
 * channels c = 0..3 of the packed block w (qfc_i8_dsp.h: 16 bytes per 4 k, word-aligned). Out of
 * line: inlined into the row loop, gcc has too few registers left for the asm and spills the
 * loop's pointers.
 */
#if defined(__GNUC__)
#define FC_NOINLINE __attribute__((noinline))
#else
#define FC_NOINLINE
#endif
static FC_NOINLINE void groups_4ch(const int8_t *x, const int8_t *w, int32_t groups, const int32_t *bias, int32_t acc[4]) {
  int32_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  if (bias != NULL) {
    c0 = bias[0];
    c1 = bias[1];
    c2 = bias[2];
    c3 = bias[3];
  }
#if EG_QDSP_ASM_LOOPS
  {
    /* Four groups per loop pass (the compare and branch paid once per 64 MACs), then 0-3 single groups. */
    const int8_t *quads_end = x + 4 * (groups & ~3), *end = x + 4 * groups;
    uint32_t xe, xo, wa, wb, t;
    if (x != quads_end) {
      __asm__ volatile("1:\n\t" EG_QFC_GROUP_4 EG_QFC_GROUP_4 EG_QFC_GROUP_4 EG_QFC_GROUP_4
                       "cmp %[x], %[end]\n\t"
                       "bne 1b\n\t"
                       : [c0] "+r"(c0), [c1] "+r"(c1), [c2] "+r"(c2), [c3] "+r"(c3), [x] "+r"(x), [w] "+r"(w),
                         [xe] "=&r"(xe), [xo] "=&r"(xo), [wa] "=&r"(wa), [wb] "=&r"(wb), [t] "=&r"(t)
                       : [end] "r"(quads_end)
                       : "cc", "memory");
    }
    while (x != end) {
      __asm__ volatile(EG_QFC_GROUP_4
                       : [c0] "+r"(c0), [c1] "+r"(c1), [c2] "+r"(c2), [c3] "+r"(c3), [x] "+r"(x), [w] "+r"(w),
                         [xe] "=&r"(xe), [xo] "=&r"(xo), [wa] "=&r"(wa), [wb] "=&r"(wb), [t] "=&r"(t)
                       :
                       : "memory");
    }
  }
#else
  {
    int32_t g;
    for (g = 0; g < groups; g++) {
      const uint32_t xv = eg_qdsp_read4(x + 4 * g);
      const uint32_t xe = eg_qdsp_sxtb16(xv), xo = eg_qdsp_sxtb16_ror8(xv);
      const int8_t *wg = w + 16 * g;
      const uint32_t w0 = eg_qdsp_read4(wg), w1 = eg_qdsp_read4(wg + 4), w2 = eg_qdsp_read4(wg + 8), w3 = eg_qdsp_read4(wg + 12);
      c0 = eg_qdsp_smlad(xo, eg_qdsp_sxtb16_ror8(w0), eg_qdsp_smlad(xe, eg_qdsp_sxtb16(w0), c0));
      c1 = eg_qdsp_smlad(xo, eg_qdsp_sxtb16_ror8(w1), eg_qdsp_smlad(xe, eg_qdsp_sxtb16(w1), c1));
      c2 = eg_qdsp_smlad(xo, eg_qdsp_sxtb16_ror8(w2), eg_qdsp_smlad(xe, eg_qdsp_sxtb16(w2), c2));
      c3 = eg_qdsp_smlad(xo, eg_qdsp_sxtb16_ror8(w3), eg_qdsp_smlad(xe, eg_qdsp_sxtb16(w3), c3));
    }
  }
#endif
  acc[0] = c0;
  acc[1] = c1;
  acc[2] = c2;
  acc[3] = c3;
}

/* One channel (a plain row): sum over k < K of w[k] * x[k], added to acc. */
static int32_t dot_1ch(const int8_t *x, const int8_t *w, int32_t K, int32_t acc) {
  const int32_t full = K & ~3;
  int32_t k;
  for (k = 0; k < full; k += 4) {
    const uint32_t xv = eg_qdsp_read4(x + k), wv = eg_qdsp_read4(w + k);
    acc = eg_qdsp_smlad(eg_qdsp_sxtb16(xv), eg_qdsp_sxtb16(wv), acc);
    acc = eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(xv), eg_qdsp_sxtb16_ror8(wv), acc);
  }
  for (; k < K; k++) acc = eg_q_wrap_add(acc, (int32_t)x[k] * (int32_t)w[k]);
  return acc;
}

/* One input row into O outputs (w packed, bias folded: qfc_i8_dsp.h). */
static void fc_row(const int8_t *x, const int8_t *w, int32_t K, int32_t O, const eg_qdsp_requant *rq, int8_t *y) {
  const int32_t full = K & ~3, tail = K - full;
  const int32_t four = eg_qdsp_requant4_ok(rq);
  const uint32_t lo4 = eg_qdsp_bytes4(rq->act_min), hi4 = eg_qdsp_bytes4(rq->act_max);
  /* The block bound is computed once: with `o + 3 < O` as the test, arm-none-eabi-gcc -O2 on a
     single-file build (O and the bias array constant) misreads the tail loop as running ~2^30 times
     and fails -Werror=aggressive-loop-optimizations. */
  const int32_t whole = O & ~3;
  int32_t o, c, k;
  for (o = 0; o < whole; o += 4) {
    const int8_t *block = w + (size_t)o * (size_t)K, *rest = block + 4 * (size_t)full;
    int32_t acc[4];
    groups_4ch(x, block, full >> 2, rq->bias != NULL ? rq->bias + o : NULL, acc);
    for (c = 0; c < 4; c++) {
      for (k = 0; k < tail; k++) acc[c] = eg_q_wrap_add(acc[c], (int32_t)x[full + k] * (int32_t)rest[c * tail + k]);
    }
    if (four) {
      eg_qdsp_requant4(acc, rq, o, lo4, hi4, y + o);
    } else {
      for (c = 0; c < 4; c++) y[o + c] = eg_qdsp_requant_acc(acc[c], rq, o + c);
    }
  }
  for (o = whole; o < O; o++) y[o] = eg_qdsp_requant_acc(dot_1ch(x, w + (size_t)o * (size_t)K, K, eg_qdsp_bias(rq, o)), rq, o);
}

void eg_qfc_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                   const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift) {
  const int32_t R = p[0], K = p[1], O = p[2];
  eg_qdsp_requant rq;
  int32_t r;
  rq.bias = bias;
  rq.fast = table;
  rq.mult = mult;
  rq.shift = shift;
  rq.per_channel = p[8];
  rq.out_offset = p[4];
  rq.act_min = p[5];
  rq.act_max = p[6];
  for (r = 0; r < R; r++) fc_row(x + (size_t)r * (size_t)K, w, K, O, &rq, y + (size_t)r * (size_t)O);
}

#include "qconv_i8_dsp_blk.h"

#if EG_QDSP_ASM_LOOPS
/* gcc prices an asm block by its line count and could call the block body out of line. */
#define BLK_INLINE static inline __attribute__((always_inline))

/*
 * One channel's two sums a (row 0) and b (row 1) requantized on table entry e (mult, c_lo, c_hi,
 * rs: eg_qdsp_rq_entry) and saturated to int8, the entry's words loaded once for both. `SIGN`
 * adds eg_qdsp_rq_fast's -2^31 for a negative sum (k80 = 0x80000000).
 */
#define BLK_RQ_LANE(X, SIGN)                                                                                   \
  "ldrd %[lo], %[hi], [%[e], #4]\n\t" SIGN(X) "smlal %[lo], %[hi], %[" X "], %[m]\n\t"                     \
  "asrs %[" X "], %[hi], %[rs]\n\t"                                                                            \
  "add %[" X "], %[" X "], %[out]\n\t"                                                                         \
  "ssat %[" X "], #8, %[" X "]\n\t"
#define BLK_SIGNED(X) "lsrs %[t], %[" X "], #31\n\tsmlal %[lo], %[hi], %[t], %[k80]\n\t"
#define BLK_UNSIGNED(X) ""
#define BLK_RQ_OPERANDS                                                                                        \
  : [a] "+r"(a), [b] "+r"(b), [lo] "=&r"(lo), [hi] "=&r"(hi), [m] "=&r"(m), [rs] "=&r"(rs), [t] "=&r"(t)      \
  : [e] "r"(e), [out] "r"(out), [k80] "r"(0x80000000u)                                                      \
  : "cc", "memory"

BLK_INLINE void rq_channel(int32_t *pa, int32_t *pb, const eg_qdsp_rq_entry *e, int32_t out, int32_t sign) {
  int32_t a = *pa, b = *pb, hi, m, rs;
  uint32_t lo, t = 0;
  if (sign) {
    __asm__("ldr %[m], [%[e]]\n\t"
            "ldr %[rs], [%[e], #12]\n\t" BLK_RQ_LANE("a", BLK_SIGNED) BLK_RQ_LANE("b", BLK_SIGNED) BLK_RQ_OPERANDS);
  } else {
    __asm__("ldr %[m], [%[e]]\n\t"
            "ldr %[rs], [%[e], #12]\n\t" BLK_RQ_LANE("a", BLK_UNSIGNED) BLK_RQ_LANE("b", BLK_UNSIGNED) BLK_RQ_OPERANDS);
  }
  (void)t;
  *pa = a;
  *pb = b;
}

/*
 * The four int8 results (r00 row 0 channel o, r01 row 0 channel o + 1, r10, r11 row 1) packed
 * r00 in bits 0-7 by BFI, clamped to [act_min, act_max] per byte (SSUB8/SEL with the replicated
 * bounds lo4/hi4), stored as one halfword per row; y0/y1 step by 2.
 */
BLK_INLINE void store_2x2(int32_t r00, int32_t r01, int32_t r10, int32_t r11, uint32_t lo4, uint32_t hi4, int8_t **y0,
                          int8_t **y1) {
  uint32_t v = (uint32_t)r00, ge;
  int8_t *p0 = *y0, *p1 = *y1;
  __asm__ volatile("bfi %[v], %[r01], #8, #8\n\t"
          "bfi %[v], %[r10], #16, #8\n\t"
          "bfi %[v], %[r11], #24, #8\n\t"
          "ssub8 %[ge], %[v], %[lo4]\n\t"
          "sel %[v], %[v], %[lo4]\n\t"
          "ssub8 %[ge], %[hi4], %[v]\n\t"
          "sel %[v], %[v], %[hi4]\n\t"
          "strh %[v], [%[p0]], #2\n\t"
          "lsrs %[v], %[v], #16\n\t"
          "strh %[v], [%[p1]], #2"
          : [v] "+r"(v), [ge] "=&r"(ge), [p0] "+r"(p0), [p1] "+r"(p1)
          : [r01] "r"(r01), [r10] "r"(r10), [r11] "r"(r11), [lo4] "r"(lo4), [hi4] "r"(hi4)
          : "cc", "memory");
  *y0 = p0;
  *y1 = p1;
}

/*
 * The blocks of channels 0..O-1. K % 4 == 0, so the rows have no tail and stride K: after a
 * block's dot loop w1 has passed its row and points at the next block's first row.
 */
BLK_INLINE void blocks(const int16_t *buf, int32_t K, const int16_t *w16, int32_t O, const eg_qdsp_requant *rq, int8_t *y0,
                       int8_t *y1, int32_t sign) {
  const int16_t *pairs_end = buf + 2 * (K & ~7), *end = buf + 2 * K;
  const int32_t *bias = rq->bias;
  const eg_qdsp_rq_entry *e = rq->fast, *e_end = rq->fast + O;
  const int32_t out = rq->out_offset;
  const uint32_t lo4 = eg_qdsp_bytes4(rq->act_min), hi4 = eg_qdsp_bytes4(rq->act_max);
  const int16_t *w1 = w16;
  for (; e != e_end; e += 2) {
    const int16_t *a = buf, *w0 = w1;
    int32_t acc00 = bias[0], acc01 = bias[1], acc10 = acc00, acc11 = acc01;
    uint32_t x0e, x0o, x1e, x1o, we, wo;
    w1 = w0 + K;
    bias += 2;
    EG_W16_DOT_2X2(pairs_end, end);
    rq_channel(&acc00, &acc10, e, out, sign);
    rq_channel(&acc01, &acc11, e + 1, out, sign);
    store_2x2(acc00, acc01, acc10, acc11, lo4, hi4, &y0, &y1);
  }
}

/* Calls CALL(sign) specialised for a fused ReLU (no sign term) or not. */
#define BLK_DISPATCH(CALL)                            \
  do {                                               \
    if (rq->act_min >= rq->out_offset) CALL(0);      \
    else CALL(1);                                    \
  } while (0)

void eg_qconv_blk_2x2(const int16_t *buf, int32_t K, const int16_t *w16, int32_t O, const eg_qdsp_requant *rq, int8_t *y0,
                      int8_t *y1) {
#define BLK_CALL(S) blocks(buf, K, w16, O, rq, y0, y1, S)
  BLK_DISPATCH(BLK_CALL);
#undef BLK_CALL
}

/* The C int8 values at src (C % 4 == 0) widened with the offset into row `lane` of a two-row buffer. */
BLK_INLINE void widen_lane(const int8_t *src, int32_t C, uint32_t off2, int16_t *g) {
  const int8_t *end = src + C;
  for (; src != end; src += 4, g += 8) {
    const uint32_t v = eg_qdsp_read4(src), e = eg_qdsp_sxtab16(off2, v), o = eg_qdsp_sxtab16_ror8(off2, v);
    memcpy(g, &e, 4);
    memcpy(g + 2, &o, 4);
  }
}

/*
 * The pixel pairs of a 1x1 convolution: input pixel pointers stepped along the output row (no
 * division per pixel), both widened straight into the two-row buffer, then the blocks inlined
 * (their loop invariants hoisted out of the pixel loop). Returns the pixels done (even).
 */
BLK_INLINE int32_t pairs_1x1(const int8_t *x, const int16_t *w16, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                             int16_t *buf, int32_t sign) {
  const int32_t H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], sh = p[10], sw = p[11];
  const int32_t pixels = p[0] * OH * OW, step = sw * C;
  const uint32_t off2 = eg_qdsp_pack16(p[16], p[16]);
  const int8_t *row = x, *src = x;
  int32_t q, b = 0, oy = 0, ox = 0;
  for (q = 0; q + 1 < pixels; q += 2) {
    int32_t lane;
    for (lane = 0; lane < 2; lane++) {
      widen_lane(src, C, off2, buf + lane * 4);
      src += step;
      if (++ox == OW) {
        ox = 0;
        if (++oy == OH) {
          oy = 0;
          b++;
        }
        row = x + ((size_t)(b * H + oy * sh) * (size_t)W) * (size_t)C;
        src = row;
      }
    }
    blocks(buf, C, w16, O, rq, y + (size_t)q * (size_t)O, y + (size_t)(q + 1) * (size_t)O, sign);
  }
  return q;
}

int32_t eg_qconv_blk_1x1(const int8_t *x, const int16_t *w16, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                         int16_t *buf) {
  int32_t done = 0;
#define BLK_CALL(S) done = pairs_1x1(x, w16, y, p, rq, buf, S)
  BLK_DISPATCH(BLK_CALL);
#undef BLK_CALL
  return done;
}
#else
/* ISO C forbids an empty translation unit. */
typedef int eg_qconv_blk_unused;
#endif

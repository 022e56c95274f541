#include "qdepthwise_i8_rows.h"

/* The most kernel rows (the row-pointer array); depthwise-rows.ts offers the op only up to it. */
#define ROWS_MAX_KH 16

/* SMMLAR: k + floor((a * m + 2^31) / 2^32). The caller guarantees the sum fits int32. */
static inline int32_t rows_smmlar(int32_t a, int32_t m, int32_t k) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(m), "r"(k));
  return r;
#else
  return k + (int32_t)(((int64_t)a * (int64_t)m + ((int64_t)1 << 31)) >> 32);
#endif
}

/* SMLABT / SMLATB: acc + bottom(a) * top(b), acc + top(a) * bottom(b). */
static inline int32_t rows_smlabt(uint32_t a, uint32_t b, int32_t acc) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smlabt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_qdsp_lo16(a) * eg_qdsp_hi16(b)));
#endif
}

static inline int32_t rows_smlatb(uint32_t a, uint32_t b, int32_t acc) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smlatb %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_qdsp_hi16(a) * eg_qdsp_lo16(b)));
#endif
}

/* One channel's requantization, held in registers for a row of outputs. */
typedef struct {
  int32_t m, k, r, lo, hi;
} rows_rq;

/*
 * The output of accumulator acc2 = 2a (a the TFLM accumulator, |a| < 2^30): SMMLAR(2a, m, 0) is
 * SRDHM(a, m) = floor((a * m + 2^30) / 2^31); RoundingDivideByPOT by r is floor((h + 2^(r-1) -
 * [h < 0]) / 2^r), [h < 0] replaceable by [a < 0] (qdsp_i8.h, eg_qdsp_rq_fast); K adds 2^(r-1) and
 * the output offset times 2^r, so one SMMLAR, one SUB (the sign), one ASR, then the clamp.
 */
static inline int8_t rows_requant(int32_t acc2, const rows_rq *q) {
  int32_t v = rows_smmlar(acc2, q->m, q->k) - (int32_t)((uint32_t)acc2 >> 31);
  v >>= q->r;
  return (int8_t)(v < q->lo ? q->lo : v > q->hi ? q->hi : v);
}

/*
 * Channels c0..c0+g-1 of one input row (xrow at channel c0; NULL for a padding row) into their
 * planar int16 rows (channel k at dst + k * WP), columns -padLeft .. WP-1-padLeft, zp outside.
 */
static void rows_build(const int8_t *xrow, int32_t W, int32_t C, int32_t padLeft, int32_t WP, int32_t g, int16_t zp, int16_t *dst) {
  const int32_t lo = padLeft < WP ? padLeft : WP, hi = padLeft + W < WP ? padLeft + W : WP;
  int32_t k, col;
  for (k = 0; k < g; k++, dst += WP) {
    if (xrow == NULL) {
      for (col = 0; col < WP; col++) dst[col] = zp;
      continue;
    }
    for (col = 0; col < lo; col++) dst[col] = zp;
    if (col < hi) {
      const int8_t *s = xrow + (size_t)(col - padLeft) * (size_t)C + (size_t)k;
      for (; col < hi; col++, s += C) dst[col] = *s;
    }
    for (; col < WP; col++) dst[col] = zp;
  }
}

/* Outputs ox0..OW-1 of one channel row, one at a time: NE SMLADs per kernel row (any stride). */
static void rows_out_each(const int16_t *const *rows, int32_t KH, const uint32_t *wk, int32_t WS, int32_t NE, int32_t ox0, int32_t OW,
                          int32_t sw, int32_t bias2, const rows_rq *q, int8_t *y, int32_t C) {
  int32_t ox, ky, j;
  for (ox = ox0; ox < OW; ox++) {
    int32_t acc = bias2;
    for (ky = 0; ky < KH; ky++) {
      const int16_t *r = rows[ky] + (size_t)ox * (size_t)sw;
      const uint32_t *e = wk + (size_t)ky * (size_t)WS;
      for (j = 0; j < NE; j++) acc = eg_qdsp_smlad(eg_qdsp_read4(r + 2 * j), e[j], acc);
    }
    y[(size_t)ox * (size_t)C] = rows_requant(acc, q);
  }
}

/*
 * Stride 1, outputs in pairs (ox even: the words r[2j] are aligned): output ox takes the even
 * pairs, ox + 1 the odd pairs, from the same words. Returns the first output not written.
 */
static int32_t rows_out_pairs(const int16_t *const *rows, int32_t KH, const uint32_t *wk, int32_t WS, int32_t NE, int32_t OW,
                              int32_t bias2, const rows_rq *q, int8_t *y, int32_t C) {
  const int32_t NO = WS - NE;
  int32_t ox, ky, j;
  for (ox = 0; ox + 1 < OW; ox += 2) {
    int32_t a0 = bias2, a1 = bias2;
    for (ky = 0; ky < KH; ky++) {
      const int16_t *r = rows[ky] + ox;
      const uint32_t *e = wk + (size_t)ky * (size_t)WS, *o = e + NE;
      for (j = 0; j < NE; j++) a0 = eg_qdsp_smlad(eg_qdsp_read4(r + 2 * j), e[j], a0);
      for (j = 0; j < NO; j++) a1 = eg_qdsp_smlad(eg_qdsp_read4(r + 2 * j), o[j], a1);
    }
    y[(size_t)ox * (size_t)C] = rows_requant(a0, q);
    y[(size_t)(ox + 1) * (size_t)C] = rows_requant(a1, q);
  }
  return ox;
}

/*
 * 3x3, stride 1, outputs in pairs with the 6 weight words in registers: per kernel row the words
 * A = (x, x+1), B = (x+2, x+3), E0 = (w0, w1), O1 = (w1, w2): out[x] += SMLAD(A, E0) + B.lo * w2,
 * out[x+1] += A.hi * w0 + SMLAD(B, O1). 4 MAC instructions and 2 loads per 2 outputs and row.
 */
static int32_t rows_out_3x3(const int16_t *const *rows, const uint32_t *wk, int32_t OW, int32_t bias2, const rows_rq *q, int8_t *y,
                            int32_t C) {
  /* WS = 4 words per kernel row: E0, E1, O0, O1. */
  const uint32_t e0 = wk[0], o0 = wk[3], e1 = wk[4], o1 = wk[7], e2 = wk[8], o2 = wk[11];
  const int16_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
  int32_t ox;
  for (ox = 0; ox + 1 < OW; ox += 2, r0 += 2, r1 += 2, r2 += 2, y += 2 * (size_t)C) {
    int32_t a0 = bias2, a1 = bias2;
    uint32_t a = eg_qdsp_read4(r0), b = eg_qdsp_read4(r0 + 2);
    a0 = eg_qdsp_smlad(a, e0, a0);
    a1 = rows_smlatb(a, e0, a1);
    a0 = rows_smlabt(b, o0, a0);
    a1 = eg_qdsp_smlad(b, o0, a1);
    a = eg_qdsp_read4(r1);
    b = eg_qdsp_read4(r1 + 2);
    a0 = eg_qdsp_smlad(a, e1, a0);
    a1 = rows_smlatb(a, e1, a1);
    a0 = rows_smlabt(b, o1, a0);
    a1 = eg_qdsp_smlad(b, o1, a1);
    a = eg_qdsp_read4(r2);
    b = eg_qdsp_read4(r2 + 2);
    a0 = eg_qdsp_smlad(a, e2, a0);
    a1 = rows_smlatb(a, e2, a1);
    a0 = rows_smlabt(b, o2, a0);
    a1 = eg_qdsp_smlad(b, o2, a1);
    y[0] = rows_requant(a0, q);
    y[C] = rows_requant(a1, q);
  }
  return ox;
}

void eg_qdepthwise_i8_rows(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], KH = p[7], KW = p[8];
  const int32_t sh = p[10], sw = p[11], dh = p[12], padTop = p[14], padLeft = p[15];
  const int32_t G = p[21], R = p[22], WP = p[23];
  const int32_t NE = (KW + 1) / 2, WS = NE + KW / 2 + 1;
  const int16_t zp = (int16_t)(-p[16]);
  const int32_t three = KH == 3 && KW == 3 && sw == 1;
  const int16_t *rows[ROWS_MAX_KH];
  int32_t slot[ROWS_MAX_KH];
  int32_t b, c0, oy, k, ky;
  for (b = 0; b < N; b++)
    for (c0 = 0; c0 < C; c0 += G) {
      const int32_t g = C - c0 < G ? C - c0 : G;
      int32_t built = -padTop; /* the next input row to build */
      for (oy = 0; oy < OH; oy++) {
        const int32_t iy0 = oy * sh - padTop, last = iy0 + (KH - 1) * dh;
        if (built < iy0) built = iy0;
        for (; built <= last; built++) {
          const int8_t *xrow = built >= 0 && built < H ? x + (((size_t)b * (size_t)H + (size_t)built) * (size_t)W) * (size_t)C + (size_t)c0 : NULL;
          rows_build(xrow, W, C, padLeft, WP, g, zp, scratch + (size_t)((built + padTop) % R) * (size_t)G * (size_t)WP);
        }
        for (ky = 0; ky < KH; ky++) slot[ky] = ((iy0 + ky * dh + padTop) % R) * G;
        for (k = 0; k < g; k++) {
          const int32_t c = c0 + k;
          const int32_t *e = rqc + 4 * (size_t)c;
          const uint32_t *wk = wpk + (size_t)c * (size_t)KH * (size_t)WS;
          int8_t *yrow = y + (((size_t)b * (size_t)OH + (size_t)oy) * (size_t)OW) * (size_t)C + (size_t)c;
          rows_rq q;
          int32_t ox = 0;
          q.m = e[1];
          q.k = e[2];
          q.r = e[3];
          q.lo = p[18];
          q.hi = p[19];
          for (ky = 0; ky < KH; ky++) rows[ky] = scratch + (size_t)(slot[ky] + k) * (size_t)WP;
          if (three) {
            ox = rows_out_3x3(rows, wk, OW, e[0], &q, yrow, C);
          } else if (sw == 1) {
            ox = rows_out_pairs(rows, KH, wk, WS, NE, OW, e[0], &q, yrow, C);
          }
          rows_out_each(rows, KH, wk, WS, NE, ox, OW, sw, e[0], &q, yrow, C);
        }
      }
    }
}

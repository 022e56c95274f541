#include "qdepthwise_i8_rows_1x3.h"
#include "qdepthwise_i8_ring_row.h"

/*
 * The weight words, as depthwise-rows-layout.ts lays out a kernel row of 3 (NE = NO = 2):
 * E0 = (w0, w1), E1 = (w2, 0), O0 = (0, w0), O1 = (w1, w2), doubled, with the doubled bias.
 * Stride 1 (x0 even, word j = ring columns x0 + 2j, x0 + 2j + 1): outputs x0 and x0 + 2 take
 * E0 E1 on words 0 1 and 1 2, outputs x0 + 1 and x0 + 3 take O0 O1 on the same words.
 * Stride 2 (word j = columns 2 x0 + 2j, 2 x0 + 2j + 1): output x0 + i takes E0 E1 on words i, i + 1.
 * The sums are those of qdepthwise_i8_rows_k.c's groups (integer adds in another order: the same
 * int32 values), requantized as there: SSAT(SMMLAR(a, m, K) >> r, 8).
 */
typedef struct {
  uint32_t e0, e1, o0, o1;
  int32_t b, m, k, r;
} r13_w;

#if defined(__GNUC__)
#define R13_ALIGNED(p) ((const int16_t *)__builtin_assume_aligned((p), 4))
#else
#define R13_ALIGNED(p) (p)
#endif

static inline int8_t r13_q(int32_t a, const r13_w *w) { return (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a, w->m, w->k) >> w->r); }

/* y[0], y[s], y[2s] and (unless `last`) y[3s] as y[0], y[s], y2[0], y2[s]: no 2s or 3s kept. */
static inline void r13_put4(int8_t *y, size_t s, int32_t a0, int32_t a1, int32_t a2, int32_t a3, const r13_w *w, int32_t last) {
  int8_t *const y2 = y + 2 * s;
  y[0] = r13_q(a0, w);
  y[s] = r13_q(a1, w);
  y2[0] = r13_q(a2, w);
  if (!last) y2[s] = r13_q(a3, w);
}

/* Four stride-1 outputs from ring columns x0.. (rw, 4-byte aligned) into y[0], y[s], y[2s], y[3s] (not y[3s] when `last`). */
static inline void r13_group_s1(const int16_t *rw, const r13_w *w, int8_t *y, size_t s, int32_t last) {
  const int16_t *const ra = R13_ALIGNED(rw);
  const uint32_t v0 = eg_qdsp_read4(ra), v1 = eg_qdsp_read4(ra + 2), v2 = eg_qdsp_read4(ra + 4);
  y[0] = r13_q(eg_qdsp_smlad(v1, w->e1, eg_qdsp_smlad(v0, w->e0, w->b)), w);
  y[s] = r13_q(eg_qdsp_smlad(v1, w->o1, eg_qdsp_smlad(v0, w->o0, w->b)), w);
  y[2 * s] = r13_q(eg_qdsp_smlad(v2, w->e1, eg_qdsp_smlad(v1, w->e0, w->b)), w);
  if (!last) y[3 * s] = r13_q(eg_qdsp_smlad(v2, w->o1, eg_qdsp_smlad(v1, w->o0, w->b)), w);
}

/* Four stride-2 outputs from ring columns 2 x0.. (rw, 4-byte aligned). */
static inline void r13_group_s2(const int16_t *rw, const r13_w *w, int8_t *y, size_t s) {
  const int16_t *const ra = R13_ALIGNED(rw);
  const uint32_t v0 = eg_qdsp_read4(ra), v1 = eg_qdsp_read4(ra + 2), v2 = eg_qdsp_read4(ra + 4);
  const uint32_t v3 = eg_qdsp_read4(ra + 6), v4 = eg_qdsp_read4(ra + 8);
  r13_put4(y, s, eg_qdsp_smlad(v1, w->e1, eg_qdsp_smlad(v0, w->e0, w->b)), eg_qdsp_smlad(v2, w->e1, eg_qdsp_smlad(v1, w->e0, w->b)),
           eg_qdsp_smlad(v3, w->e1, eg_qdsp_smlad(v2, w->e0, w->b)), eg_qdsp_smlad(v4, w->e1, eg_qdsp_smlad(v3, w->e0, w->b)), w, 0);
}

/* One channel's operands besides the weights (see eg_qdepthwise_i8_rows_1x3). */
typedef struct {
  const int8_t *xc;
  int8_t *yc;
  int16_t *ring;
  int32_t H, OH, OW, sh, padTop, WP, in_col, lo, hi;
  size_t in_row, out_row, out_col;
  int16_t zp;
} r13_chan;

/* The ring row of output row oy's input row: its input columns, or all zp for a padding row. */
static inline void r13_build(const r13_chan *c, int32_t iy) {
  if (iy < 0 || iy >= c->H) eg_qdepthwise_i8_ring_fill(c->ring, c->WP, c->zp);
  else eg_qdepthwise_i8_ring_body(c->xc + (size_t)iy * c->in_row, c->in_col, c->ring + c->lo, c->hi - c->lo);
}

#if defined(__GNUC__)
#define R13_NOINLINE __attribute__((noinline))
#else
#define R13_NOINLINE
#endif

/*
 * All output rows at stride 1, four outputs a group: groups at even x0, the last at OWe - 4 (OWe:
 * OW rounded up to even) overlapping the one before when OW % 4 is 2 or 3 (the same bytes written
 * twice), its fourth output dropped when OW is odd. Out of line, one per stride: in one function
 * gcc's register allocation of either loop changed with the other's form (+5 % instructions).
 */
static R13_NOINLINE void r13_rows_s1(const r13_chan *cp, const r13_w *wp) {
  const r13_chan c = *cp;
  const r13_w w = *wp;
  const int32_t end = ((c.OW + 1) & ~1) - 4, last = c.OW & 1;
  int8_t *yc = c.yc;
  int32_t oy, iy, x0;
  for (oy = 0, iy = -c.padTop; oy < c.OH; oy++, iy += c.sh, yc += c.out_row) {
    r13_build(&c, iy);
    for (x0 = 0; x0 < end; x0 += 4) r13_group_s1(c.ring + x0, &w, yc + (size_t)x0 * c.out_col, c.out_col, 0);
    r13_group_s1(c.ring + end, &w, yc + (size_t)end * c.out_col, c.out_col, last);
  }
}

/* All output rows at stride 2: the last group at OW - 4 (any x0: ring column 2 x0 is even). */
static R13_NOINLINE void r13_rows_s2(const r13_chan *cp, const r13_w *wp) {
  const r13_chan c = *cp;
  const r13_w w = *wp;
  const int32_t end = c.OW - 4;
  int8_t *yc = c.yc;
  int32_t oy, iy, x0;
  for (oy = 0, iy = -c.padTop; oy < c.OH; oy++, iy += c.sh, yc += c.out_row) {
    r13_build(&c, iy);
    for (x0 = 0; x0 < end; x0 += 4) r13_group_s2(c.ring + 2 * x0, &w, yc + (size_t)x0 * c.out_col, c.out_col);
    r13_group_s2(c.ring + 2 * end, &w, yc + (size_t)end * c.out_col, c.out_col);
  }
}

void eg_qdepthwise_i8_rows_1x3(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch) {
  const int32_t WP = p[17];
  r13_chan c;
  r13_w w;
  c.xc = xc; c.yc = yc; c.ring = scratch;
  c.H = p[1]; c.OH = p[4]; c.OW = p[5]; c.sh = p[8]; c.padTop = p[11]; c.WP = WP; c.in_col = p[19];
  c.in_row = (size_t)p[18]; c.out_row = (size_t)p[20]; c.out_col = (size_t)p[21];
  /* Input columns land in ring columns [lo, hi); the others keep the input zero point. */
  c.lo = p[12] < WP ? p[12] : WP;
  c.hi = p[12] + p[2] < WP ? p[12] + p[2] : WP;
  c.zp = (int16_t)p[13];
  w.e0 = wk[0]; w.e1 = wk[1]; w.o0 = wk[2]; w.o1 = wk[3];
  w.b = e[0]; w.m = e[1]; w.k = e[2]; w.r = e[3];
  eg_qdepthwise_i8_ring_fill(scratch, WP, c.zp);
  if (p[9] == 1) r13_rows_s1(&c, &w);
  else r13_rows_s2(&c, &w);
}

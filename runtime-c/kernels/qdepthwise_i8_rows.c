#include "qdepthwise_i8_rows.h"
#include "qdepthwise_i8_quad3x3.h"
#include "qdepthwise_i8_ring4.h"
#include "qdepthwise_i8_rows_quad.h"

/* The most kernel rows (the row-pointer array); depthwise-rows.ts offers the op only up to it. */
#define ROWS_MAX_KH 16

/* One channel's requantization, held in registers for a row of outputs. */
typedef struct {
  int32_t m, k, r, lo, hi;
} rows_rq;

/* The output of acc2 = 2a clamped (eg_qdsp_requant_2a: k folds the rounding and the output offset). */
static inline int8_t rows_requant(int32_t acc2, const rows_rq *q) {
  const int32_t v = eg_qdsp_requant_2a(acc2, q->m, q->k, q->r);
  return (int8_t)(v < q->lo ? q->lo : v > q->hi ? q->hi : v);
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

/* Outputs computed before one requantization pass (stack: 4 * ROWS_CHUNK bytes). */
#define ROWS_CHUNK 32

/*
 * 3x3, stride 1: sums without bias of outputs 2i, 2i + 1 (i < pairs) into acc. Per kernel row the
 * words A = (x, x+1), B = (x+2, x+3) and the weight words E0 = (w0, w1), O1 = (w1, w2):
 * out[x] += SMLAD(A, E0) + B.lo * w2, out[x+1] += A.hi * w0 + SMLAD(B, O1): 2 loads and 4 MAC
 * instructions per 2 outputs and row. One word of x live at a time, no bias register: the 6
 * weights, 3 row pointers, the counter, acc and the two sums fit the 14 core registers.
 */
#if defined(__GNUC__)
#define ROWS_NOINLINE __attribute__((noinline))
/* Full unrolling of the constant-trip tap loops, so that the weight words are registers. */
#define ROWS_UNROLL _Pragma("GCC unroll 8")
#else
#define ROWS_NOINLINE
#define ROWS_UNROLL
#endif
/* Kept out of line: inlined, gcc spills the weights around the loop (the caller's values are live). */
static ROWS_NOINLINE void rows_acc_3x3(const int16_t *r0, const int16_t *r1, const int16_t *r2, const uint32_t *wk, int32_t pairs, int32_t *acc) {
  /* WS = 2 words per kernel row: E0, O1 (the layout stores only these for 3x3 stride 1). */
  const uint32_t e0 = wk[0], o0 = wk[1], e1 = wk[2], o1 = wk[3], e2 = wk[4], o2 = wk[5];
  for (; pairs > 0; pairs--, r0 += 2, r1 += 2, r2 += 2, acc += 2) {
    uint32_t v = eg_qdsp_read4(r0);
    int32_t a0 = eg_qdsp_smuad(v, e0), a1 = eg_qdsp_smultb(v, e0);
    v = eg_qdsp_read4(r0 + 2);
    a0 = eg_qdsp_smlabt(v, o0, a0);
    a1 = eg_qdsp_smlad(v, o0, a1);
    v = eg_qdsp_read4(r1);
    a0 = eg_qdsp_smlad(v, e1, a0);
    a1 = eg_qdsp_smlatb(v, e1, a1);
    v = eg_qdsp_read4(r1 + 2);
    a0 = eg_qdsp_smlabt(v, o1, a0);
    a1 = eg_qdsp_smlad(v, o1, a1);
    v = eg_qdsp_read4(r2);
    a0 = eg_qdsp_smlad(v, e2, a0);
    a1 = eg_qdsp_smlatb(v, e2, a1);
    v = eg_qdsp_read4(r2 + 2);
    a0 = eg_qdsp_smlabt(v, o2, a0);
    a1 = eg_qdsp_smlad(v, o2, a1);
    acc[0] = a0;
    acc[1] = a1;
  }
}

/*
 * One kernel row's share of the sums of outputs 2i, 2i + 1 (i < pairs) at stride 1, for a kernel
 * width whose NE even and NO odd weight words (a compile-time constant in each inlined copy) stay
 * in registers: per pair NO word loads, NE + NO SMLADs, the two sums loaded and stored.
 */
static inline void rows_acc_pairs_row(const int16_t *r, const uint32_t *e, int32_t ne, int32_t no, int32_t pairs, int32_t *acc) {
  /* Zeroed although only [0, ne) and [0, no) are read: gcc -Os cannot tie the reads to the fills
     (-Wmaybe-uninitialized); with ne and no constant the stores are dead and dropped. */
  uint32_t we[4] = {0u, 0u, 0u, 0u}, wo[4] = {0u, 0u, 0u, 0u};
  int32_t j;
  ROWS_UNROLL
  for (j = 0; j < ne; j++) we[j] = e[j];
  ROWS_UNROLL
  for (j = 0; j < no; j++) wo[j] = e[ne + j];
  for (; pairs > 0; pairs--, r += 2, acc += 2) {
    int32_t a0 = acc[0], a1 = acc[1];
    ROWS_UNROLL
    for (j = 0; j < no; j++) {
      const uint32_t v = eg_qdsp_read4(r + 2 * j);
      if (j < ne) a0 = eg_qdsp_smlad(v, we[j], a0);
      a1 = eg_qdsp_smlad(v, wo[j], a1);
    }
    acc[0] = a0;
    acc[1] = a1;
  }
}

/*
 * The fused form of rows_acc_3x3 + rows_requant_n for the full int8 range (no activation clamp):
 * outputs 2i, 2i + 1 (i < pairs) of one channel row into y (c4[4] apart). The sums start from the
 * bias and go straight to SMMLAR: no sum stored and reloaded, one loop of 36 instructions a pair
 * (arm-none-eabi-gcc 12.2, -O2). The weights and c4 are re-read per pair (LDRD): 14 registers
 * hold the rest, and with them in registers gcc spilled the pointers instead.
 */
static ROWS_NOINLINE void rows_row_3x3(const int16_t *r0, const int16_t *r1, const int16_t *r2, const uint32_t *wk, int32_t pairs,
                                       const int32_t *c4, int8_t *y) {
  const int16_t *const end = r0 + 2 * (size_t)pairs;
  for (; r0 != end; r0 += 2, r1 += 2, r2 += 2) {
    /* c4: bias2, m, k, r, y_step (read per pair: loads are cheaper than the spills of a register copy). */
    uint32_t v = eg_qdsp_read4(r0), we = wk[0], wo = wk[1];
    int32_t a0 = eg_qdsp_smlad(v, we, c4[0]), a1 = eg_qdsp_smlatb(v, we, c4[0]);
    v = eg_qdsp_read4(r0 + 2);
    a0 = eg_qdsp_smlabt(v, wo, a0);
    a1 = eg_qdsp_smlad(v, wo, a1);
    we = wk[2];
    wo = wk[3];
    v = eg_qdsp_read4(r1);
    a0 = eg_qdsp_smlad(v, we, a0);
    a1 = eg_qdsp_smlatb(v, we, a1);
    v = eg_qdsp_read4(r1 + 2);
    a0 = eg_qdsp_smlabt(v, wo, a0);
    a1 = eg_qdsp_smlad(v, wo, a1);
    we = wk[4];
    wo = wk[5];
    v = eg_qdsp_read4(r2);
    a0 = eg_qdsp_smlad(v, we, a0);
    a1 = eg_qdsp_smlatb(v, we, a1);
    v = eg_qdsp_read4(r2 + 2);
    a0 = eg_qdsp_smlabt(v, wo, a0);
    a1 = eg_qdsp_smlad(v, wo, a1);
    {
      const int32_t m = c4[1], k = c4[2], r = c4[3], step = c4[4];
      y[0] = (int8_t)eg_qdsp_sat8(eg_qdsp_requant_2a(a0, m, k, r));
      y[step] = (int8_t)eg_qdsp_sat8(eg_qdsp_requant_2a(a1, m, k, r));
      y += 2 * step;
    }
  }
}

/* Output x of a 3x3 row alone (rows_row_3x3's first sum): the last one when OW is odd. */
static int8_t rows_one_3x3(const int16_t *r0, const int16_t *r1, const int16_t *r2, const uint32_t *wk, const int32_t *c4) {
  int32_t a = eg_qdsp_smlad(eg_qdsp_read4(r0), wk[0], c4[0]);
  a = eg_qdsp_smlabt(eg_qdsp_read4(r0 + 2), wk[1], a);
  a = eg_qdsp_smlad(eg_qdsp_read4(r1), wk[2], a);
  a = eg_qdsp_smlabt(eg_qdsp_read4(r1 + 2), wk[3], a);
  a = eg_qdsp_smlad(eg_qdsp_read4(r2), wk[4], a);
  a = eg_qdsp_smlabt(eg_qdsp_read4(r2 + 2), wk[5], a);
  return (int8_t)eg_qdsp_sat8(eg_qdsp_requant_2a(a, c4[1], c4[2], c4[3]));
}

/*
 * Stride 1, KW 1..7: sums without bias of outputs 2i, 2i + 1 (i < pairs) into acc, kernel row by
 * kernel row (rows_acc_pairs_row). Returns 0 for another KW (the caller takes rows_out_each).
 */
static ROWS_NOINLINE int32_t rows_acc_pairs(const int16_t *const *rows, int32_t KH, const uint32_t *wk, int32_t WS, int32_t KW, int32_t ox,
                                            int32_t pairs, int32_t *acc) {
  int32_t ky, i;
  if (KW < 1 || KW > 7) return 0;
  for (i = 0; i < 2 * pairs; i++) acc[i] = 0;
  for (ky = 0; ky < KH; ky++, wk += WS) {
    const int16_t *r = rows[ky] + ox;
    switch (KW) {
      case 1: rows_acc_pairs_row(r, wk, 1, 1, pairs, acc); break;
      case 2: rows_acc_pairs_row(r, wk, 1, 2, pairs, acc); break;
      case 3: rows_acc_pairs_row(r, wk, 2, 2, pairs, acc); break;
      case 4: rows_acc_pairs_row(r, wk, 2, 3, pairs, acc); break;
      case 5: rows_acc_pairs_row(r, wk, 3, 3, pairs, acc); break;
      case 6: rows_acc_pairs_row(r, wk, 3, 4, pairs, acc); break;
      default: rows_acc_pairs_row(r, wk, 4, 4, pairs, acc); break;
    }
  }
  return 1;
}

/*
 * n sums of acc (bias2 added here) requantized into y, y_step apart. The channel's constants are
 * locals (y's int8 stores may alias q, which would reload them every output), two outputs a step.
 */
static void rows_requant_n(const int32_t *acc, int32_t n, int32_t bias2, const rows_rq *q, int8_t *y, int32_t y_step) {
  const int32_t m = q->m, k = q->k, r = q->r, lo = q->lo, hi = q->hi;
  int32_t i;
  if (lo == -128 && hi == 127) {
    for (i = 0; i + 1 < n; i += 2, y += 2 * y_step) {
      const int32_t a0 = (int32_t)((uint32_t)acc[i] + (uint32_t)bias2), a1 = (int32_t)((uint32_t)acc[i + 1] + (uint32_t)bias2);
      y[0] = (int8_t)eg_qdsp_sat8(eg_qdsp_requant_2a(a0, m, k, r));
      y[y_step] = (int8_t)eg_qdsp_sat8(eg_qdsp_requant_2a(a1, m, k, r));
    }
  } else {
    for (i = 0; i + 1 < n; i += 2, y += 2 * y_step) {
      const int32_t a0 = (int32_t)((uint32_t)acc[i] + (uint32_t)bias2), a1 = (int32_t)((uint32_t)acc[i + 1] + (uint32_t)bias2);
      int32_t v0 = eg_qdsp_requant_2a(a0, m, k, r);
      int32_t v1 = eg_qdsp_requant_2a(a1, m, k, r);
      v0 = v0 < lo ? lo : v0 > hi ? hi : v0;
      v1 = v1 < lo ? lo : v1 > hi ? hi : v1;
      y[0] = (int8_t)v0;
      y[y_step] = (int8_t)v1;
    }
  }
  if (i < n) y[0] = rows_requant((int32_t)((uint32_t)acc[i] + (uint32_t)bias2), q);
}

/*
 * One channel of a 3x3 stride-1 layer (rows_acc_3x3; any stride across rows), all its output rows:
 * out of line so that its few live values stay in registers (inlined in the main loop they were
 * spilled around every row). xc and yc at the channel's first element, e its rqc words, acc the
 * caller's ROWS_CHUNK sums (one stack array for both).
 */
static ROWS_NOINLINE void rows_channel_3x3(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch,
                                           int32_t *acc) {
  const int32_t H = p[1], OH = p[4], OW = p[5], sh = p[8], padTop = p[11], WP = p[17], in_row = p[18], out_row = p[20], out_col = p[21];
  int32_t built = -padTop, oy, ox, n, full, c4[5];
  rows_rq q;
  q.m = e[1];
  q.k = e[2];
  q.r = e[3];
  q.lo = p[14];
  q.hi = p[15];
  full = q.lo == -128 && q.hi == 127;
  c4[0] = e[0];
  c4[1] = q.m;
  c4[2] = q.k;
  c4[3] = q.r;
  c4[4] = out_col;
  for (oy = 0; oy < OH; oy++, yc += out_row) {
    const int32_t iy0 = oy * sh - padTop, s0 = (iy0 + padTop) % 3;
    const int16_t *r0 = scratch + (size_t)s0 * (size_t)WP;
    const int16_t *r1 = scratch + (size_t)(s0 == 2 ? 0 : s0 + 1) * (size_t)WP;
    const int16_t *r2 = scratch + (size_t)(s0 == 0 ? 2 : s0 - 1) * (size_t)WP;
    if (built < iy0) built = iy0;
    for (; built <= iy0 + 2; built++) {
      const int8_t *xrow = built >= 0 && built < H ? xc + (size_t)built * (size_t)in_row : NULL;
      eg_qdepthwise_i8_ring_build(xrow, p[2], p[19], p[12], WP, (int16_t)p[13], scratch + (size_t)((built + padTop) % 3) * (size_t)WP);
    }
    ox = 0;
    if (full) { /* all outputs in one fused pass */
      rows_row_3x3(r0, r1, r2, wk, OW / 2, c4, yc);
      if (OW & 1) yc[(size_t)(OW - 1) * (size_t)out_col] = rows_one_3x3(r0 + OW - 1, r1 + OW - 1, r2 + OW - 1, wk, c4);
      ox = OW;
    }
    /* With OW odd the last pair's second sum is computed and dropped (the ring has its columns). */
    for (; ox < OW; ox += n) {
      n = OW - ox < ROWS_CHUNK ? OW - ox : ROWS_CHUNK;
      rows_acc_3x3(r0 + ox, r1 + ox, r2 + ox, wk, (n + 1) / 2, acc);
      rows_requant_n(acc, n, e[0], &q, yc + (size_t)ox * (size_t)out_col, out_col);
    }
  }
}

/*
 * p (rowsParams of the compiler's depthwise-rows layout): the layer in the orientation the kernel
 * runs (rows along H, pairs along W; the compiler may swap the image axes to make rows longer):
 * N, H, W, C, OH, OW, KH, KW, SH, SW, DH, padTop, padLeft, input zero point, act_min, act_max,
 * R, WP, then the element strides: input row, input column, output row, output column, input
 * image, output image.
 */
void eg_qdepthwise_i8_rows(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch,
                           eg_rows_four_fn four) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], KH = p[6], KW = p[7];
  const int32_t sh = p[8], sw = p[9], dh = p[10], padTop = p[11], padLeft = p[12];
  const int16_t zp = (int16_t)p[13];
  const int32_t R = p[16], WP = p[17], in_row = p[18], in_col = p[19], out_row = p[20], out_col = p[21];
  const int32_t three = KH == 3 && KW == 3 && sw == 1 && dh == 1;
  const int32_t NE = (KW + 1) / 2, WS = three ? 2 : NE + KW / 2 + 1;
  const int16_t *rows[ROWS_MAX_KH];
  int32_t acc[ROWS_CHUNK];
  int32_t b, c, oy, ky;
  rows_rq q;
  q.lo = p[14];
  q.hi = p[15];
  for (b = 0; b < N; b++)
    for (c = 0; c < C; c++) {
      const int8_t *xc = x + (size_t)b * (size_t)p[22] + (size_t)c;
      const int32_t *e = rqc + 4 * (size_t)c;
      const uint32_t *wk = wpk + (size_t)c * (size_t)KH * (size_t)WS;
      int32_t built = -padTop; /* the next input row to build */
      if (three && sh == 1 && OW >= 4 && R >= 12 && (c & 3) == 0 && c + 4 <= C && eg_qdepthwise_i8_rows_quad_group_ok(e, q.lo, q.hi)) {
        eg_qdepthwise_i8_rows_quad_group(xc, p, wk, e, y + (size_t)b * (size_t)p[23] + (size_t)c, scratch);
        c += 3;
        continue;
      }
      if (three && sh == 1 && OW >= 4 && eg_qdepthwise_i8_quad3x3_ok(e[1], e[2], e[3], q.lo, q.hi)) {
        eg_qdepthwise_i8_rows_quad_channel(xc, p, wk, e, y + (size_t)b * (size_t)p[23] + (size_t)c, scratch);
        continue;
      }
      if (three) { /* all rows of the channel in one call */
        rows_channel_3x3(xc, p, wk, e, y + (size_t)b * (size_t)p[23] + (size_t)c, scratch, acc);
        continue;
      }
      /* Widths 1..7 at stride 1 or 2 with OW >= 4: four outputs an iteration (qdepthwise_i8_rows_k.c). */
      if (four != NULL && four(xc, p, wk, e, y + (size_t)b * (size_t)p[23] + (size_t)c, scratch)) continue;
      q.m = e[1];
      q.k = e[2];
      q.r = e[3];
      for (oy = 0; oy < OH; oy++) {
        const int32_t iy0 = oy * sh - padTop, last = iy0 + (KH - 1) * dh;
        int8_t *yrow = y + (size_t)b * (size_t)p[23] + (size_t)oy * (size_t)out_row + (size_t)c;
        int32_t ox = 0;
        if (built < iy0) built = iy0;
        for (; built <= last; built++) {
          const int8_t *xrow = built >= 0 && built < H ? xc + (size_t)built * (size_t)in_row : NULL;
          eg_qdepthwise_i8_ring_build(xrow, W, in_col, padLeft, WP, zp, scratch + (size_t)((built + padTop) % R) * (size_t)WP);
        }
        for (ky = 0; ky < KH; ky++) rows[ky] = scratch + (size_t)((iy0 + ky * dh + padTop) % R) * (size_t)WP;
        if (sw == 1) {
          while (ox < OW) {
            const int32_t n = OW - ox < ROWS_CHUNK ? OW - ox : ROWS_CHUNK;
            if (!rows_acc_pairs(rows, KH, wk, WS, KW, ox, (n + 1) / 2, acc)) break; /* KW > 7: one at a time */
            rows_requant_n(acc, n, e[0], &q, yrow + (size_t)ox * (size_t)out_col, out_col);
            ox += n;
          }
        }
        rows_out_each(rows, KH, wk, WS, NE, ox, OW, sw, e[0], &q, yrow, out_col);
      }
    }
}

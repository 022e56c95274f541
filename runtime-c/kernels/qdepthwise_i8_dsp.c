#include "qdepthwise_i8_dsp.h"

/*
 * The clipped kernel window of one output pixel: rows [ky0, ky1), columns [kx0, kx1); `first`
 * points to the input pixel of tap (ky0, kx0), channel 0 (the image's start when the window is
 * empty, then never read).
 */
typedef struct {
  const int8_t *first;
  int32_t ky0, ky1, kx0, kx1;
} dw_window;

/* First k in [0, K) with 0 <= at + k * d, and the end of the ks with at + k * d < size. */
static void clip(int32_t at, int32_t d, int32_t K, int32_t size, int32_t *k0, int32_t *k1) {
  int32_t lo = 0, hi = K;
  while (lo < K && at + lo * d < 0) lo++;
  while (hi > lo && at + (hi - 1) * d >= size) hi--;
  *k0 = lo;
  *k1 = hi;
}

/*
 * Channels c..c+3 (depth multiplier 1) of one pixel: acc[i] starts at the bias; per tap one word of
 * x and one of w, widened by SXTAB16 (x with the offset) and SXTB16, four halfword MACs.
 */
static void dw_group4(const dw_window *win, int32_t c, const int8_t *w, const int32_t *p, uint32_t off2, int32_t acc[4]) {
  const int32_t W = p[2], C = p[3], KW = p[8], dh = p[12], dw = p[13];
  const size_t row_step = (size_t)dh * (size_t)W * (size_t)C, col_step = (size_t)dw * (size_t)C;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], ky, kx;
  const int8_t *xrow = win->first + c;
  for (ky = win->ky0; ky < win->ky1; ky++, xrow += row_step) {
    const int8_t *xt = xrow;
    const int8_t *wt = w + ((size_t)ky * (size_t)KW + (size_t)win->kx0) * (size_t)C + (size_t)c;
    for (kx = win->kx0; kx < win->kx1; kx++, xt += col_step, wt += C) {
      const uint32_t xv = eg_qdsp_read4(xt), wv = eg_qdsp_read4(wt);
      const uint32_t xe = eg_qdsp_sxtab16(off2, xv), xo = eg_qdsp_sxtab16_ror8(off2, xv);
      const uint32_t we = eg_qdsp_sxtb16(wv), wo = eg_qdsp_sxtb16_ror8(wv);
      a0 = eg_qdsp_smlabb(xe, we, a0);
      a2 = eg_qdsp_smlatt(xe, we, a2);
      a1 = eg_qdsp_smlabb(xo, wo, a1);
      a3 = eg_qdsp_smlatt(xo, wo, a3);
    }
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/*
 * Interior pixels (window wholly inside the input) of a depthwise layer with depth multiplier 1 and
 * at most DW_FAST_TAPS taps: tap t is read at a fixed offset from the window origin (off[t], one
 * stack array per call). With scratch, the weights of a group of 4 channels were sign-extended once
 * per call into `wide` (per group, per tap: the SXTB16 and SXTB16-ror-8 words), so one pointer walks
 * them in order: per tap one word of x (SXTAB16 adds the input offset while widening), one
 * doubleword of weights, four halfword MACs; without, each tap widens its weight word itself.
 * Border pixels take dw_group4's clipped loops.
 */
#define DW_FAST_TAPS 64

/* Widened weights of the C / 4 groups: scratch, 2 * KH * KW * (C & ~3) bytes. */
static void dw_widen(const int8_t *w, int32_t taps, int32_t C, uint32_t *wide) {
  int32_t c, t;
  for (c = 0; c + 3 < C; c += 4)
    for (t = 0; t < taps; t++, wide += 2) {
      const uint32_t wv = eg_qdsp_read4(w + (size_t)t * (size_t)C + (size_t)c);
      wide[0] = eg_qdsp_sxtb16(wv);
      wide[1] = eg_qdsp_sxtb16_ror8(wv);
    }
}

/*
 * dw_group4 for an interior pixel: `xc` is the window origin plus c. With widened weights (`wq`, the
 * group's taps) one doubleword per tap; without (scratch NULL, as in a patch band) the int8 weights
 * of channel c (`wc`, tap stride C) are widened per tap by two SXTB16: one instruction more per tap
 * and 4 MACs, no scratch.
 */
static void dw_group4_fast(const int8_t *xc, const int32_t *off, int32_t taps, const uint32_t *wq, const int8_t *wc, int32_t C,
                           uint32_t off2, int32_t acc[4]) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], t;
  if (wq != NULL) {
    for (t = 0; t < taps; t++, wq += 2) {
      const uint32_t xv = eg_qdsp_read4(xc + off[t]);
      const uint32_t xe = eg_qdsp_sxtab16(off2, xv), xo = eg_qdsp_sxtab16_ror8(off2, xv);
      a0 = eg_qdsp_smlabb(xe, wq[0], a0);
      a2 = eg_qdsp_smlatt(xe, wq[0], a2);
      a1 = eg_qdsp_smlabb(xo, wq[1], a1);
      a3 = eg_qdsp_smlatt(xo, wq[1], a3);
    }
  } else {
    for (t = 0; t < taps; t++, wc += C) {
      const uint32_t xv = eg_qdsp_read4(xc + off[t]), wv = eg_qdsp_read4(wc);
      const uint32_t xe = eg_qdsp_sxtab16(off2, xv), xo = eg_qdsp_sxtab16_ror8(off2, xv);
      const uint32_t we = eg_qdsp_sxtb16(wv), wo = eg_qdsp_sxtb16_ror8(wv);
      a0 = eg_qdsp_smlabb(xe, we, a0);
      a2 = eg_qdsp_smlatt(xe, we, a2);
      a1 = eg_qdsp_smlabb(xo, wo, a1);
      a3 = eg_qdsp_smlatt(xo, wo, a3);
    }
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/*
 * All groups of 4 channels of one interior pixel on the eg_qdsp_requant4 path (the common case). A
 * function of its own, kept out of line, so that the pixel loop's variables are not live here:
 * inlined, gcc spills the group loop's pointers and the requantization's operands around every group.
 */
#if defined(__GNUC__)
#define DW_NOINLINE __attribute__((noinline))
#else
#define DW_NOINLINE
#endif
static DW_NOINLINE void dw_pixel_fast4(const int8_t *origin, const int32_t *off, int32_t taps, const uint32_t *wq, const int8_t *w,
                                       int32_t C, uint32_t off2, const eg_qdsp_requant *rq, uint32_t lo4, uint32_t hi4, int8_t *y) {
  int32_t c;
  for (c = 0; c + 3 < C; c += 4, wq = wq != NULL ? wq + 2 * taps : NULL) {
    int32_t acc[4];
    acc[0] = eg_qdsp_bias(rq, c);
    acc[1] = eg_qdsp_bias(rq, c + 1);
    acc[2] = eg_qdsp_bias(rq, c + 2);
    acc[3] = eg_qdsp_bias(rq, c + 3);
    dw_group4_fast(origin + c, off, taps, wq, w + c, C, off2, acc);
    eg_qdsp_requant4(acc, rq, c, lo4, hi4, y + c);
  }
}

/* Output channel oc = c * M + m of one pixel, scalar. */
static int32_t dw_channel(const dw_window *win, int32_t oc, const int8_t *w, const int32_t *p, int32_t acc) {
  const int32_t W = p[2], C = p[3], KW = p[8], M = p[9], dh = p[12], dw = p[13], offset = p[16];
  const int32_t CM = C * M, c = oc / M;
  int32_t ky, kx;
  for (ky = win->ky0; ky < win->ky1; ky++) {
    const int8_t *xr = win->first + (size_t)(ky - win->ky0) * (size_t)dh * (size_t)W * (size_t)C + (size_t)c;
    for (kx = win->kx0; kx < win->kx1; kx++) {
      const int32_t xv = (int32_t)xr[(size_t)(kx - win->kx0) * (size_t)dw * (size_t)C] + offset;
      acc = eg_q_wrap_add(acc, xv * (int32_t)w[((size_t)ky * (size_t)KW + (size_t)kx) * (size_t)CM + (size_t)oc]);
    }
  }
  return acc;
}

/*
 * Channels oc..oc+3 of one pixel (depth multiplier 1): accumulators from the bias, the fast path
 * for interior windows (`interior`; wq the group's widened weights or NULL) or dw_group4, then the
 * four requantizations.
 */
static void dw_pixel_group4(const dw_window *win, int32_t oc, const int8_t *w, const int32_t *p, int32_t interior, const uint32_t *wq,
                            const int32_t *off, uint32_t off2, const eg_qdsp_requant *rq, int32_t four, uint32_t lo4, uint32_t hi4, int8_t *y) {
  int32_t acc[4];
  acc[0] = eg_qdsp_bias(rq, oc);
  acc[1] = eg_qdsp_bias(rq, oc + 1);
  acc[2] = eg_qdsp_bias(rq, oc + 2);
  acc[3] = eg_qdsp_bias(rq, oc + 3);
  if (interior) {
    dw_group4_fast(win->first + oc, off, p[7] * p[8], wq, w + oc, p[3], off2, acc);
  } else {
    dw_group4(win, oc, w, p, off2, acc);
  }
  if (four) {
    eg_qdsp_requant4(acc, rq, oc, lo4, hi4, y + oc);
  } else {
    y[oc] = eg_qdsp_requant_acc(acc[0], rq, oc);
    y[oc + 1] = eg_qdsp_requant_acc(acc[1], rq, oc + 1);
    y[oc + 2] = eg_qdsp_requant_acc(acc[2], rq, oc + 2);
    y[oc + 3] = eg_qdsp_requant_acc(acc[3], rq, oc + 3);
  }
}

void eg_qdepthwise_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                          const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], KH = p[7], KW = p[8], M = p[9];
  const uint32_t off2 = eg_qdsp_pack16(p[16], p[16]);
  /* The fast path needs a tap list of at most DW_FAST_TAPS; it widens the weights into scratch when given. */
  const int32_t fast = M == 1 && C >= 4 && KH * KW <= DW_FAST_TAPS;
  uint32_t *wide = fast ? (uint32_t *)scratch : NULL;
  int32_t off[DW_FAST_TAPS];
  eg_qdsp_requant rq;
  int32_t b, oy, ox, oc, four;
  uint32_t lo4, hi4;
  rq.bias = p[20] == 1 ? bias : NULL;
  rq.fast = table;
  rq.mult = mult;
  rq.shift = shift;
  rq.per_channel = 1;
  rq.out_offset = p[17];
  rq.act_min = p[18];
  rq.act_max = p[19];
  four = eg_qdsp_requant4_ok(&rq);
  lo4 = eg_qdsp_bytes4(rq.act_min);
  hi4 = eg_qdsp_bytes4(rq.act_max);
  if (fast) {
    int32_t ky, kx;
    if (wide != NULL) dw_widen(w, KH * KW, C, wide);
    for (ky = 0; ky < KH; ky++)
      for (kx = 0; kx < KW; kx++) off[ky * KW + kx] = (ky * p[12] * W + kx * p[13]) * C;
  }
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++)
      for (ox = 0; ox < OW; ox++) {
        const int32_t iy0 = oy * p[10] - p[14], ix0 = ox * p[11] - p[15];
        dw_window win;
        clip(iy0, p[12], KH, H, &win.ky0, &win.ky1);
        clip(ix0, p[13], KW, W, &win.kx0, &win.kx1);
        win.first = x;
        if (win.ky0 < win.ky1 && win.kx0 < win.kx1) {
          win.first += (((size_t)b * (size_t)H + (size_t)(iy0 + win.ky0 * p[12])) * (size_t)W + (size_t)(ix0 + win.kx0 * p[13])) * (size_t)C;
        }
        oc = 0;
        if (M == 1) {
          const int32_t interior = fast && win.ky0 == 0 && win.ky1 == KH && win.kx0 == 0 && win.kx1 == KW;
          const uint32_t *wq = wide;
          if (interior && four) {
            dw_pixel_fast4(win.first, off, KH * KW, wide, w, O, off2, &rq, lo4, hi4, y);
            oc = O & ~3;
          }
          /* `oc < (O & ~3)`, not `oc + 3 < O`: see fc_row in qfc_i8_dsp.c (-Waggressive-loop-optimizations). */
          for (; oc < (O & ~3); oc += 4, wq = wq != NULL ? wq + 2 * KH * KW : NULL) {
            dw_pixel_group4(&win, oc, w, p, interior, wq, off, off2, &rq, four, lo4, hi4, y);
          }
        }
        for (; oc < O; oc++) y[oc] = eg_qdsp_requant_acc(dw_channel(&win, oc, w, p, eg_qdsp_bias(&rq, oc)), &rq, oc);
        y += O;
      }
}

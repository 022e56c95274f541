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
 * At most this many taps per pixel (256 bytes of stack) go through a flat list (tap input pointers and weight offsets,
 * built once per pixel for all channel groups: no row loop per group, which dominates Nx1 kernels);
 * larger windows take dw_group4's row and column loops.
 */
#define DW_LIST_TAPS 32

typedef struct {
  const int8_t *x[DW_LIST_TAPS];
  int32_t w[DW_LIST_TAPS];
  int32_t n;
} dw_taps;

static void dw_list(const dw_window *win, const int32_t *p, dw_taps *taps) {
  const int32_t W = p[2], C = p[3], KW = p[8], dh = p[12], dw = p[13];
  int32_t ky, kx, n = 0;
  for (ky = win->ky0; ky < win->ky1; ky++)
    for (kx = win->kx0; kx < win->kx1; kx++, n++) {
      taps->x[n] = win->first + ((size_t)(ky - win->ky0) * (size_t)dh * (size_t)W + (size_t)(kx - win->kx0) * (size_t)dw) * (size_t)C;
      taps->w[n] = (ky * KW + kx) * C;
    }
  taps->n = n;
}

/* dw_group4 over a tap list. */
static void dw_group4_list(const dw_taps *taps, int32_t c, const int8_t *w, uint32_t off2, int32_t acc[4]) {
  const int8_t *const *xt = taps->x;
  const int32_t *wt = taps->w;
  const int8_t *wc = w + c;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], t;
  for (t = 0; t < taps->n; t++) {
    const uint32_t xv = eg_qdsp_read4(xt[t] + c), wv = eg_qdsp_read4(wc + wt[t]);
    const uint32_t xe = eg_qdsp_sxtab16(off2, xv), xo = eg_qdsp_sxtab16_ror8(off2, xv);
    const uint32_t we = eg_qdsp_sxtb16(wv), wo = eg_qdsp_sxtb16_ror8(wv);
    a0 = eg_qdsp_smlabb(xe, we, a0);
    a2 = eg_qdsp_smlatt(xe, we, a2);
    a1 = eg_qdsp_smlabb(xo, wo, a1);
    a3 = eg_qdsp_smlatt(xo, wo, a3);
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
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

void eg_qdepthwise_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                          const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], KH = p[7], KW = p[8], M = p[9];
  const uint32_t off2 = eg_qdsp_pack16(p[16], p[16]);
  eg_qdsp_requant rq;
  int32_t b, oy, ox, oc, four;
  uint32_t lo4, hi4;
  dw_taps taps;
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
          const int32_t listed = (win.ky1 - win.ky0) * (win.kx1 - win.kx0) <= DW_LIST_TAPS;
          if (listed) dw_list(&win, p, &taps);
          for (; oc + 3 < O; oc += 4) {
            int32_t acc[4];
            acc[0] = eg_qdsp_bias(&rq, oc);
            acc[1] = eg_qdsp_bias(&rq, oc + 1);
            acc[2] = eg_qdsp_bias(&rq, oc + 2);
            acc[3] = eg_qdsp_bias(&rq, oc + 3);
            if (listed) {
              dw_group4_list(&taps, oc, w, off2, acc);
            } else {
              dw_group4(&win, oc, w, p, off2, acc);
            }
            if (four) {
              eg_qdsp_requant4(acc, &rq, oc, lo4, hi4, y + oc);
            } else {
              y[oc] = eg_qdsp_requant_acc(acc[0], &rq, oc);
              y[oc + 1] = eg_qdsp_requant_acc(acc[1], &rq, oc + 1);
              y[oc + 2] = eg_qdsp_requant_acc(acc[2], &rq, oc + 2);
              y[oc + 3] = eg_qdsp_requant_acc(acc[3], &rq, oc + 3);
            }
          }
        }
        for (; oc < O; oc++) y[oc] = eg_qdsp_requant_acc(dw_channel(&win, oc, w, p, eg_qdsp_bias(&rq, oc)), &rq, oc);
        y += O;
      }
}

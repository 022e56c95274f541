#include "conv_gemm_f32.h"
#include "tile_f32.h"
#include "tile_avx_f32.h"

/* Geometry of one call, unpacked from the parameter array (layout in conv_gemm_f32.h). */
typedef struct {
  int32_t N, C, IH, IW, M, OH, OW, KH, KW, SH, SW, DH, DW, PT, PL, LW, direct;
} conv_geom;

static conv_geom read_geom(const int32_t *p) {
  conv_geom g;
  g.N = p[0]; g.C = p[1]; g.IH = p[2]; g.IW = p[3];
  g.M = p[4]; g.OH = p[5]; g.OW = p[6];
  g.KH = p[7]; g.KW = p[8]; g.SH = p[9]; g.SW = p[10]; g.DH = p[11]; g.DW = p[12];
  g.PT = p[13]; g.PL = p[14]; g.LW = p[15]; g.direct = p[16];
  return g;
}

/* The band of output row oh: phase row q of input row kh of channel c at ((c * KH + kh) * SW + q) * LW. */
static void fill_band(const float *xn, int32_t oh, const conv_geom *g, float *band) {
  int32_t c, kh, q;
  for (c = 0; c < g->C; c++) {
    for (kh = 0; kh < g->KH; kh++) {
      const int32_t ih = oh * g->SH - g->PT + kh * g->DH;
      const float *row = ih >= 0 && ih < g->IH ? xn + ((size_t)c * g->IH + ih) * g->IW : NULL;
      float *dst = band + (size_t)(c * g->KH + kh) * g->SW * g->LW;
      for (q = 0; q < g->SW; q++) eg_f32_fill_phase(dst + (size_t)q * g->LW, row, q, g->IW, g->PL, g->SW, g->LW);
    }
  }
}

/*
 * Columns of the tile for the pixels from L - left of a row of L: the widest tile the build runs
 * that the row fits, an 8-column one for the last 8 or fewer pixels of an AVX row.
 */
static int32_t tile_width(int32_t left, int32_t L, int32_t avx) {
#if EG_F32_AVX
  if (avx && L >= EG_F32_WIDE_COLS && left > EG_F32_TILE_COLS) return EG_F32_WIDE_COLS;
#else
  (void)avx;
#endif
  (void)left;
  return L >= EG_F32_TILE_COLS ? EG_F32_TILE_COLS : 4;
}

/*
 * One row of L output pixels (y_row[m * ys + j], j < L) for every output channel: b holds the
 * row's inputs (b[off[k] + j] is tap k of pixel j). Pixel blocks are the outer loop so a block's
 * inputs stay in L1 while every channel block uses them. A block that would pass L is shifted
 * left to end at L (it recomputes a few pixels, bit-identically) so no block reads past the row.
 */
static void conv_row(const conv_geom *g, const float *wp, const float *tail, const float *bias, const float *b, const int32_t *off,
                     int32_t L, float *y_row, int32_t ys, int32_t avx) {
  const int32_t K = g->C * g->KH * g->KW;
  const int32_t full = g->M / 4, blocks = (g->M + 3) / 4;
  int32_t p0, mb, width;
  for (p0 = 0; p0 < L; p0 += width) {
    width = tile_width(L - p0, L, avx);
    {
      const int32_t at = L < width ? 0 : (p0 + width <= L ? p0 : L - width);
      const int32_t cols = L < width ? L : width;
      for (mb = 0; mb < blocks; mb++) {
        const float *a = mb < full ? wp + (size_t)mb * 4 * K : tail;
        const int32_t rows = mb < full ? 4 : g->M - 4 * mb;
        float *yb = y_row + (size_t)mb * 4 * ys + at;
        const float *bb = bias != NULL ? bias + 4 * mb : NULL;
#if EG_F32_AVX
        if (width == EG_F32_WIDE_COLS) {
          eg_f32_tile16_avx(K, a, b + at, off, yb, ys, rows, cols, bb);
          continue;
        }
#endif
        if (width == EG_F32_TILE_COLS) eg_f32_tile(K, a, b + at, off, yb, ys, rows, cols, bb);
        else eg_f32_tile4(K, a, b + at, off, yb, ys, rows, cols, bb);
      }
    }
  }
}

void eg_conv2d_gemm_f32(const float *x, const float *wp, const float *bias, float *y, const int32_t *p, void *scratch) {
  const conv_geom g = read_geom(p);
  const int32_t K = g.C * g.KH * g.KW;
  const size_t plane = (size_t)g.OH * g.OW, in_image = (size_t)g.C * g.IH * g.IW;
  float *tail = (float *)scratch;
  float *band = tail + (size_t)4 * K;
  int32_t *off = (int32_t *)(band + (g.direct ? 0 : (size_t)g.C * g.KH * g.SW * g.LW));
#if EG_F32_AVX
  const int32_t avx = eg_f32_avx();
#else
  const int32_t avx = 0;
#endif
  int32_t n, oh, c, kh, kw;
  if (g.M % 4 != 0) eg_f32_pack_rows(K, wp + (size_t)(g.M / 4) * 4 * K, 1, g.M % 4, g.M % 4, tail);
  /* Tap k = (c, kh, kw) of pixel j reads b[off[k] + j]. */
  for (c = 0; c < g.C; c++) {
    for (kh = 0; kh < g.KH; kh++) {
      for (kw = 0; kw < g.KW; kw++) {
        const int32_t k = (c * g.KH + kh) * g.KW + kw;
        if (g.direct) {
          off[k] = c * g.IH * g.IW;
        } else {
          const int32_t q = (kw * g.DW) % g.SW, t0 = (kw * g.DW) / g.SW;
          off[k] = ((c * g.KH + kh) * g.SW + q) * g.LW + t0;
        }
      }
    }
  }
  for (n = 0; n < g.N; n++) {
    const float *xn = x + (size_t)n * in_image;
    float *yn = y + (size_t)n * g.M * plane;
    if (g.direct) {
      conv_row(&g, wp, tail, bias, xn, off, (int32_t)plane, yn, (int32_t)plane, avx);
      continue;
    }
    for (oh = 0; oh < g.OH; oh++) {
      fill_band(xn, oh, &g, band);
      conv_row(&g, wp, tail, bias, band, off, g.OW, yn + (size_t)oh * g.OW, (int32_t)plane, avx);
    }
  }
}

void eg_pack_conv2d_f32(const float *w, float *wp, int32_t M, int32_t K) {
  int32_t b, i, k;
  for (b = 0; b < M; b += 4) {
    const int32_t width = M - b < 4 ? M - b : 4;
    const float *src = w + (size_t)b * K;
    float *dst = wp + (size_t)b * K;
    for (k = 0; k < K; k++) {
      for (i = 0; i < width; i++) dst[(size_t)k * width + i] = src[(size_t)i * K + k];
    }
  }
}

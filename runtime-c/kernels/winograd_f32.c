#include "winograd_f32.h"
#include "tile_f32.h"

/*
 * Geometry of one call (layout in winograd_f32.h): TW tiles per tile row (a multiple of 4), R tile
 * rows per band, T = R * TW GEMM columns, LP = TW + 2 floats per band phase row (even, so 2LP is
 * a multiple of 4).
 */
typedef struct {
  int32_t N, C, IH, IW, M, OH, OW, PT, PL, TW, R, T, LP;
} wg_geom;

/* y[j] = a[j] - b[j] etc. over n floats (a multiple of 4: each chunk is one vector operation). */
static void rows_bt(const float *EG_RESTRICT d0, const float *EG_RESTRICT d1, const float *EG_RESTRICT d2, const float *EG_RESTRICT d3,
                    float *EG_RESTRICT r0, float *EG_RESTRICT r1, float *EG_RESTRICT r2, float *EG_RESTRICT r3, int32_t n) {
  int32_t j, k;
  for (k = 0; k < n; k += 4) {
    for (j = 0; j < 4; j++) {
      r0[k + j] = d0[k + j] - d2[k + j];
      r1[k + j] = d1[k + j] + d2[k + j];
      r2[k + j] = d2[k + j] - d1[k + j];
      r3[k + j] = d1[k + j] - d3[k + j];
    }
  }
}

/* The column half of B^T d B for T tiles (a multiple of 4) of one row combination. */
static void cols_bt(const float *EG_RESTRICT ev, const float *EG_RESTRICT od, float *EG_RESTRICT v0, float *EG_RESTRICT v1,
                    float *EG_RESTRICT v2, float *EG_RESTRICT v3, int32_t T) {
  int32_t j, t;
  for (t = 0; t < T; t += 4) {
    for (j = 0; j < 4; j++) {
      v0[t + j] = ev[t + j] - ev[t + j + 1];
      v1[t + j] = od[t + j] + ev[t + j + 1];
      v2[t + j] = ev[t + j + 1] - od[t + j];
      v3[t + j] = od[t + j] - od[t + j + 1];
    }
  }
}

/*
 * V = B^T d B for every channel and tile of one tile row, into V's columns from v on. Band row r of channel c is split into its
 * even and odd columns (phase rows of LP floats at ((4c + r) * 2 + phase) * LP), so tile t's
 * columns 2t, 2t + 1, 2t + 2, 2t + 3 are even[t], odd[t], even[t + 1], odd[t + 1]: rows first
 * (B^T: d0 - d2, d1 + d2, d2 - d1, d1 - d3, on both phases), then columns the same way, four
 * tiles per vector. V[xi][c][t] (row stride T) with xi = 4 * row combination + column combination.
 */
static void input_transform(const float *band, const wg_geom *g, float *v, float *rows) {
  const int32_t C = g->C, T = g->T, TW = g->TW, LP = g->LP, span = 2 * LP, n = span;
  int32_t c, i;
  for (c = 0; c < C; c++) {
    const float *d0 = band + (size_t)(4 * c) * span;
    rows_bt(d0, d0 + span, d0 + 2 * span, d0 + 3 * span, rows, rows + n, rows + 2 * (size_t)n, rows + 3 * (size_t)n, n);
    for (i = 0; i < 4; i++) {
      const float *ev = rows + (size_t)i * n, *od = ev + LP;
      float *v0 = v + ((size_t)(4 * i) * C + c) * T;
      cols_bt(ev, od, v0, v0 + (size_t)C * T, v0 + 2 * (size_t)C * T, v0 + 3 * (size_t)C * T, TW);
    }
  }
}

/*
 * Y = A^T M A for output channel m of the band (M[xi][m][t] at mb, xi stride xs) plus the bias:
 * rows (m0 + m1 + m2, m1 - m2 - m3), then columns the same way, four tiles per vector; then
 * each tile's 2x2 outputs are stored where they lie inside the output.
 */
/* Rows of A^T M for one column combination k of four tiles: s0 = m0 + m1 + m2, s1 = m1 - m2 - m3. */
static void rows_at(const float *EG_RESTRICT m0, const float *EG_RESTRICT m1, const float *EG_RESTRICT m2, const float *EG_RESTRICT m3,
                    float *EG_RESTRICT s0, float *EG_RESTRICT s1) {
  int32_t j;
  for (j = 0; j < 4; j++) {
    s0[j] = m0[j] + m1[j] + m2[j];
    s1[j] = m1[j] - m2[j] - m3[j];
  }
}

static void output_transform(const float *mb, const wg_geom *g, int32_t m, float bias, float *ym, int32_t ty) {
  /* mb points at the tile row's first column of M[0][0]. */
  const size_t xs = (size_t)g->M * g->T;
  const int32_t tiles = (g->OW + 1) / 2, oh = 2 * ty;
  int32_t t, j;
  for (t = 0; t < tiles; t += 4) {
    const float *q = mb + (size_t)m * g->T + t;
    float a0[4], a1[4], a2[4], a3[4], b0[4], b1[4], b2[4], b3[4], y00[4], y01[4], y10[4], y11[4];
    rows_at(q, q + 4 * xs, q + 8 * xs, q + 12 * xs, a0, b0);
    rows_at(q + xs, q + 5 * xs, q + 9 * xs, q + 13 * xs, a1, b1);
    rows_at(q + 2 * xs, q + 6 * xs, q + 10 * xs, q + 14 * xs, a2, b2);
    rows_at(q + 3 * xs, q + 7 * xs, q + 11 * xs, q + 15 * xs, a3, b3);
    for (j = 0; j < 4; j++) {
      y00[j] = a0[j] + a1[j] + a2[j] + bias;
      y01[j] = a1[j] - a2[j] - a3[j] + bias;
      y10[j] = b0[j] + b1[j] + b2[j] + bias;
      y11[j] = b1[j] - b2[j] - b3[j] + bias;
    }
    for (j = 0; j < 4 && t + j < tiles; j++) {
      const int32_t ow = 2 * (t + j);
      float *top = ym + (size_t)oh * g->OW + ow;
      top[0] = y00[j];
      if (ow + 1 < g->OW) top[1] = y01[j];
      if (oh + 1 < g->OH) {
        top[g->OW] = y10[j];
        if (ow + 1 < g->OW) top[g->OW + 1] = y11[j];
      }
    }
  }
}

/* Copies the 4 input rows of tile row ty of image xn into the band, even and odd columns apart. */
static void fill_band(const float *xn, const wg_geom *g, int32_t ty, float *band) {
  int32_t c, r;
  for (c = 0; c < g->C; c++) {
    for (r = 0; r < 4; r++) {
      const int32_t ih = 2 * ty - g->PT + r;
      const float *row = ih >= 0 && ih < g->IH ? xn + ((size_t)c * g->IH + ih) * g->IW : NULL;
      float *dst = band + (size_t)(4 * c + r) * 2 * g->LP;
      eg_f32_fill_phase(dst, row, 0, g->IW, g->PL, 2, g->LP);
      eg_f32_fill_phase(dst + g->LP, row, 1, g->IW, g->PL, 2, g->LP);
    }
  }
}

/*
 * The 16 GEMMs M[xi] = U[xi] V[xi] over the band's first `cols` columns, in column blocks of the
 * tile width (the last shifted back to end at `cols`; cols >= the width) by blocks of 4 output
 * channels (the last M % 4 from `tails`).
 */
static void band_gemms(const float *u, const float *v, const float *tails, const int32_t *off, const wg_geom *g, int32_t cols, float *mbuf) {
  const int32_t width = cols >= EG_F32_TILE_COLS ? EG_F32_TILE_COLS : 4;
  int32_t xi, tb, mb;
  for (xi = 0; xi < 16; xi++) {
    const float *uxi = u + (size_t)xi * g->M * g->C;
    const float *vxi = v + (size_t)xi * g->C * g->T;
    for (tb = 0; tb < cols; tb += width) {
      const int32_t at = tb + width <= cols ? tb : cols - width;
      for (mb = 0; 4 * mb < g->M; mb++) {
        const int32_t rows = g->M - 4 * mb < 4 ? g->M - 4 * mb : 4;
        const float *a = rows == 4 ? uxi + (size_t)mb * 4 * g->C : tails + (size_t)xi * 4 * g->C;
        float *yt = mbuf + ((size_t)xi * g->M + 4 * mb) * g->T + at;
        if (width == 4) eg_f32_tile4(g->C, a, vxi + at, off, yt, g->T, rows, 4, NULL);
        else eg_f32_tile(g->C, a, vxi + at, off, yt, g->T, rows, width, NULL);
      }
    }
  }
}

void eg_conv2d_winograd_f32(const float *x, const float *u, const float *bias, float *y, const int32_t *p, void *scratch) {
  wg_geom g;
  float *band, *v, *mbuf, *tails, *rows;
  int32_t *off;
  int32_t n, ty0, r, c, xi, m;
  g.N = p[0]; g.C = p[1]; g.IH = p[2]; g.IW = p[3];
  g.M = p[4]; g.OH = p[5]; g.OW = p[6]; g.PT = p[7]; g.PL = p[8]; g.TW = p[9]; g.R = p[10];
  g.T = g.R * g.TW;
  g.LP = g.TW + 2;
  band = (float *)scratch;
  v = band + (size_t)8 * g.C * g.LP;
  mbuf = v + (size_t)16 * g.C * g.T;
  tails = mbuf + (size_t)16 * g.M * g.T;
  off = (int32_t *)(tails + (size_t)16 * 4 * g.C);
  /* The transform's rows (4 x 2LP floats) use the GEMM output buffer before the GEMMs write it. */
  rows = mbuf;
  for (c = 0; c < g.C; c++) off[c] = c * g.T;
  if (g.M % 4 != 0) {
    for (xi = 0; xi < 16; xi++) {
      eg_f32_pack_rows(g.C, u + (size_t)xi * g.M * g.C + (size_t)(g.M / 4) * 4 * g.C, 1, g.M % 4, g.M % 4, tails + (size_t)xi * 4 * g.C);
    }
  }
  for (n = 0; n < g.N; n++) {
    const float *xn = x + (size_t)n * g.C * g.IH * g.IW;
    float *yn = y + (size_t)n * g.M * g.OH * g.OW;
    const int32_t TH = (g.OH + 1) / 2;
    for (ty0 = 0; ty0 < TH; ty0 += g.R) {
      const int32_t here = TH - ty0 < g.R ? TH - ty0 : g.R;
      for (r = 0; r < here; r++) {
        fill_band(xn, &g, ty0 + r, band);
        input_transform(band, &g, v + (size_t)r * g.TW, rows);
      }
      band_gemms(u, v, tails, off, &g, here * g.TW, mbuf);
      for (r = 0; r < here; r++) {
        for (m = 0; m < g.M; m++) output_transform(mbuf + (size_t)r * g.TW, &g, m, bias != NULL ? bias[m] : 0.0f, yn + (size_t)m * g.OH * g.OW, ty0 + r);
      }
    }
  }
}

/* h -> (h0, (h0 + h1 + h2) / 2, (h0 - h1 + h2) / 2, h2): one side of G g G^T. */
static void g_side(const float h[3], float out[4]) {
  out[0] = h[0];
  out[1] = (h[0] + h[1] + h[2]) * 0.5f;
  out[2] = (h[0] - h[1] + h[2]) * 0.5f;
  out[3] = h[2];
}

void eg_pack_winograd_f32(const float *w, float *u, int32_t M, int32_t C) {
  int32_t m, c, i, j;
  for (m = 0; m < M; m++) {
    const int32_t block = m / 4, width = M - 4 * block < 4 ? M - 4 * block : 4;
    for (c = 0; c < C; c++) {
      const float *gk = w + ((size_t)m * C + c) * 9;
      float cols[3][4], rowv[3], side[4];
      for (j = 0; j < 3; j++) {
        const float colv[3] = {gk[j], gk[3 + j], gk[6 + j]};
        g_side(colv, cols[j]);
      }
      for (i = 0; i < 4; i++) {
        for (j = 0; j < 3; j++) rowv[j] = cols[j][i];
        g_side(rowv, side);
        for (j = 0; j < 4; j++) u[(size_t)(4 * i + j) * M * C + (size_t)block * 4 * C + (size_t)c * width + (m - 4 * block)] = side[j];
      }
    }
  }
}

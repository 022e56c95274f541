#include "depthwise_f32.h"
#include "tile_f32.h"
#include "tile_scalar_f32.h"

/*
 * A tile of 4 output rows by EG_F32_TILE_COLS columns: y[r * ys + j] = sum over taps t of
 * w[t] * b[r * rstep + off[t] + j], plus bias, for r < rows and j < cols. Four independent
 * accumulators per tap keep the adds' latency hidden (one row alone would chain every tap
 * through one register).
 */
#if EG_F32_TILE_COLS == 4
static void dw_tile(int32_t taps, const float *EG_RESTRICT w, const float *EG_RESTRICT b, int32_t rstep, const int32_t *EG_RESTRICT off,
                    float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, float bias) {
  float acc[16];
  int32_t r;
  eg_f32_dw4x4(taps, w, b, rstep, off, acc);
  for (r = 0; r < rows; r++) eg_f32_store4(y + (size_t)r * ys, acc + 4 * r, bias, cols);
}
#else
/*
 * 4 rows by 8 columns (two 4-float halves per row: 8 accumulator registers). Narrower rows use it
 * too (LW >= 8: the columns past cols are read, computed and dropped).
 */
static void dw_tile(int32_t taps, const float *EG_RESTRICT w, const float *EG_RESTRICT b, int32_t rstep, const int32_t *EG_RESTRICT off,
                    float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, float bias) {
  float r0[4] = {0.0f}, r1[4] = {0.0f}, r2[4] = {0.0f}, r3[4] = {0.0f};
  float h0[4] = {0.0f}, h1[4] = {0.0f}, h2[4] = {0.0f}, h3[4] = {0.0f};
  int32_t j, t;
  for (t = 0; t < taps; t++) {
    const float wv = w[t];
    const float *bt = b + off[t];
    for (j = 0; j < 4; j++) {
      r0[j] += wv * bt[j];
      r1[j] += wv * bt[rstep + j];
      r2[j] += wv * bt[2 * rstep + j];
      r3[j] += wv * bt[3 * rstep + j];
    }
    for (j = 0; j < 4; j++) {
      h0[j] += wv * bt[j + 4];
      h1[j] += wv * bt[rstep + j + 4];
      h2[j] += wv * bt[2 * rstep + j + 4];
      h3[j] += wv * bt[3 * rstep + j + 4];
    }
  }
  {
    const float *const lo[4] = {r0, r1, r2, r3};
    const float *const hi[4] = {h0, h1, h2, h3};
    const float add[4] = {bias, bias, bias, bias};
    eg_f32_store_tile(y, ys, lo, hi, add, rows, cols);
  }
}
#endif

void eg_depthwise2d_f32(const float *x, const float *w, const float *bias, float *y, const int32_t *p, void *scratch) {
  const int32_t N = p[0], C = p[1], IH = p[2], IW = p[3], OH = p[4], OW = p[5];
  const int32_t KH = p[6], KW = p[7], SH = p[8], SW = p[9], DH = p[10], DW = p[11];
  const int32_t PT = p[12], PL = p[13], LW = p[14], R = p[15];
  const int32_t taps = KH * KW, rstep = SH * SW * LW;
  const int32_t width = EG_F32_TILE_COLS;
  float *band = (float *)scratch;
  int32_t *off = (int32_t *)(band + (size_t)R * SW * LW);
  int32_t n, c, r, q, kh, kw, oh0, ow0;
  /* Tap (kh, kw) of output (0, 0) reads phase (kw * DW) % SW of band row kh * DH. */
  for (kh = 0; kh < KH; kh++) {
    for (kw = 0; kw < KW; kw++) off[kh * KW + kw] = (kh * DH * SW + (kw * DW) % SW) * LW + (kw * DW) / SW;
  }
  for (n = 0; n < N; n++) {
    for (c = 0; c < C; c++) {
      const float *xc = x + ((size_t)n * C + c) * IH * IW;
      float *yc = y + ((size_t)n * C + c) * OH * OW;
      const float *wc = w + (size_t)c * taps;
      const float b = bias != NULL ? bias[c] : 0.0f;
      for (r = 0; r < R; r++) {
        const int32_t ih = r - PT;
        const float *row = ih >= 0 && ih < IH ? xc + (size_t)ih * IW : NULL;
        for (q = 0; q < SW; q++) eg_f32_fill_phase(band + ((size_t)r * SW + q) * LW, row, q, IW, PL, SW, LW);
      }
      /* Row and column blocks; the last of each is shifted back to end at the edge (bit-identical recomputation). */
      for (oh0 = 0; oh0 < OH; oh0 += 4) {
        const int32_t oh = OH < 4 ? 0 : (oh0 + 4 <= OH ? oh0 : OH - 4);
        const int32_t rows = OH < 4 ? OH : 4;
        for (ow0 = 0; ow0 < OW; ow0 += width) {
          const int32_t ow = OW < width ? 0 : (ow0 + width <= OW ? ow0 : OW - width);
          const int32_t cols = OW < width ? OW : width;
          const float *bt = band + (size_t)oh * rstep + ow;
          float *yt = yc + (size_t)oh * OW + ow;
          dw_tile(taps, wc, bt, rstep, off, yt, OW, rows, cols, b);
        }
      }
    }
  }
}

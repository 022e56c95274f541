#include <string.h>

#include "tile_f32.h"
#include "tile_scalar_f32.h"
#include "tile_avx_f32.h"

/*
 * Why the code looks like this: every accumulator is a `float[4]` updated by a loop of exactly 4
 * iterations. At -O2 gcc (12+) vectorises such a loop into one 128-bit operation and keeps the
 * array in a register; a longer loop or a 2-D array stays in memory. Rows are spelled out for the
 * same reason. Bias is added after the sum, which keeps the k-order sum the contract above.
 */

void eg_f32_store4(float *y, const float acc[4], float add, int32_t cols) {
  int32_t j;
  if (cols >= 4) {
    for (j = 0; j < 4; j++) y[j] = acc[j] + add;
  } else {
    for (j = 0; j < cols; j++) y[j] = acc[j] + add;
  }
}

#if EG_F32_TILE_COLS == 8
/* add[i] = bias[i] for the tile's rows, 0 past them or without a bias (bias has `rows` entries). */
static void row_bias(const float *bias, int32_t rows, float add[4]) {
  int32_t i;
  for (i = 0; i < 4; i++) add[i] = bias != NULL && i < rows ? bias[i] : 0.0f;
}

void eg_f32_tile4(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b, const int32_t *EG_RESTRICT off,
                  float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, const float *EG_RESTRICT bias) {
  float c0[4] = {0.0f}, c1[4] = {0.0f}, c2[4] = {0.0f}, c3[4] = {0.0f};
  int32_t j, k;
  for (k = 0; k < K; k++) {
    const float *ak = a + (size_t)k * 4;
    const float *bk = b + off[k];
    const float a0 = ak[0], a1 = ak[1], a2 = ak[2], a3 = ak[3];
    for (j = 0; j < 4; j++) {
      c0[j] += a0 * bk[j];
      c1[j] += a1 * bk[j];
      c2[j] += a2 * bk[j];
      c3[j] += a3 * bk[j];
    }
  }
  {
    /* Four columns at most: store_tile reads hi only for cols > 4. */
    const float *const lo[4] = {c0, c1, c2, c3};
    float add[4];
    row_bias(bias, rows, add);
    eg_f32_store_tile(y, ys, lo, lo, add, rows, cols);
  }
}

void eg_f32_tile(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b, const int32_t *EG_RESTRICT off,
                 float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, const float *EG_RESTRICT bias) {
  float c00[4] = {0.0f}, c01[4] = {0.0f}, c10[4] = {0.0f}, c11[4] = {0.0f};
  float c20[4] = {0.0f}, c21[4] = {0.0f}, c30[4] = {0.0f}, c31[4] = {0.0f};
  int32_t j, k;
#if EG_F32_AVX
  if (eg_f32_avx()) {
    eg_f32_tile8_avx(K, a, b, off, y, ys, rows, cols, bias);
    return;
  }
#endif
  for (k = 0; k < K; k++) {
    const float *ak = a + (size_t)k * 4;
    const float *bk = b + off[k];
    const float a0 = ak[0], a1 = ak[1], a2 = ak[2], a3 = ak[3];
    for (j = 0; j < 4; j++) {
      c00[j] += a0 * bk[j];
      c10[j] += a1 * bk[j];
      c20[j] += a2 * bk[j];
      c30[j] += a3 * bk[j];
    }
    for (j = 0; j < 4; j++) {
      c01[j] += a0 * bk[j + 4];
      c11[j] += a1 * bk[j + 4];
      c21[j] += a2 * bk[j + 4];
      c31[j] += a3 * bk[j + 4];
    }
  }
  {
    const float *const lo[4] = {c00, c10, c20, c30};
    const float *const hi[4] = {c01, c11, c21, c31};
    float add[4];
    row_bias(bias, rows, add);
    eg_f32_store_tile(y, ys, lo, hi, add, rows, cols);
  }
}
#else
/* No float vectors: the 4x4 inner loop of tile_scalar_f32 (VMLA on Armv7E-M M4F/M7), then the stores. */
void eg_f32_tile4(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b, const int32_t *EG_RESTRICT off,
                  float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, const float *EG_RESTRICT bias) {
  float acc[16];
  int32_t i;
  eg_f32_dot4x4(K, a, b, off, acc);
  for (i = 0; i < rows; i++) eg_f32_store4(y + (size_t)i * ys, acc + 4 * i, bias != NULL ? bias[i] : 0.0f, cols);
}

void eg_f32_tile(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b, const int32_t *EG_RESTRICT off,
                 float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, const float *EG_RESTRICT bias) {
  eg_f32_tile4(K, a, b, off, y, ys, rows, cols, bias);
}
#endif

void eg_f32_pack_rows(int32_t K, const float *src, int32_t src_rs, int32_t src_ks, int32_t rows, float *dst) {
  int32_t i, k;
  for (k = 0; k < K; k++) {
    for (i = 0; i < 4; i++) dst[(size_t)k * 4 + i] = i < rows ? src[(size_t)i * src_rs + (size_t)k * src_ks] : 0.0f;
  }
}

void eg_f32_fill_phase(float *d, const float *row, int32_t q, int32_t IW, int32_t PL, int32_t SW, int32_t LW) {
  int32_t lo = 0, hi = 0, t;
  if (row != NULL && IW - 1 + PL - q >= 0) {
    lo = q >= PL ? 0 : (PL - q + SW - 1) / SW;
    hi = (IW - 1 + PL - q) / SW + 1;
    if (hi > LW) hi = LW;
    if (lo > hi) lo = hi;
  }
  memset(d, 0, sizeof(float) * (size_t)lo);
  if (hi <= lo) {
    /* an all-padding row: nothing to copy */
  } else if (SW == 1) {
    memcpy(d + lo, row + lo - PL, sizeof(float) * (size_t)(hi - lo));
  } else if (SW == 2) {
    /* Every other float: in chunks of 4, which compilers turn into a load pair and a shuffle. */
    const float *s = row + q - PL;
    int32_t j;
    for (t = lo; t + 4 <= hi; t += 4) {
      for (j = 0; j < 4; j++) d[t + j] = s[2 * (t + j)];
    }
    for (; t < hi; t++) d[t] = s[2 * t];
  } else {
    for (t = lo; t < hi; t++) d[t] = row[q + t * SW - PL];
  }
  memset(d + hi, 0, sizeof(float) * (size_t)(LW - hi));
}

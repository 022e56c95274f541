#include "tile_avx_f32.h"

#if EG_F32_AVX
#include <immintrin.h>

int eg_f32_avx(void) {
  return __builtin_cpu_supports("avx") ? 1 : 0;
}

/* The row's bias, 0 without one. */
static float row_add(const float *bias, int32_t i) {
  return bias != NULL ? bias[i] : 0.0f;
}

/* A partial tile (the last channels, or a short row), its accumulators spilled to t: row by row. */
static void store_part(float *EG_RESTRICT y, int32_t ys, const float t[4][16], int32_t rows, int32_t cols, const float *bias) {
  int32_t i, j;
  for (i = 0; i < rows; i++) {
    const float add = row_add(bias, i);
    for (j = 0; j < cols; j++) y[(size_t)i * ys + j] = t[i][j] + add;
  }
}

/* Eight accumulators (4 rows by 2 halves), four broadcasts and two loads per k: 11 of 16 ymm. */
__attribute__((target("avx"))) void eg_f32_tile16_avx(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b,
                                                      const int32_t *EG_RESTRICT off, float *EG_RESTRICT y, int32_t ys,
                                                      int32_t rows, int32_t cols, const float *EG_RESTRICT bias) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  float t[4][16];
  int32_t k;
  for (k = 0; k < K; k++) {
    const float *ak = a + (size_t)k * 4;
    const float *bk = b + off[k];
    const __m256 b0 = _mm256_loadu_ps(bk), b1 = _mm256_loadu_ps(bk + 8);
    __m256 av = _mm256_broadcast_ss(ak);
    c00 = _mm256_add_ps(c00, _mm256_mul_ps(av, b0));
    c01 = _mm256_add_ps(c01, _mm256_mul_ps(av, b1));
    av = _mm256_broadcast_ss(ak + 1);
    c10 = _mm256_add_ps(c10, _mm256_mul_ps(av, b0));
    c11 = _mm256_add_ps(c11, _mm256_mul_ps(av, b1));
    av = _mm256_broadcast_ss(ak + 2);
    c20 = _mm256_add_ps(c20, _mm256_mul_ps(av, b0));
    c21 = _mm256_add_ps(c21, _mm256_mul_ps(av, b1));
    av = _mm256_broadcast_ss(ak + 3);
    c30 = _mm256_add_ps(c30, _mm256_mul_ps(av, b0));
    c31 = _mm256_add_ps(c31, _mm256_mul_ps(av, b1));
  }
  if (rows == 4 && cols == 16) {
    float *y1 = y + ys, *y2 = y1 + ys, *y3 = y2 + ys;
    __m256 bv = _mm256_set1_ps(row_add(bias, 0));
    _mm256_storeu_ps(y, _mm256_add_ps(c00, bv));
    _mm256_storeu_ps(y + 8, _mm256_add_ps(c01, bv));
    bv = _mm256_set1_ps(row_add(bias, 1));
    _mm256_storeu_ps(y1, _mm256_add_ps(c10, bv));
    _mm256_storeu_ps(y1 + 8, _mm256_add_ps(c11, bv));
    bv = _mm256_set1_ps(row_add(bias, 2));
    _mm256_storeu_ps(y2, _mm256_add_ps(c20, bv));
    _mm256_storeu_ps(y2 + 8, _mm256_add_ps(c21, bv));
    bv = _mm256_set1_ps(row_add(bias, 3));
    _mm256_storeu_ps(y3, _mm256_add_ps(c30, bv));
    _mm256_storeu_ps(y3 + 8, _mm256_add_ps(c31, bv));
    return;
  }
  _mm256_storeu_ps(t[0], c00);
  _mm256_storeu_ps(t[0] + 8, c01);
  _mm256_storeu_ps(t[1], c10);
  _mm256_storeu_ps(t[1] + 8, c11);
  _mm256_storeu_ps(t[2], c20);
  _mm256_storeu_ps(t[2] + 8, c21);
  _mm256_storeu_ps(t[3], c30);
  _mm256_storeu_ps(t[3] + 8, c31);
  store_part(y, ys, (const float(*)[16])t, rows, cols, bias);
}

/* Four accumulators (one 8-column row each), four broadcasts and one load per k. */
__attribute__((target("avx"))) void eg_f32_tile8_avx(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b,
                                                     const int32_t *EG_RESTRICT off, float *EG_RESTRICT y, int32_t ys,
                                                     int32_t rows, int32_t cols, const float *EG_RESTRICT bias) {
  __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
  float t[4][16];
  int32_t k;
  for (k = 0; k < K; k++) {
    const float *ak = a + (size_t)k * 4;
    const __m256 bk = _mm256_loadu_ps(b + off[k]);
    c0 = _mm256_add_ps(c0, _mm256_mul_ps(_mm256_broadcast_ss(ak), bk));
    c1 = _mm256_add_ps(c1, _mm256_mul_ps(_mm256_broadcast_ss(ak + 1), bk));
    c2 = _mm256_add_ps(c2, _mm256_mul_ps(_mm256_broadcast_ss(ak + 2), bk));
    c3 = _mm256_add_ps(c3, _mm256_mul_ps(_mm256_broadcast_ss(ak + 3), bk));
  }
  if (rows == 4 && cols == 8) {
    _mm256_storeu_ps(y, _mm256_add_ps(c0, _mm256_set1_ps(row_add(bias, 0))));
    _mm256_storeu_ps(y + ys, _mm256_add_ps(c1, _mm256_set1_ps(row_add(bias, 1))));
    _mm256_storeu_ps(y + (size_t)2 * ys, _mm256_add_ps(c2, _mm256_set1_ps(row_add(bias, 2))));
    _mm256_storeu_ps(y + (size_t)3 * ys, _mm256_add_ps(c3, _mm256_set1_ps(row_add(bias, 3))));
    return;
  }
  _mm256_storeu_ps(t[0], c0);
  _mm256_storeu_ps(t[1], c1);
  _mm256_storeu_ps(t[2], c2);
  _mm256_storeu_ps(t[3], c3);
  store_part(y, ys, (const float(*)[16])t, rows, cols, bias);
}
#else
/* ISO C forbids an empty translation unit. */
typedef int eg_tile_avx_f32_unused;
#endif

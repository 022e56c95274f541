#include "tile_avx_f32.h"

#if EG_F32_AVX
#include <immintrin.h>

int eg_f32_avx(void) {
  return __builtin_cpu_supports("avx") ? 1 : 0;
}

/* Eight accumulators (4 rows by 2 halves), four broadcasts and two loads per k: 11 of 16 ymm. */
__attribute__((target("avx"))) void eg_f32_tile16_avx(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b,
                                                      const int32_t *EG_RESTRICT off, float *EG_RESTRICT y, int32_t ys,
                                                      int32_t rows, int32_t cols, const float *EG_RESTRICT bias) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
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
    __m256 bv = _mm256_set1_ps(bias != NULL ? bias[0] : 0.0f);
    _mm256_storeu_ps(y, _mm256_add_ps(c00, bv));
    _mm256_storeu_ps(y + 8, _mm256_add_ps(c01, bv));
    bv = _mm256_set1_ps(bias != NULL ? bias[1] : 0.0f);
    _mm256_storeu_ps(y1, _mm256_add_ps(c10, bv));
    _mm256_storeu_ps(y1 + 8, _mm256_add_ps(c11, bv));
    bv = _mm256_set1_ps(bias != NULL ? bias[2] : 0.0f);
    _mm256_storeu_ps(y2, _mm256_add_ps(c20, bv));
    _mm256_storeu_ps(y2 + 8, _mm256_add_ps(c21, bv));
    bv = _mm256_set1_ps(bias != NULL ? bias[3] : 0.0f);
    _mm256_storeu_ps(y3, _mm256_add_ps(c30, bv));
    _mm256_storeu_ps(y3 + 8, _mm256_add_ps(c31, bv));
    return;
  }
  {
    /* A partial tile (the last channels, or a row narrower than 16): through memory, row by row. */
    float t[4][16];
    int32_t i, j;
    _mm256_storeu_ps(t[0], c00);
    _mm256_storeu_ps(t[0] + 8, c01);
    _mm256_storeu_ps(t[1], c10);
    _mm256_storeu_ps(t[1] + 8, c11);
    _mm256_storeu_ps(t[2], c20);
    _mm256_storeu_ps(t[2] + 8, c21);
    _mm256_storeu_ps(t[3], c30);
    _mm256_storeu_ps(t[3] + 8, c31);
    for (i = 0; i < rows; i++) {
      const float add = bias != NULL ? bias[i] : 0.0f;
      for (j = 0; j < cols; j++) y[(size_t)i * ys + j] = t[i][j] + add;
    }
  }
}
#else
/* ISO C forbids an empty translation unit. */
typedef int eg_tile_avx_f32_unused;
#endif

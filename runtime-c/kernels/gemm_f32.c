#include "gemm_f32.h"

void eg_gemm_f32(int32_t M, int32_t N, int32_t K,
                 const float *a, int32_t a_rs, int32_t a_cs,
                 const float *b, int32_t b_rs, int32_t b_cs,
                 const float *c, int32_t c_rs, int32_t c_cs,
                 float alpha, float beta, float *y) {
  int32_t i, j, k;
  for (i = 0; i < M; i++) {
    float *yr = y + (size_t)i * N;
    const float *ar = a + (size_t)i * a_rs;
    for (j = 0; j < N; j++) yr[j] = 0.0f;
    if (b_cs == 1) {
      /* Rows of B are contiguous: accumulate a[i,k] * B[k,:] into the output row. */
      for (k = 0; k < K; k++) {
        const float av = ar[(size_t)k * a_cs];
        const float *br = b + (size_t)k * b_rs;
        for (j = 0; j < N; j++) yr[j] += av * br[j];
      }
    } else {
      /* Columns of B are contiguous (transB): one dot product per output. */
      for (j = 0; j < N; j++) {
        const float *bc = b + (size_t)j * b_cs;
        float acc = 0.0f;
        for (k = 0; k < K; k++) acc += ar[(size_t)k * a_cs] * bc[(size_t)k * b_rs];
        yr[j] = acc;
      }
    }
    for (j = 0; j < N; j++) {
      float v = alpha * yr[j];
      if (c != NULL) v += beta * c[(size_t)i * c_rs + (size_t)j * c_cs];
      yr[j] = v;
    }
  }
}

void eg_matmul_f32(const float *a, const float *b, float *y, int32_t batch, int32_t M, int32_t N, int32_t K,
                   const int32_t *a_off, const int32_t *b_off) {
  int32_t t;
  for (t = 0; t < batch; t++) {
    eg_gemm_f32(M, N, K, a + a_off[t], K, 1, b + b_off[t], N, 1, NULL, 0, 0, 1.0f, 0.0f, y + (size_t)t * M * N);
  }
}

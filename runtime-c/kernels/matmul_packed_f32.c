#include "matmul_packed_f32.h"
#include "tile_f32.h"
#include "tile_scalar_f32.h"

/* Panel width of the packed B (fixed by the layout, whatever EG_F32_TILE_COLS the build has). */
#define PANEL 8

/* y[j] = a . panel column j (+ bias[j]) for j < cols: one panel of 8 columns. */
#if EG_F32_TILE_COLS == 4
static void row_panel(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT panel, float *EG_RESTRICT y, int32_t cols, const float *bias) {
  float acc[8];
  int32_t j;
  eg_f32_dot1x8(K, a, panel, acc);
  for (j = 0; j < cols; j++) y[j] = acc[j] + (bias != NULL ? bias[j] : 0.0f);
}
#else
static void row_panel(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT panel, float *EG_RESTRICT y, int32_t cols, const float *bias) {
  float lo[4] = {0.0f}, hi[4] = {0.0f};
  int32_t j, k;
  for (k = 0; k < K; k++) {
    const float av = a[k];
    const float *bk = panel + (size_t)k * PANEL;
    for (j = 0; j < 4; j++) {
      lo[j] += av * bk[j];
      hi[j] += av * bk[j + 4];
    }
  }
  for (j = 0; j < 4; j++) {
    if (j < cols) y[j] = lo[j] + (bias != NULL ? bias[j] : 0.0f);
    if (j + 4 < cols) y[j + 4] = hi[j] + (bias != NULL ? bias[j + 4] : 0.0f);
  }
}
#endif

#if EG_F32_TILE_COLS == 8
/* y[j] = acc[j] + bias[at + j] (or + 0) for j < 4: the same single add as row_panel on every target. */
static void store_cols(float *y, const float acc[4], const float *bias, int32_t at) {
  int32_t j;
  for (j = 0; j < 4; j++) y[j] = acc[j] + (bias != NULL ? bias[at + j] : 0.0f);
}

/*
 * Four full panels (32 columns) at once: eight independent accumulators hide the adds' latency
 * that a single panel's two would expose, and four streams keep the loads busy (a GEMV is bound
 * by reading B).
 */
static void row_panels4(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT p0, size_t pstride, float *EG_RESTRICT y, const float *bias) {
  float c0[4] = {0.0f}, c1[4] = {0.0f}, c2[4] = {0.0f}, c3[4] = {0.0f};
  float c4[4] = {0.0f}, c5[4] = {0.0f}, c6[4] = {0.0f}, c7[4] = {0.0f};
  int32_t j, k;
  for (k = 0; k < K; k++) {
    const float av = a[k];
    const float *b0 = p0 + (size_t)k * PANEL;
    const float *b1 = b0 + pstride;
    const float *b2 = b1 + pstride;
    const float *b3 = b2 + pstride;
    for (j = 0; j < 4; j++) {
      c0[j] += av * b0[j];
      c1[j] += av * b0[j + 4];
      c2[j] += av * b1[j];
      c3[j] += av * b1[j + 4];
    }
    for (j = 0; j < 4; j++) {
      c4[j] += av * b2[j];
      c5[j] += av * b2[j + 4];
      c6[j] += av * b3[j];
      c7[j] += av * b3[j + 4];
    }
  }
  store_cols(y, c0, bias, 0);
  store_cols(y + 4, c1, bias, 4);
  store_cols(y + 8, c2, bias, 8);
  store_cols(y + 12, c3, bias, 12);
  store_cols(y + 16, c4, bias, 16);
  store_cols(y + 20, c5, bias, 20);
  store_cols(y + 24, c6, bias, 24);
  store_cols(y + 28, c7, bias, 28);
}
#endif

/* One output row: full panels four at a time where the build has vectors, then one by one. */
static void matmul_row(int32_t N, int32_t K, const float *a, const float *bp, const float *tail, const float *bias, float *y) {
  const int32_t full = N / PANEL;
  int32_t q = 0;
#if EG_F32_TILE_COLS == 8
  for (; q + 4 <= full; q += 4) row_panels4(K, a, bp + (size_t)q * PANEL * K, (size_t)PANEL * K, y + q * PANEL, bias != NULL ? bias + q * PANEL : NULL);
#endif
  for (; q < full; q++) row_panel(K, a, bp + (size_t)q * PANEL * K, y + q * PANEL, PANEL, bias != NULL ? bias + q * PANEL : NULL);
  if (N % PANEL != 0) row_panel(K, a, tail, y + full * PANEL, N % PANEL, bias != NULL ? bias + full * PANEL : NULL);
}

void eg_matmul_packed_prepare(const float *bp, int32_t N, int32_t K, float *tail, int32_t *off) {
  const int32_t full = N / PANEL, w = N % PANEL;
  int32_t k, j;
  /* The last, narrower panel padded to 8 columns, so every tile reads 8 floats per k. */
  if (w != 0) {
    const float *src = bp + (size_t)full * PANEL * K;
    for (k = 0; k < K; k++) {
      for (j = 0; j < PANEL; j++) tail[(size_t)k * PANEL + j] = j < w ? src[(size_t)k * w + j] : 0.0f;
    }
  }
  for (k = 0; k < K; k++) off[k] = k * PANEL;
}

void eg_matmul_packed_rows4(const float *apk, const float *bp, const float *tail, const int32_t *off, const float *bias, float *y,
                            int32_t rows, int32_t N, int32_t K) {
  const int32_t full = N / PANEL, w = N % PANEL;
  int32_t q;
  for (q = 0; q * PANEL < N; q++) {
    const float *panel = q < full ? bp + (size_t)q * PANEL * K : tail;
    const int32_t cols = q < full ? PANEL : w;
    float *yt = y + q * PANEL;
#if EG_F32_TILE_COLS == 8
    eg_f32_tile(K, apk, panel, off, yt, N, rows, cols, NULL);
#else
    eg_f32_tile4(K, apk, panel, off, yt, N, rows, cols, NULL);
    if (cols > 4) eg_f32_tile4(K, apk, panel + 4, off, yt + 4, N, rows, cols - 4, NULL);
#endif
  }
  if (bias != NULL) {
    int32_t i, n;
    for (i = 0; i < rows; i++) {
      for (n = 0; n < N; n++) y[(size_t)i * N + n] += bias[n];
    }
  }
}

void eg_matmul_packed_f32(const float *a, const float *bp, const float *bias, float *y, int32_t M, int32_t N, int32_t K, void *scratch) {
  float *apk = (float *)scratch;
  float *tail = apk + (size_t)4 * K;
  int32_t *off = (int32_t *)(tail + (size_t)PANEL * K);
  int32_t r;
  eg_matmul_packed_prepare(bp, N, K, tail, off);
  for (r = 0; r + 4 <= M; r += 4) {
    eg_f32_pack_rows(K, a + (size_t)r * K, K, 1, 4, apk);
    eg_matmul_packed_rows4(apk, bp, tail, off, bias, y + (size_t)r * N, 4, N, K);
  }
  for (; r < M; r++) matmul_row(N, K, a + (size_t)r * K, bp, tail, bias, y + (size_t)r * N);
}

void eg_pack_matmul_f32(const float *b, float *bp, int32_t K, int32_t N, int32_t trans) {
  int32_t q, k, j;
  for (q = 0; q < N; q += PANEL) {
    const int32_t w = N - q < PANEL ? N - q : PANEL;
    float *dst = bp + (size_t)q * K;
    for (k = 0; k < K; k++) {
      for (j = 0; j < w; j++) dst[(size_t)k * w + j] = trans ? b[(size_t)(q + j) * K + k] : b[(size_t)k * N + q + j];
    }
  }
}

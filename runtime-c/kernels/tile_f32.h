#ifndef EGRET_TILE_F32_H_
#define EGRET_TILE_F32_H_
#include "egret.h"

/*
 * Register-blocked float32 micro-kernels shared by the blocked convolution, Winograd and GEMM
 * kernels. A tile computes 4 rows (output channels, or GEMM rows) by EG_F32_TILE_COLS columns
 * (output pixels, or GEMM columns):
 *
 *   y[i * ys + j] = (sum over k = 0 .. K-1, in this order, of a[k * 4 + i] * b[off[k] + j]) + bias[i]
 *
 * for i < rows (<= 4) and j < cols (<= EG_F32_TILE_COLS). `a` is packed [K][4]; `off` gives the
 * start of column-row k in b, and b[off[k] + j] must be readable for every j < EG_F32_TILE_COLS
 * (callers shift or pad their last block; the columns past `cols` are computed and dropped).
 * bias may be NULL (0). Each output is summed in k order on every target, so a build with wider
 * vectors, or with none (an Arm M4), gives bit-identical results under -ffp-contract=off.
 *
 * The accumulators are arrays of 4 floats updated by constant-trip loops: gcc and clang at -O2
 * turn each into one SSE/NEON register, and a core without vectors (an Arm M4F) into 4 of its 32
 * single-precision registers. EG_F32_TILE_COLS is 8 with 128-bit float vectors (8 accumulator
 * vectors of 16 registers) and 4 without (16 accumulators, 4 + 4 operands: 24 of the 32 FPU
 * registers), the largest tiles that keep every accumulator in a register.
 */
#if defined(__SSE2__) || defined(__ARM_NEON) || defined(__ARM_NEON__) || defined(__AVX__)
#define EG_F32_TILE_COLS 8
#else
#define EG_F32_TILE_COLS 4
#endif

void eg_f32_tile(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b, const int32_t *EG_RESTRICT off,
                 float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, const float *EG_RESTRICT bias);

/* The same with 4 columns (for outputs narrower than EG_F32_TILE_COLS). */
void eg_f32_tile4(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b, const int32_t *EG_RESTRICT off,
                  float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, const float *EG_RESTRICT bias);

/*
 * Packs `rows` (<= 4) rows of a row-major operand (row i starts at src + i * src_rs, its k-th
 * element at + k * src_ks) into a [K][4] tile operand, zero-filling rows past `rows`.
 */
void eg_f32_pack_rows(int32_t K, const float *src, int32_t src_rs, int32_t src_ks, int32_t rows, float *dst);

/* y[j] = acc[j] + add for j < min(cols, 4): one 4-column accumulator stored with its bias. */
void eg_f32_store4(float *y, const float acc[4], float add, int32_t cols);

/*
 * One phase row of an input band: d[t] = row[q + t * SW - PL] where that column lies inside the
 * input row of IW floats, else 0, for t < LW. row may be NULL for a row outside the input (all
 * zeros). The blocked kernels read taps from such rows, so a stride or padding never breaks the
 * consecutive loads of a tile.
 */
void eg_f32_fill_phase(float *d, const float *row, int32_t q, int32_t IW, int32_t PL, int32_t SW, int32_t LW);

#if EG_F32_TILE_COLS == 8
/*
 * Stores a 4 x 8 accumulator tile: row i (columns 0-3 in lo[i], 4-7 in hi[i]) plus add[i] at
 * y + i * ys, for i < rows and columns < cols. Inline (in every kernel that includes this header)
 * so that a full tile goes from the accumulator registers straight to y, with no call per row.
 */
static inline void eg_f32_store_tile(float *EG_RESTRICT y, int32_t ys, const float *const lo[4], const float *const hi[4], const float add[4],
                                     int32_t rows, int32_t cols) {
  int32_t i, j;
  if (rows == 4 && cols == 8) {
    for (i = 0; i < 4; i++) {
      for (j = 0; j < 4; j++) {
        y[(size_t)i * ys + j] = lo[i][j] + add[i];
        y[(size_t)i * ys + j + 4] = hi[i][j] + add[i];
      }
    }
    return;
  }
  for (i = 0; i < rows; i++) {
    eg_f32_store4(y + (size_t)i * ys, lo[i], add[i], cols);
    if (cols > 4) eg_f32_store4(y + (size_t)i * ys + 4, hi[i], add[i], cols - 4);
  }
}
#endif

#endif

#ifndef EGRET_MATMUL_PACKED_F32_H_
#define EGRET_MATMUL_PACKED_F32_H_
#include "egret.h"

/*
 * y[M, N] = a[M, K] * B[K, N] (+ bias[N]) with B packed by eg_pack_matmul_f32 into panels of 8
 * columns, each panel's rows contiguous: panel q (columns 8q .. 8q + w - 1, w = min(8, N - 8q))
 * holds element (k, j) at 8qK + kw + j. Rows in blocks of 4 run on the register tiles of
 * tile_f32.h (4 rows x 8 columns, the rows packed into scratch); the last M % 4 rows, and a GEMV
 * (M < 4), run a row kernel that streams up to 4 panels at once. Each output is summed over k in
 * order and the bias added last, on every target. a and y are dense row-major; bias may be NULL.
 * scratch holds 4 * 13 * K bytes.
 */
void eg_matmul_packed_f32(const float *a, const float *bp, const float *bias, float *y, int32_t M, int32_t N, int32_t K, void *scratch);

/*
 * The pieces eg_matmul_packed_f32 runs, for kernels that pack their own rows (the NHWC implicit
 * GEMM, conv_gemm_nhwc_f32.c). prepare: tail = the last, narrower panel padded to 8 columns (8K
 * floats; untouched when N is a multiple of 8), off[k] = 8k (K ints). rows4: y[i * N + n] for
 * i < rows (<= 4) from the 4-row tile operand apk ([K][4], tile_f32.h) over every panel, bias
 * (may be NULL) added after the sum.
 */
void eg_matmul_packed_prepare(const float *bp, int32_t N, int32_t K, float *tail, int32_t *off);
void eg_matmul_packed_rows4(const float *apk, const float *bp, const float *tail, const int32_t *off, const float *bias, float *y,
                            int32_t rows, int32_t N, int32_t K);

/* The panel layout above from b: B[k, n] = b[k * N + n], or b[n * K + k] when trans is 1. */
void eg_pack_matmul_f32(const float *b, float *bp, int32_t K, int32_t N, int32_t trans);

#endif

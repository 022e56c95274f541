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

/* The panel layout above from b: B[k, n] = b[k * N + n], or b[n * K + k] when trans is 1. */
void eg_pack_matmul_f32(const float *b, float *bp, int32_t K, int32_t N, int32_t trans);

#endif

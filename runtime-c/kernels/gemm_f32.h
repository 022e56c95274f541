#ifndef EGRET_GEMM_F32_H_
#define EGRET_GEMM_F32_H_
#include "egret.h"

/*
 * y[M,N] = alpha * A[M,K] * B[K,N] + beta * C, with strided operands:
 *   A[i,k] = a[i*a_rs + k*a_cs], B[k,j] = b[k*b_rs + j*b_cs], C[i,j] = c[i*c_rs + j*c_cs]
 * (a stride of 0 broadcasts C; transposes are a swap of strides). c may be NULL (no bias term).
 * y is dense row-major [M, N] and must not overlap a, b or c.
 */
void eg_gemm_f32(int32_t M, int32_t N, int32_t K,
                 const float *a, int32_t a_rs, int32_t a_cs,
                 const float *b, int32_t b_rs, int32_t b_cs,
                 const float *c, int32_t c_rs, int32_t c_cs,
                 float alpha, float beta, float *y);

/*
 * Batched y[t] = A[t] * B[t] for t < batch (numpy matmul after broadcasting): a_off[t] and
 * b_off[t] are the element offsets of each batch's A [M,K] and B [K,N] (row-major, dense).
 */
void eg_matmul_f32(const float *a, const float *b, float *y, int32_t batch, int32_t M, int32_t N, int32_t K,
                   const int32_t *a_off, const int32_t *b_off);

#endif

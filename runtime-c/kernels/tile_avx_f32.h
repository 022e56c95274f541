#ifndef EGRET_TILE_AVX_F32_H_
#define EGRET_TILE_AVX_F32_H_
#include "egret.h"

/*
 * 256-bit float tiles for x86 cores with AVX, chosen at run time (the default build, -O2 without
 * -march, targets every x86-64, whose SSE2 tiles do half the work per instruction). Only these
 * functions are compiled for AVX (GCC/Clang `target` attribute); callers ask eg_f32_avx() first.
 *
 * Same contract as eg_f32_tile (tile_f32.h), with W = 16 or 8 columns: for i < rows (<= 4), j < cols (<= W)
 *   y[i * ys + j] = (sum over k = 0 .. K-1, in this order, of a[k * 4 + i] * b[off[k] + j]) + bias[i]
 * with b[off[k] + j] readable for every j < W. eg_f32_tile runs eg_f32_tile8_avx when it can. Lane by lane it is the SSE2 and scalar code's
 * arithmetic (a product rounded, then an add; no FMA is enabled), so the results are bit-identical
 * to theirs. Build with -DEG_F32_NO_AVX to leave the AVX code out.
 */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)) && !defined(EG_F32_NO_AVX)
#define EG_F32_AVX 1
#else
#define EG_F32_AVX 0
#endif

/* Columns of the widest tile: 16 where the AVX tiles may run (callers still ask eg_f32_avx()). */
#if EG_F32_AVX
#define EG_F32_WIDE_COLS 16

/* 1 when the CPU runs AVX (and the OS saves its registers). */
int eg_f32_avx(void);

void eg_f32_tile16_avx(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b, const int32_t *EG_RESTRICT off,
                       float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, const float *EG_RESTRICT bias);
void eg_f32_tile8_avx(int32_t K, const float *EG_RESTRICT a, const float *EG_RESTRICT b, const int32_t *EG_RESTRICT off,
                      float *EG_RESTRICT y, int32_t ys, int32_t rows, int32_t cols, const float *EG_RESTRICT bias);
#endif

#endif

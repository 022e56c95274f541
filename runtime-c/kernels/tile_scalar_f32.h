#ifndef EGRET_TILE_SCALAR_F32_H_
#define EGRET_TILE_SCALAR_F32_H_
#include "egret.h"

/*
 * The inner loops of the blocked float32 kernels for cores without float vectors (tile_f32.h
 * uses them when EG_F32_TILE_COLS is 4). Each overwrites `acc` with sums over k (or taps) in
 * order, from 0, with a product rounded before each add: the same float results as the vector
 * code on every target.
 *
 * With a single-precision FPU on Armv7E-M (Arm M4F, M7) they are Thumb-2 loops whose
 * accumulators live in s16-s31 and that add with VMLA.F32 (multiply, round, add, round: exactly
 * C's `acc += a * b` under -ffp-contract=off, in one instruction where gcc would emit VMUL and
 * VADD; gcc only contracts into the fused VFMA, which rounds once and would break bit-identity
 * with the host). Elsewhere (soft float, RISC-V) they are C with one scalar per accumulator.
 */
#if defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__thumb2__)
#define EG_F32_VFP 1
#else
#define EG_F32_VFP 0
#endif

/* acc[4 i + j] = sum over k < K of a[4 k + i] * b[off[k] + j], for i, j < 4. */
void eg_f32_dot4x4(int32_t K, const float *a, const float *b, const int32_t *off, float acc[16]);

/* acc[j] = sum over k < K of a[k] * panel[8 k + j], for j < 8 (one GEMV panel). */
void eg_f32_dot1x8(int32_t K, const float *a, const float *panel, float acc[8]);

/* acc[4 r + j] = sum over t < taps of w[t] * b[r * rstep + off[t] + j], for r, j < 4 (depthwise). */
void eg_f32_dw4x4(int32_t taps, const float *w, const float *b, int32_t rstep, const int32_t *off, float acc[16]);

#endif

#ifndef EGRET_CONV_GEMM_F32_H_
#define EGRET_CONV_GEMM_F32_H_
#include "egret.h"

/*
 * Ungrouped 2-D float32 convolution (NCHW, weights OIHW) as an implicit GEMM on the register
 * tiles of tile_f32.h: 4 output channels by EG_F32_TILE_COLS output pixels per tile (16 with the
 * AVX tiles of tile_avx_f32.h on a CPU that has AVX, the last 8 or fewer pixels of a row 8), summed over
 * k = (c, kh, kw) in that order. No im2col matrix: per output row the KH input rows of every
 * channel are copied into a zero-padded "band" in scratch, each row split into SW phases
 * (columns q, q + SW, q + 2 SW, ...), so every tap reads EG_F32_TILE_COLS consecutive floats
 * whatever the stride and padding. A 1x1 convolution with stride 1 and no padding ("direct")
 * reads the input planes themselves, the image flattened to one row of OH * OW pixels.
 *
 * wp is the weight packed by eg_pack_conv2d_f32 (same element count as OIHW). p holds:
 *   p[0..3]  N, C, IH, IW         p[4..6]  M, OH, OW
 *   p[7..12] KH, KW, SH, SW, DH, DW       p[13..14] top and left padding
 *   p[15]    LW: floats per band phase row, >= max(OW, 8) + (KW - 1) * DW / SW
 *   p[16]    1 for the direct path (then OH * OW >= 8)
 * scratch holds 4 * (4 * K + K + (direct ? 0 : C * KH * SW * LW)) bytes, K = C * KH * KW.
 * bias may be NULL. y must not overlap x.
 */
void eg_conv2d_gemm_f32(const float *x, const float *wp, const float *bias, float *y, const int32_t *p, void *scratch);

/*
 * The weight layout eg_conv2d_gemm_f32 reads, from OIHW w [M][K]: output channels in blocks of
 * 4, each block's K columns interleaved (block b, channel 4b + i, column k at 4bK + 4k + i); the
 * last block, of M % 4 channels when M is not a multiple of 4, is interleaved the same way with
 * its own width. Used at run time only when the weights are not compile-time constants.
 */
void eg_pack_conv2d_f32(const float *w, float *wp, int32_t M, int32_t K);

#endif

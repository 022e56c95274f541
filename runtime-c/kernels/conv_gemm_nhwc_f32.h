#ifndef EGRET_CONV_GEMM_NHWC_F32_H_
#define EGRET_CONV_GEMM_NHWC_F32_H_
#include "egret.h"

/*
 * Ungrouped 2-D float32 convolution in channels-last layout (x [N, IH, IW, C], y [N, OH, OW, M],
 * weights OHWI [M, KH, KW, C]) as a GEMM: y[P, M] = patches[P, K] * W^T[K, M], P = N * OH * OW
 * output pixels, K = KH * KW * C taps in (kh, kw, c) order. W^T is packed into the panels of
 * matmul_packed_f32.h (eg_pack_matmul_f32 with trans 1, K by M), so each register tile is 4 output
 * pixels by 8 output channels and its stores are contiguous channels. The patches of 4 pixels are
 * gathered into scratch per block (C contiguous floats per tap; taps in the padding are zeros),
 * no im2col matrix. A 1x1 convolution with stride 1 and no padding ("direct") is the GEMM of the
 * input itself: eg_matmul_packed_f32.
 * Each output is summed over k in order and the bias added last, on every target.
 *
 * p holds:
 *   p[0..3]  N, C, IH, IW         p[4..6]  M, OH, OW
 *   p[7..12] KH, KW, SH, SW, DH, DW       p[13..14] top and left padding
 *   p[15]    1 for the direct path
 * scratch holds 4 * 13 * K bytes. bias may be NULL. y must not overlap x.
 */
void eg_conv2d_gemm_nhwc_f32(const float *x, const float *wp, const float *bias, float *y, const int32_t *p, void *scratch);

#endif

#ifndef EGRET_DEPTHWISE_F32_H_
#define EGRET_DEPTHWISE_F32_H_
#include "egret.h"

/*
 * Depthwise 2-D float32 convolution (NCHW, group = C = M, weights [C, 1, KH, KW]), row-blocked:
 * per channel the padded input plane is copied once into scratch, each row split into SW phases
 * (columns q, q + SW, ...), and a tile computes 4 output rows by EG_F32_TILE_COLS output columns
 * in registers, every tap a broadcast weight times consecutive floats of one phase row. Each
 * output is summed over the taps (kh, kw) in order and the bias added last, on every target.
 * p holds:
 *   p[0..3]  N, C, IH, IW          p[4..5]  OH, OW
 *   p[6..11] KH, KW, SH, SW, DH, DW        p[12..13] top and left padding
 *   p[14]    LW: floats per phase row, >= max(OW, 8) + (KW - 1) * DW / SW
 *   p[15]    R: rows of the copied plane, (max(OH, 4) - 1) * SH + (KH - 1) * DH + 1
 * scratch holds 4 * (R * SW * LW + KH * KW) bytes. bias may be NULL. y must not overlap x.
 */
void eg_depthwise2d_f32(const float *x, const float *w, const float *bias, float *y, const int32_t *p, void *scratch);

#endif

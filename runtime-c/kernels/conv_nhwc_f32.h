#ifndef EGRET_CONV_NHWC_F32_H_
#define EGRET_CONV_NHWC_F32_H_
#include "egret.h"

/*
 * Float32 channels-last convolution: x is [N, (D,) H, W, C], y is [N, (D,) H, W, M] and w is
 * [M, (kD,) kH, kW, C/group] (OHWI), all row-major. p holds the same int32 parameters as
 * eg_conv_f32 (conv_f32.h), in the same order:
 *   p[0..3]   N, C (input channels), M (output channels), group
 *   p[4..6]   input  D, H, W      p[7..9]   output D, H, W
 *   p[10..12] kernel D, H, W      p[13..15] strides D, H, W
 *   p[16..18] dilations D, H, W   p[19..21] begin pads D, H, W
 * bias may be NULL. y must not overlap x or w.
 */
void eg_conv_nhwc_f32(const float *x, const float *w, const float *bias, float *y, const int32_t *p);

#endif

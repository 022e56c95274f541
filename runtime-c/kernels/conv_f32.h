#ifndef EGRET_CONV_F32_H_
#define EGRET_CONV_F32_H_
#include "egret.h"

/*
 * Float32 convolutions over 3-D windows (1-D and 2-D convolutions pass leading spatial sizes of 1).
 * p holds int32 parameters in this order:
 *   p[0..3]   N, C (input channels), M (output channels), group
 *   p[4..6]   input  D, H, W      p[7..9]   output D, H, W
 *   p[10..12] kernel D, H, W      p[13..15] strides D, H, W
 *   p[16..18] dilations D, H, W   p[19..21] begin pads D, H, W
 * Layouts are row-major NC(D)(H)W. bias may be NULL. y must not overlap x or w.
 */

/* Conv: w is [M, C/group, kD, kH, kW]. */
void eg_conv_f32(const float *x, const float *w, const float *bias, float *y, const int32_t *p);

/* ConvTranspose: w is [C, M/group, kD, kH, kW]; "input" dims are x's, "output" dims are y's. */
void eg_conv_transpose_f32(const float *x, const float *w, const float *bias, float *y, const int32_t *p);

#endif

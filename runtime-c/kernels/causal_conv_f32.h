#ifndef EGRET_CAUSAL_CONV_F32_H_
#define EGRET_CAUSAL_CONV_F32_H_
#include "egret.h"

/*
 * CausalConvWithState: depthwise causal 1-D convolution over x [B, C, L] with weight [C, 1, K]
 * (bias [C], past [B, C, K-1]: zeros when NULL). y [B, C, L] = act(bias + w * (past ++ x)), act
 * SiLU when silu != 0; present (may be NULL) [B, C, K-1] = the last K-1 values of past ++ x.
 * x and y must not overlap.
 */
void eg_causal_conv_f32(const float *x, const float *w, const float *bias, const float *past, float *y,
                        float *present, int32_t B, int32_t C, int32_t L, int32_t K, int32_t silu);

#endif

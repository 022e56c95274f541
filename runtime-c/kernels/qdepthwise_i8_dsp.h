#ifndef EGRET_QDEPTHWISE_I8_DSP_H_
#define EGRET_QDEPTHWISE_I8_DSP_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * int8 depthwise convolution for Armv7E-M with any kernel size, stride, dilation, padding and
 * depth multiplier, bit-exact with eg_qdepthwise_i8 (same p layout, qconv_i8.h; bias int32 or
 * NULL). Per output pixel the kernel's rows and columns are clipped to the input once (padded taps
 * add nothing: x + offset = 0 there), then with depth multiplier 1 the channels go in groups of 4:
 * one word of x per tap, SXTAB16 adds the input offset while widening, SMLABB/SMLATT accumulate
 * the 4 channels; interior pixels (M == 1, C >= 4, KH * KW <= 64) walk a tap-offset list. Given
 * `scratch` (2 * KH * KW * (C & ~3) bytes), they read weights sign-extended there once per call;
 * with scratch NULL (a patch band's form) each tap widens its own weight word (SXTB16).
 * Other depth multipliers and the C % 4 last channels take a scalar loop over the same sums.
 * `table`: compile-time requantization entries (one per output channel) or NULL (then
 * mult/shift, per channel).
 */
void eg_qdepthwise_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                          const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch);

#endif

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
 * the 4 channels. Interior pixels read the weights sign-extended once per call into `scratch`
 * (2 * KH * KW * (C & ~3) bytes; used when M == 1, C >= 4 and KH * KW <= 64, else may be NULL).
 * Other depth multipliers and the C % 4 last channels take a scalar loop over the same sums.
 * `table`: compile-time requantization entries (one per output channel) or NULL (then
 * mult/shift, per channel).
 */
void eg_qdepthwise_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                          const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch);

#endif

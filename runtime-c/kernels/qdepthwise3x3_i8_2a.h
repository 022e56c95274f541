#ifndef EGRET_QDEPTHWISE3X3_I8_2A_H_
#define EGRET_QDEPTHWISE3X3_I8_2A_H_
#include "egret.h"

/*
 * eg_qdepthwise3x3_i8_2a: 3x3 depthwise, depth multiplier 1, any stride, dilation and padding
 * (p: qconv_i8.h's layout), requantized by eg_qdsp_requant_2a on doubled accumulators. All operands
 * are compile-time arrays (depthwise3x3-dsp-band.ts): ops holds per group of 4 channels 34 words,
 * the weight words of eg_qdepthwise3x3_i8_dsp_tab's layout with every weight doubled (18), the 4
 * doubled folded biases, then each channel's m, k, r, and per channel past the last group [2 *
 * folded bias, m, k, r] (requant-2a.ts: the compiler emits this form only where it is exact); pad C
 * bytes of the input zero point. w (the int8 weights) serves the channels past the last group of 4
 * (NULL when C % 4 == 0). One pointer walks a group's operands. No scratch.
 */
void eg_qdepthwise3x3_i8_2a(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const int32_t *ops, const int8_t *pad);

#endif

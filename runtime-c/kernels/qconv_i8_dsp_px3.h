#ifndef EGRET_QCONV_I8_DSP_PX3_H_
#define EGRET_QCONV_I8_DSP_PX3_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * Pixel-major 3x3 int8 convolution of a one-channel input (a first layer on a grey image, any
 * stride and padding): per output pixel its three kernel rows are read as one word each (columns
 * ix..ix+3) and packed into 5 int16-pair registers holding the nine taps (PKHBT puts column 1 of
 * rows 0 and 1 in one pair; column 3 of row 2 is weighted 0); each output channel is then one
 * record of compile-time words (backends/cortex-m/ops/conv-dsp-pixel3.ts) streamed by two LDMs,
 * 5 SMLADs and the requantization of qconv_i8_dsp_px.c (same proof). A row's inside pixels run
 * as one asm loop; pixels whose window leaves the input (padding) or whose fourth column does
 * read a zero-point patch.
 *
 * Record of output channel o (int32 words): [v(0), v(1), 2 * B, v(2), v(3), v(4), m, K, rf] with,
 * low half first, v(0) = 2 (W[o][0][0], W[o][0][2]), v(1) = 2 (W[o][1][0], W[o][1][2]),
 * v(2) = 2 (W[o][0][1], W[o][1][1]), v(3) = 2 (W[o][2][0], W[o][2][2]), v(4) = (2 W[o][2][1], 0);
 * B, m, K, rf as in qconv_i8_dsp_px.h (rf: r, plus 256 on the last channel).
 * p: eg_qconv2d_i8's parameter layout (qconv_i8.h): C = 1, 3x3 kernel, dilation 1, O even.
 */
void eg_qconv2d_3x3c1_i8_px(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p);

#endif

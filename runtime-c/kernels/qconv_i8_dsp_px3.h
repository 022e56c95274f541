#ifndef EGRET_QCONV_I8_DSP_PX3_H_
#define EGRET_QCONV_I8_DSP_PX3_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * Pixel-major 3x3 int8 convolution of a one-channel input (a first layer on a grey image, any
 * stride and padding): per output pixel its three kernel rows are read as one word each (columns
 * ix..ix+3, the fourth weighted 0) and sign-extended into 6 int16-pair registers; each output
 * channel is then one record of compile-time words (backends/cortex-m/ops/conv-dsp-pixel3.ts)
 * streamed by two LDMs, 6 SMLADs and the requantization of qconv_i8_dsp_px.c (same proof). Pixels
 * whose window leaves the input (padding) or whose fourth column does read a zero-point patch.
 *
 * Record of output channel o (int32 words): [v(0), v(1), 2 * B, v(2), v(3), v(4), v(5), m, K, rf]
 * with v(2 ky) = (2 W[o][ky][0], 2 W[o][ky][2]) and v(2 ky + 1) = (2 W[o][ky][1], 0), low half
 * first; B, m, K, rf as in qconv_i8_dsp_px.h (rf: r, plus 256 on the last channel).
 * p: eg_qconv2d_i8's parameter layout (qconv_i8.h): C = 1, 3x3 kernel, dilation 1, O even.
 */
void eg_qconv2d_3x3c1_i8_px(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p);

#endif

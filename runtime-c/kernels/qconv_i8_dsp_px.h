#ifndef EGRET_QCONV_I8_DSP_PX_H_
#define EGRET_QCONV_I8_DSP_PX_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * Pixel-major 1x1 int8 convolution for few input channels (C = 8 or 16): per output pixel the C
 * inputs are sign-extended once into C / 2 int16-pair registers, then every output channel is one
 * record of compile-time words (backends/cortex-m/ops/conv-dsp-pixel.ts) loaded by LDM, C / 2
 * SMLADs, and the requantization in SMMLAR, ASR, SSAT (qconv_i8_dsp_px.c states why it is exact).
 * No scratch, no per-call setup.
 *
 * Record of output channel o (int32 words, C2 = C / 2, channels one after the other):
 *   [w(0), w(1), 2 * B, w(2), ..., w(C2 - 1), m, K, rf]
 * w(j): the pair (2 * W[o][4g + i], 2 * W[o][4g + i + 2]) for j = 2g + i (i = 0, 1), low half
 *   first: the order in which SXTB16 / SXTB16 ROR 8 split an input word;
 * B: bias + x_offset * sum_c W[o][c], the accumulator of TFLM's kernel less sum_c W[o][c] * x[c];
 * m >= 0 the multiplier; r = -shift in [1, 31]; K = 2^(r - 1) + out_offset * 2^r;
 * rf = r, plus 256 on the last channel (ASR reads only bits 0-7 of its shift register).
 * Valid when |B| + 128 * sum_c |W[o][c]| < 2^30 and |K| + 2^30 + 1 < 2^31 (the emitter checks).
 *
 * p: eg_qconv2d_i8's parameter layout (qconv_i8.h), 1x1 kernel, no padding.
 */
void eg_qconv2d_1x1_i8_px(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p);

#endif

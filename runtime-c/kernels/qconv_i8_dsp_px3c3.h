#ifndef EGRET_QCONV_I8_DSP_PX3C3_H_
#define EGRET_QCONV_I8_DSP_PX3C3_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * Pixel-major 3x3 int8 convolution of a three-channel input (a first layer on an RGB image, any
 * stride and padding, at most EG_PX3C3_MAX_O output channels): the 27 inputs of an output pixel do
 * not fit the registers, so the pixel runs three passes, one per kernel row. A pass reads the row's
 * 9 bytes (3 columns x 3 channels) as two words and a byte, widens them into 5 int16-pair
 * registers and adds 5 SMLADs per output channel to that channel's sum (a stack array of O int32);
 * the last pass requantizes as qconv_i8_dsp_px.c does (same proof). Pixels whose window leaves the
 * input (padding) read a zero-point patch.
 * Records (int32 words, backends/cortex-m/ops/conv-dsp-pixel3c3.ts), in pass order:
 *   pass 0, per channel: v0(0..2), 2 * B, v0(3..4);  pass 1: v1(0..4);  pass 2: v2(0..4), m, K, r
 * with vk(j) the doubled weight pair of kernel row k that SMLAD j multiplies: bytes (0, 2), (1, 3),
 * (4, 6), (5, 7), (8, -) of the row (byte b = 3 * kx + channel), low half first.
 * p: eg_qconv2d_i8's parameter layout (qconv_i8.h): C = 3, 3x3 kernel, dilation 1.
 */
#define EG_PX3C3_MAX_O 32

void eg_qconv2d_3x3c3_i8_px(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p);

#endif

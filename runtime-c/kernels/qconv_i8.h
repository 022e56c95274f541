#ifndef EGRET_QCONV_I8_H_
#define EGRET_QCONV_I8_H_
#include "egret.h"

/*
 * TFLite reference integer convolutions, NHWC, weights OHWI (conv) or [1, KH, KW, C*M] (depthwise).
 * p holds int32:
 *   p[0..3] N, H, W, C   p[4..6] OH, OW, O   p[7..8] KH, KW   p[9] input channels per group (conv)
 *   or depth multiplier (depthwise)   p[10..11] strides   p[12..13] dilations   p[14..15] pad top, left
 *   p[16] input offset (-x_zero_point)   p[17] output zero point   p[18..19] activation min, max
 *   p[20] bias kind: 0 none, 1 int32, 2 int64 (16x8 only)
 * mult/shift: one quantized multiplier per output channel. Taps outside the input are skipped.
 */
void eg_qconv2d_i8(const int8_t *x, const int8_t *w, const void *bias, int8_t *y, const int32_t *p,
                   const int32_t *mult, const int32_t *shift);
void eg_qconv2d_i16(const int16_t *x, const int8_t *w, const void *bias, int16_t *y, const int32_t *p,
                    const int32_t *mult, const int32_t *shift);
void eg_qdepthwise_i8(const int8_t *x, const int8_t *w, const void *bias, int8_t *y, const int32_t *p,
                      const int32_t *mult, const int32_t *shift);
void eg_qdepthwise_i16(const int16_t *x, const int8_t *w, const void *bias, int16_t *y, const int32_t *p,
                       const int32_t *mult, const int32_t *shift);

/*
 * Fully connected: y[r, o] = requant(sum_k w[o, k] * (x[r, k] + p[3]) + bias[o]).
 * p: p[0] rows, p[1] K, p[2] O, p[3] input offset, p[4] output zero point, p[5..6] activation
 * min, max, p[7] bias kind, p[8] per-channel (1) or one multiplier (0).
 */
void eg_qfc_i8(const int8_t *x, const int8_t *w, const void *bias, int8_t *y, const int32_t *p,
               const int32_t *mult, const int32_t *shift);
void eg_qfc_i16(const int16_t *x, const int8_t *w, const void *bias, int16_t *y, const int32_t *p,
                const int32_t *mult, const int32_t *shift);

#endif

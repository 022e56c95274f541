#ifndef EGRET_QTCONV_I8_H_
#define EGRET_QTCONV_I8_H_
#include "egret.h"

/*
 * TFLite's reference_integer_ops::TransposeConv, NHWC, weights OHWI [O, KH, KW, C]: every input
 * element is scattered through the filter into `scratch` (zeroed first; N*OH*OW*O accumulators,
 * int32_t for int8 and int64_t for int16), then each accumulator gets its bias and is requantized.
 * p holds int32:
 *   p[0..3] N, H, W, C   p[4..6] OH, OW, O   p[7..8] KH, KW   p[9..10] strides   p[11..12] pad top, left
 *   p[13] input offset (-x_zero_point; 0 for int16)   p[14] output zero point   p[15..16] activation min, max
 * mult/shift: one quantized multiplier per output channel. bias may be NULL (int32 for int8,
 * int64 for int16). Taps that land outside the output are dropped.
 */
void eg_qtransposeconv_i8(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, void *scratch,
                          const int32_t *p, const int32_t *mult, const int32_t *shift);
void eg_qtransposeconv_i16(const int16_t *x, const int8_t *w, const int64_t *bias, int16_t *y, void *scratch,
                           const int32_t *p, const int32_t *mult, const int32_t *shift);

#endif

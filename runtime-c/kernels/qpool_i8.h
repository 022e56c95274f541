#ifndef EGRET_QPOOL_I8_H_
#define EGRET_QPOOL_I8_H_
#include "egret.h"

/*
 * TFLite reference integer pooling on NHWC (input and output share their quantization). p holds int32:
 *   p[0..3] N, H, W, C   p[4..5] OH, OW   p[6..7] KH, KW   p[8..9] strides   p[10..11] pad top, left
 *   p[12..13] activation min, max   p[14] 1 max pool, 0 average pool
 * Windows are clipped to the input; averages round half away from zero; empty windows give 0.
 */
void eg_qpool_i8(const int8_t *x, int8_t *y, const int32_t *p);
void eg_qpool_i16(const int16_t *x, int16_t *y, const int32_t *p);

#endif

#ifndef EGRET_QHARDSWISH_I8_H_
#define EGRET_QHARDSWISH_I8_H_
#include "egret.h"

/*
 * TFLite's reference int8 HardSwish (16-bit fixed point, TFLite Micro's HardSwishPrepare params).
 * p: [n, x zero point, y zero point, output multiplier (Q15), output exponent (<= 0),
 *     reluish multiplier (Q15), reluish exponent (<= 31)].
 */
void eg_qhardswish_i8(const int8_t *x, int8_t *y, const int32_t *p);

#endif

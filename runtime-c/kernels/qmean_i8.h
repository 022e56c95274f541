#ifndef EGRET_QMEAN_I8_H_
#define EGRET_QMEAN_I8_H_
#include "egret.h"

/*
 * TFLite's reference QuantizedMeanOrSum (mean) on int8: int32 sums (wrapping) per output element in
 * `scratch` (p[1] int32_t), then requantized with the count folded into the multiplier.
 * p: [rank, output elements, input elements per output, x zero point, y zero point,
 *     multiplier, shift, input dims[rank], output strides per input axis[rank] (0 = reduced)].
 */
void eg_qmean_i8(const int8_t *x, int8_t *y, void *scratch, const int32_t *p);

#endif

#ifndef EGRET_QSOFTMAX_I8_H_
#define EGRET_QSOFTMAX_I8_H_
#include "egret.h"

/*
 * TFLite's quantized softmax over the last axis: int8 input, int8 (p[5] = 8) or int16 (p[5] = 16)
 * output at the fixed scale 2^-bits and zero point -2^(bits-1). p: [rows, depth, input multiplier,
 * input left shift, diff_min, output bits]. gemmlowp exp with 5 integer bits, sums with 12.
 */
void eg_qsoftmax_i8(const int8_t *x, void *y, const int32_t *p);

#endif

#ifndef EGRET_QBINARY_I8_H_
#define EGRET_QBINARY_I8_H_
#include "egret.h"

/*
 * TFLite quantized ADD / SUB / MUL with broadcasting (int8 or int16 elements).
 * shape: [R, out dims (R), a strides (R), b strides (R)] in elements, 0 on broadcast axes (R <= 8).
 * q: [kind (0 add, 1 sub, 2 mul), a offset, b offset, y zero point, left shift, a mult, a shift,
 *     b mult, b shift, out mult, out shift, act min, act max].
 */
void eg_qbinary_i8(const int8_t *a, const int8_t *b, int8_t *y, const int32_t *shape, const int32_t *q);
void eg_qbinary_i16(const int16_t *a, const int16_t *b, int16_t *y, const int32_t *shape, const int32_t *q);

#endif

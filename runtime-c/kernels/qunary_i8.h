#ifndef EGRET_QUNARY_I8_H_
#define EGRET_QUNARY_I8_H_
#include "egret.h"

/*
 * Element-wise quantized kernels. `bits` (8 or 16) selects int8_t or int16_t storage behind the
 * void pointers. Float arithmetic appears only in quantize/dequantize, as float32 like TFLite.
 */

/* y = clamp(round_half_away(x / *scale) + zp) over n floats (NaN gives zp). */
void eg_quantize_f32(const float *x, void *y, int32_t n, const float *scale, int32_t zp, int32_t bits);
/* y = *scale * (x - zp). */
void eg_dequantize_f32(const void *x, float *y, int32_t n, const float *scale, int32_t zp, int32_t bits);
/* p: [n, in bits, out bits, in zp, out zp, multiplier, shift, act min, act max]; bits 8, 16 or 32. */
void eg_qrequantize(const void *x, void *y, const int32_t *p);
/* Logistic (p[5] = 0) or tanh (p[5] = 1) on int8. p: [n, x zp, input radius, multiplier, left shift, kind]. */
void eg_qsigmoid_i8(const int8_t *x, int8_t *y, const int32_t *p);
/* p: [n, bits, x zp, y zp, identity multiplier, identity shift, alpha multiplier, alpha shift]. */
void eg_qleaky_relu(const void *x, void *y, const int32_t *p);

#endif

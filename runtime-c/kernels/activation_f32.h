#ifndef EGRET_ACTIVATION_F32_H_
#define EGRET_ACTIVATION_F32_H_
#include "egret.h"

/* y[i] = max(x[i], 0) for i < n. x and y may be the same buffer. */
void eg_relu_f32(const float *x, float *y, int32_t n);

#endif

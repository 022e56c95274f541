#ifndef EGRET_SOFTMAX_F32_H_
#define EGRET_SOFTMAX_F32_H_
#include "egret.h"

/* Modes of eg_softmax_f32. */
#define EG_SOFTMAX 0
#define EG_LOG_SOFTMAX 1
#define EG_HARDMAX 2

/*
 * Softmax-like ops over axis 1 of x seen as [outer, n, inner] (row-major): the max is subtracted
 * first for stability. Hardmax writes 1 at the first maximum and 0 elsewhere. x and y may be the
 * same buffer.
 */
void eg_softmax_f32(const float *x, float *y, int32_t outer, int32_t n, int32_t inner, int32_t mode);

#endif

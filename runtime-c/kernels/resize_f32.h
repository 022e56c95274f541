#ifndef EGRET_RESIZE_F32_H_
#define EGRET_RESIZE_F32_H_
#include "egret.h"

/*
 * One separable pass of Resize/Upsample along one axis, driven by a tap table computed at compile
 * time (src/ir/ops/resize-plan.ts): x is viewed as [outer, in_len, inner], y as
 * [outer, out_len, inner], and
 *   y[o, j, k] = sum_{t < taps} w[j*taps + t] * x[o, idx[j*taps + t], k]
 * Every idx is in [0, in_len) except idx[j*taps] == -1, which makes row j the extrapolation value.
 * taps == 1 (nearest) copies rows. x and y must not overlap.
 */
void eg_resize_axis_f32(const float *EG_RESTRICT x, float *EG_RESTRICT y, int32_t outer, int32_t in_len,
                        int32_t out_len, int32_t inner, int32_t taps, const int32_t *idx,
                        const float *w, float extrapolation);

#endif

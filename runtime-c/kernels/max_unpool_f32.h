#ifndef EGRET_MAX_UNPOOL_F32_H_
#define EGRET_MAX_UNPOOL_F32_H_
#include "egret.h"

/*
 * MaxUnpool: y (the output shape, zero-filled here) gets x[i] at the position of flat index
 * indices[i] of the unpooled shape, placed in y's leading corner. Indices outside the unpooled
 * tensor are skipped. dims: rank, numel(x), unpooled[rank], out[rank] (rank <= EG_MAX_RANK).
 */
void eg_max_unpool_f32(const float *x, const int64_t *indices, float *y, const int32_t *dims);

#endif

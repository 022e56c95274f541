#ifndef EGRET_COPY_ND_H_
#define EGRET_COPY_ND_H_
#include "egret.h"

/*
 * Largest rank eg_copy_nd accepts. Above EG_MAX_RANK because Tile iterates over
 * (repeat, dim) pairs; the compiler merges contiguous axes first, so real calls stay small.
 */
#define EG_COPY_ND_MAX_RANK 16

/*
 * Generic strided copy of elements of `elem_bytes` bytes, the one kernel behind Transpose, Slice,
 * Concat, Split, Expand, Tile and DepthToSpace/SpaceToDepth. It visits every index of the
 * iteration space `shape[0..rank)` in row-major order and copies
 *   src[sum(index[d] * src_strides[d])]  to  dst[sum(index[d] * dst_strides[d])]
 * Strides are in elements and may be negative (reversed slices) or zero (broadcast reads).
 * src and dst must not overlap. rank 0 copies one element; any zero extent copies nothing.
 * Requires 0 <= rank <= EG_COPY_ND_MAX_RANK.
 */
void eg_copy_nd(void *dst, const void *src, int32_t elem_bytes, int32_t rank, const int32_t *shape,
                const int32_t *dst_strides, const int32_t *src_strides);

#endif

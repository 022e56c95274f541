#ifndef EGRET_GATHER_H_
#define EGRET_GATHER_H_
#include "egret.h"

/*
 * Gather along one axis, for any element type (elements are moved as bytes).
 * x is viewed as [outer, axis_len, inner] elements of elem_bytes each, y as [outer, n_idx, inner]:
 *   y[o, j, :] = x[o, idx[j], :]
 * Negative indices count from the end. Indices are run-time data, so an index outside
 * [-axis_len, axis_len) is never dereferenced: its output slice is filled with zero bytes.
 */
void eg_gather_i64(const void *x, void *y, const int64_t *idx, int32_t outer, int32_t axis_len,
                   int32_t n_idx, int32_t inner, int32_t elem_bytes);
void eg_gather_i32(const void *x, void *y, const int32_t *idx, int32_t outer, int32_t axis_len,
                   int32_t n_idx, int32_t inner, int32_t elem_bytes);

/*
 * GatherElements: for every position p of idx (shape idx_dims, rank dims), y[p] = x[p with its
 * `axis` coordinate replaced by idx[p]]. x_strides are x's row-major element strides. Negative
 * indices count from the end; an index outside [-x_axis_len, x_axis_len) gives a zero element.
 */
void eg_gather_elements_i64(const void *x, void *y, const int64_t *idx, int32_t rank, int32_t axis,
                            const int32_t *idx_dims, const int32_t *x_strides, int32_t x_axis_len,
                            int32_t elem_bytes);
void eg_gather_elements_i32(const void *x, void *y, const int32_t *idx, int32_t rank, int32_t axis,
                            const int32_t *idx_dims, const int32_t *x_strides, int32_t x_axis_len,
                            int32_t elem_bytes);

#endif

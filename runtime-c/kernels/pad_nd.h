#ifndef EGRET_PAD_ND_H_
#define EGRET_PAD_ND_H_
#include "egret.h"

/* Pad modes (ONNX Pad "mode"). */
#define EG_PAD_CONSTANT 0
#define EG_PAD_REFLECT 1
#define EG_PAD_EDGE 2
#define EG_PAD_WRAP 3

/*
 * N-d padding of elements of `elem_bytes` bytes, any dtype. Output coordinate o on axis k reads
 * input coordinate o - begin[k]; outside [0, in_shape[k]) it is filled by `mode`:
 *   EG_PAD_CONSTANT: the element at `value` (one element of the dtype);
 *   EG_PAD_REFLECT:  mirrored without repeating the border (numpy "reflect", folding again
 *                    for pads wider than the axis);
 *   EG_PAD_EDGE:     the nearest border element;
 *   EG_PAD_WRAP:     periodic (numpy "wrap").
 * Negative begin values crop. value may be NULL except in constant mode. Non-constant modes
 * need every padded axis to be non-empty. src and dst must not overlap.
 * Requires 1 <= rank <= EG_MAX_RANK.
 */
void eg_pad_nd(void *dst, const void *src, int32_t elem_bytes, int32_t rank, const int32_t *in_shape,
               const int32_t *out_shape, const int32_t *begin, int32_t mode, const void *value);

#endif

#ifndef EGRET_QDEPTHWISE_I8_ROWS_PLANE_H_
#define EGRET_QDEPTHWISE_I8_ROWS_PLANE_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * One channel of a square 5x5 or 7x7 depthwise layer at stride 2 along both axes (dilation 1):
 * eg_qdepthwise_i8_rows's `four` (qdepthwise_i8_rows.h) for the layers whose layout gave the ring
 * a row for every padded input row the windows read (R >= (OH - 1) * 2 + KH; depthwise-rows-layout.ts
 * does so when that plane fits CMSIS-NN's scratch), in place of eg_qdepthwise_i8_rows_k (same
 * operands: qdepthwise_i8_rows_k.h). Returns 0 before touching scratch or yc for a shape or
 * channel it does not run (OW < 4, a smaller R, a clamp narrower than int8, an output zero point
 * above -128), else writes the channel and returns 1.
 * The plane is never a ring: plane row i is input row i - padTop, so kernel row ky of output row
 * oy is plane row 2 oy + ky. Per channel its input rows are built once, two a pass
 * (eg_qdepthwise_i8_ring_body2), with no ring work per output row; then four outputs a group, all
 * KH kernel rows in one asm statement (the row pointer stepped by a register, the weights at
 * immediate offsets). fresh = 1: scratch may hold anything, and the plane's padding is set to the
 * input zero point (R * WP values); 0: the previous channel was this function's on the same
 * plane, whose padding no channel writes.
 */
int32_t eg_qdepthwise_i8_rows_plane(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch,
                                    int32_t fresh);

#endif

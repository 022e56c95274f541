#ifndef EGRET_QDEPTHWISE_I8_ROWS_K_H_
#define EGRET_QDEPTHWISE_I8_ROWS_K_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * One channel of eg_qdepthwise_i8_rows (qdepthwise_i8_rows.h: p its parameters, the ring of
 * int16 rows in scratch, the doubled weight pairs wk, NE + NO words per kernel row, and the
 * channel's rqc words e = [2 * folded bias, m, K, r]) for kernel widths 1..7 at stride 1 or 2, all
 * its output rows in one call (qdepthwise_i8_rows_k.c): per output row the SH new ring rows
 * (eg_qdepthwise_i8_ring_row), the kernel rows' ring pointers, then four outputs an iteration
 * with their sums in registers across all KH kernel rows. xc: the channel's first input element;
 * yc: its first output element. Returns 1 when it wrote the channel, 0 for a shape it does not run
 * (OW < 4, 3x3 at stride 1, another stride or width, a clamp narrower than int8 or an output zero
 * point above -128: the SMMLAR-ASR-SSAT form only), before touching scratch or y: the caller's
 * loops run it instead. fresh: 1 when scratch may hold anything (the first channel of the call, or
 * the one after a channel this function did not write), else 0: the stride-2 plane
 * (qdepthwise_i8_rows_plane.h) then keeps its padding from the channel before.
 * Reads ring columns 0 .. OW + 2 * NO - 3 at stride 1 (.. OW + 2 * NO - 2 when OW is odd) and
 * 0 .. 2 * OW + 2 * NE - 3 at stride 2 (NE = ceil(KW / 2), NO = KW / 2 + 1), within the WP
 * columns depthwise-rows-layout.ts gives the ring.
 */
int32_t eg_qdepthwise_i8_rows_k(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch,
                                int32_t fresh);

#endif

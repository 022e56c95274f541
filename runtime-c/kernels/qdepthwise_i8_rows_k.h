#ifndef EGRET_QDEPTHWISE_I8_ROWS_K_H_
#define EGRET_QDEPTHWISE_I8_ROWS_K_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * One channel row of eg_qdepthwise_i8_rows (qdepthwise_i8_rows.h: the ring of int16 rows, the
 * doubled weight pairs wk, WS words per kernel row, and the channel's rqc words e = [2 * folded
 * bias, m, K, r]) for kernel widths 1..7 at stride 1 or 2, four outputs an iteration with their
 * sums in registers across all KH kernel rows (qdepthwise_i8_rows_k.c). rows[ky]: the ring row of
 * kernel row ky at column 0 (4-byte aligned); y: the row's first output, y_step apart; lo, hi:
 * the activation clamp. Returns 1 when it wrote outputs 0..OW-1, 0 for a shape it does not run
 * (OW < 4, another stride or width, a clamp narrower than int8 or an output zero point above
 * -128: the SMMLAR-ASR-SSAT form only): the caller's loops run it instead.
 * Reads ring columns 0 .. OW + 2 * NO - 3 at stride 1 (.. OW + 2 * NO - 2 when OW is odd) and
 * 0 .. 2 * OW + 2 * NE - 3 at stride 2 (NE = ceil(KW / 2), NO = KW / 2 + 1), within the WP
 * columns depthwise-rows-layout.ts gives the ring.
 */
int32_t eg_qdepthwise_i8_rows_k(const int16_t *const *rows, int32_t KH, const uint32_t *wk, int32_t WS, int32_t KW, int32_t sw, int32_t OW,
                                const int32_t *e, int32_t lo, int32_t hi, int8_t *y, int32_t y_step);

#endif

#ifndef EGRET_QDEPTHWISE_I8_RING4_H_
#define EGRET_QDEPTHWISE_I8_RING4_H_
#include "egret.h"
#include "qdsp_i8.h"
#include "qdepthwise_i8_ring_row.h"

/*
 * The int16 ring rows of eg_qdepthwise_i8_rows (qdepthwise_i8_rows.h), built from int8 input rows.
 *
 * One channel's input row (xrow at its column 0, columns `step` elements apart; NULL for a
 * padding row) into its ring row dst: columns -padLeft .. WP-1-padLeft, zp outside the input
 * (the input columns by eg_qdepthwise_i8_ring_body, a padding row by eg_qdepthwise_i8_ring_fill).
 */
void eg_qdepthwise_i8_ring_build(const int8_t *xrow, int32_t W, int32_t step, int32_t padLeft, int32_t WP, int16_t zp, int16_t *dst);

/*
 * One input row of four adjacent channels into their four int16 ring rows (eg_qdepthwise_i8_rows's
 * 3x3 stride-1 rows when the layout gave four channels' rings, R >= 12): xrow at channel c's
 * column 0 (NULL for a padding row), columns `step` bytes apart, channels c..c+3 the four bytes of
 * one word. dst is channel c's ring row, channel c+i's `ring` int16 further on. Columns
 * -padLeft .. WP-1-padLeft, zp outside the input (WP even, ring rows 4-byte aligned). Per two
 * columns: two word loads, four SXTB16, four PKH and four stores for eight values (17
 * instructions with the loop, arm-none-eabi-gcc -O2), and the call, set-up and padding columns
 * once for four channels; padding columns and an odd first or last input column go as words
 * too (zp beside the column), no column alone.
 */
void eg_qdepthwise_i8_ring4_build(const int8_t *xrow, int32_t W, int32_t step, int32_t padLeft, int32_t WP, int16_t zp, int16_t *dst,
                                  size_t ring);

#endif

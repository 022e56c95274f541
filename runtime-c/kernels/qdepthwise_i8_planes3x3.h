#ifndef EGRET_QDEPTHWISE_I8_PLANES3X3_H_
#define EGRET_QDEPTHWISE_I8_PLANES3X3_H_
#include "egret.h"
#include "qdsp_i8.h"
#include "qdepthwise_i8_rows.h"

/*
 * The 3x3 stride-1 driver of eg_qdepthwise_i8_rows (qdepthwise_i8_rows.h) for small maps with rows
 * of 6 or 12 outputs (person_detect's 6x6x128 and 12x12x64 layers): the whole padded planes of a
 * group of G channels in scratch instead of their 3-row rings, so that no row is rotated or
 * rebuilt per output row and the padding rows are written once per call, not once per channel.
 * G = 4 planes of 8 int16 columns for rows of 6, G = 2 of 16 for rows of 12; plane i (channel
 * c + i) is HP = OH + 2 rows (input rows -padTop .. OH + 1 - padTop, columns from -padLeft, zp
 * outside the input), interleaved by rows: its row j at scratch + 32 * j + WP * i, so that all
 * offsets are constants. 64 * HP bytes (512 for 6x6, 896 for 12x12, against CMSIS-NN's 2 * C * 9).
 */

/*
 * The layer as eg_qdepthwise_i8_rows runs it (same arguments; no K-wide loop: 3x3 only), for the
 * compiler's plane geometry (depthwise-rows-layout.ts isRowsPlane: 3x3 stride 1, OW 6 or 12,
 * WP = 32 / G, R = G * HP, C % G == 0) with every channel's requantization the
 * three-instruction one: the padding rows set once, then per group of G channels its input rows
 * built together and each channel's rows by eg_qdepthwise_i8_six3x3. Otherwise the whole layer
 * goes through eg_qdepthwise_i8_rows. Its own unit, called by the emitter only for such layers:
 * other programs do not link it.
 */
void eg_qdepthwise_i8_rows_planes(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch);

#endif

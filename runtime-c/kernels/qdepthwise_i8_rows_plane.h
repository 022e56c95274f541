#ifndef EGRET_QDEPTHWISE_I8_ROWS_PLANE_H_
#define EGRET_QDEPTHWISE_I8_ROWS_PLANE_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * The 3x3 stride-1 driver of eg_qdepthwise_i8_rows (qdepthwise_i8_rows.h) for small maps with rows
 * of 6 outputs (person_detect's 6x6x128 layers): four channels' whole padded planes in scratch
 * instead of their 3-row rings, so that no row is rotated or rebuilt per output row and the
 * padding rows are written once per call, not once per channel. Plane i (channel c + i) is HP =
 * OH + 2 rows of 8 int16 (input rows -padTop .. OH + 1 - padTop, columns -padLeft .. 7 - padLeft,
 * zp outside the input), interleaved by rows: its row j at scratch + 32 * j + 8 * i, so that all
 * offsets are constants. 64 * HP bytes for four (512 for 6x6, against CMSIS-NN's 2 * C * 9).
 * p, x, wk, e, y, scratch as eg_qdepthwise_i8_rows passes them at channel c.
 */

/*
 * The layout gave the planes (OW == 6, WP == 8, R >= 4 * HP: the compiler's plane geometry) and
 * the output rows are 6 output columns apart (eg_qdepthwise_i8_six3x3's one pointer).
 */
int32_t eg_qdepthwise_i8_rows_plane_fits(const int32_t *p);

/*
 * Channels c, c+1, .. in groups of four while eg_qdepthwise_i8_rows_quad_group_ok holds and
 * `channels` (those left from c) last: the padding rows once, then per group the input rows of
 * its four planes built together, each channel's rows by eg_qdepthwise_i8_six3x3. Returns the
 * channels it wrote (a multiple of 4, 0 when the first group does not qualify).
 */
int32_t eg_qdepthwise_i8_rows_plane_run(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc,
                                        int16_t *scratch, int32_t channels);

#endif

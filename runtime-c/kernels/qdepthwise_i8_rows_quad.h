#ifndef EGRET_QDEPTHWISE_I8_ROWS_QUAD_H_
#define EGRET_QDEPTHWISE_I8_ROWS_QUAD_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * The 3x3 stride-1 (both axes, dilation 1) drivers of eg_qdepthwise_i8_rows
 * (qdepthwise_i8_rows.h) for the channels whose requantization is three instructions
 * (eg_qdepthwise_i8_quad3x3_ok) and rows of OW >= 4: every output row of a channel through
 * eg_qdepthwise_i8_quad3x3 (its four-output loop and its one-output tail), the 3-row ring
 * rotated by pointers. p, x, wk, e, y, scratch as eg_qdepthwise_i8_rows passes them at channel c
 * (xc, yc at the channel's first element; wk its weight words, WS = 2 per kernel row; e its 4
 * rqc words).
 */

/* One channel: its ring is scratch (3 * WP int16). */
void eg_qdepthwise_i8_rows_quad_channel(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc,
                                        int16_t *scratch);

/* Channels c..c+3 (the layout gave four rings, R >= 12): ring rows built for all four at once. */
void eg_qdepthwise_i8_rows_quad_group(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc,
                                      int16_t *scratch);

/* Channels c..c+3 (rqc words e at channel c) all take the four-output loop. */
int32_t eg_qdepthwise_i8_rows_quad_group_ok(const int32_t *e, int32_t act_min, int32_t act_max);

#endif

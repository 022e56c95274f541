#ifndef EGRET_QDEPTHWISE_I8_PLANE_BUILD_H_
#define EGRET_QDEPTHWISE_I8_PLANE_BUILD_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * One channel's input rows as int16 into the plane of eg_qdepthwise_i8_rows_plane
 * (qdepthwise_i8_rows_plane.h): input row i into plane row padTop + i, input column j into plane
 * column lo + j for the columns [lo, hi) (lo even, so that words of two columns are 4-byte aligned;
 * the other columns, and the rows above and below, are the caller's zero point, never written
 * here); rows past the plane's R (never read) are skipped. xc: the channel's first input element;
 * p: the layer's parameters (qdepthwise_i8_rows.h). Two rows a pass; on Armv7E-M with rows of a
 * multiple of 8 columns all row pairs in one asm statement (34 instructions per 16 values, 11 per
 * pair around them), else one pass per pair (eight columns a step, then four, then pairs and an
 * odd last column). An odd last row is built twice into its plane row.
 */
void eg_qdepthwise_i8_plane_build(const int8_t *xc, const int32_t *p, int16_t *plane, int32_t lo, int32_t hi);

#endif

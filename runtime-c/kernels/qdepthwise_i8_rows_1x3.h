#ifndef EGRET_QDEPTHWISE_I8_ROWS_1X3_H_
#define EGRET_QDEPTHWISE_I8_ROWS_1X3_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * One channel of a depthwise layer whose kernel is one row of 3 taps (a 3x1 layer run transposed,
 * or 1x3) at stride 1 or 2, for eg_qdepthwise_i8_rows_k (same operands: qdepthwise_i8_rows_k.h),
 * which has made its checks (OW >= 4, the SMMLAR-ASR-SSAT form) and calls it for such a layer.
 * The ring is one int16 row (R = 1): per output row the input row's columns are built into it
 * once, then four outputs a group from its words (8 SMLADs a group), the weights and the
 * requantization constants in registers for the whole channel.
 */
void eg_qdepthwise_i8_rows_1x3(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch);

#endif

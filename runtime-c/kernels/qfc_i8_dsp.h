#ifndef EGRET_QFC_I8_DSP_H_
#define EGRET_QFC_I8_DSP_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * int8 fully connected for Armv7E-M, bit-exact with eg_qfc_i8 (same p layout, qconv_i8.h; bias
 * int32 or NULL, p[7] 0 or 1). No scratch (CMSIS-NN's arm_fully_connected_s8 asks for none on
 * the DSP extension either): the input is read as int8 words and SXTAB16 adds the input offset
 * while widening, so each word of x feeds four output channels (SMLAD: 16 MACs per 23
 * instructions, four groups per loop pass). The k % 4 tail and the O % 4 last channels take narrower paths over the same sums.
 * `table`: one requantization entry per output channel, computed at compile time (flash), or NULL
 * when a multiplier/shift is outside the table's range; then mult/shift (per channel when p[8]).
 */
void eg_qfc_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                   const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift);

#endif

#ifndef EGRET_QFC_I8_DSP_H_
#define EGRET_QFC_I8_DSP_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * int8 fully connected for Armv7E-M, bit-exact with eg_qfc_i8 (same p layout, qconv_i8.h), with
 * operands prepared at compile time (backends/cortex-m/ops/fc-packed-weights.ts):
 * - w packed: each group of 4 output channels o..o+3 is one block of 4 * K bytes at w + o * K,
 *   word-aligned, holding for every 4 k the four channels' 4-byte words in channel order, then the
 *   K % 4 tail bytes of channel o, o+1, o+2, o+3; the last O % 4 channels are plain rows of K.
 * - bias (int32 or NULL) has the input-offset term folded in: bias[o] + p[3] * sum_k w[o][k]; the
 *   kernel sums w * x only and ignores p[3] and p[7].
 * No scratch (CMSIS-NN's arm_fully_connected_s8 asks for none either). Each word of x feeds four
 * channels (two LDRDs of weights, SMLAD: 16 MACs per 21 instructions, four groups per loop pass).
 * `table`: one requantization entry per output channel, computed at compile time (flash), or NULL
 * when a multiplier/shift is outside the table's range; then mult/shift (per channel when p[8]).
 */
void eg_qfc_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                   const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift);

#endif

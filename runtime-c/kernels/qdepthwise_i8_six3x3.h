#ifndef EGRET_QDEPTHWISE_I8_SIX3X3_H_
#define EGRET_QDEPTHWISE_I8_SIX3X3_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * Six output columns of every output row of one channel of a 3x3 stride-1 layer, from the
 * channel's whole padded int16 plane (qdepthwise_i8_planes3x3.h): rows 64 bytes apart (the
 * planes of 4 channels of 8 columns, or of 2 of 16, interleaved by rows), plane at the six
 * outputs' first input column (-padLeft + the first output column), `rows` output rows (>= 1),
 * output row oy reading plane rows oy .. oy + 2. One output row an iteration: per kernel row its
 * weights (one LDRD) and four words (x0, x1) .. (x6, x7), twelve MAC instructions (each output:
 * SMLAD with (w0, w1) or (w1, w2) and one halfword product); the sums start from the bias; then
 * the three-instruction requantization (SMMLAR, ASR, SSAT: exact under
 * eg_qdepthwise_i8_quad3x3_ok, whose proof is in qdepthwise_i8_quad3x3.h) and STRB. 84
 * instructions an iteration (14 an output) on Thumb-2 with EG_QDSP_ASM_LOOPS: 12 word loads, 3
 * LDRD, the bias, 36 MAC instructions, 2 loads of m, K, r, 18 requantization instructions, 6 STRB,
 * 2 ADD and the row step (LDR, ADD), SUBS/BNE; other builds run the same arithmetic in C.
 *
 * blk (11 words): the channel's 6 weight words (2w0, 2w1), (2w1, 2w2) of kernel rows 0, 1, 2, its
 * 4 rqc words 2 * folded bias, m, K, r (qdepthwise_i8_rows.h), then the output row stride less
 * 4 * y_step. Output j of row oy is y[oy * row stride + j * y_step].
 */
void eg_qdepthwise_i8_six3x3(const int16_t *plane, const uint32_t *blk, int32_t rows, int8_t *y, int32_t y_step);

#endif

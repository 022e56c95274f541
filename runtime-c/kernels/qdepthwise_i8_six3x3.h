#ifndef EGRET_QDEPTHWISE_I8_SIX3X3_H_
#define EGRET_QDEPTHWISE_I8_SIX3X3_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * All output rows of one channel of a 3x3 stride-1 layer whose rows are 6 outputs (OW == 6), from
 * the channel's whole padded int16 plane (qdepthwise_i8_rows_plane.h): rows of 8 int16 (input
 * columns -padLeft .. 7 - padLeft) 64 bytes apart (four channels' planes interleaved by rows),
 * `rows` output rows (>= 1), output row oy reading plane rows oy .. oy + 2. Six outputs an
 * iteration, one output row: per
 * kernel row its weights (one LDRD) and four words (x0, x1) .. (x6, x7), twelve MAC instructions
 * (each output: SMLAD with (w0, w1) or (w1, w2) and one halfword product); the sums start from
 * the bias; then the three-instruction requantization (SMMLAR, ASR, SSAT: exact under
 * eg_qdepthwise_i8_quad3x3_ok, whose proof is in qdepthwise_i8_quad3x3.h) and STRB. 83
 * instructions an iteration (13.8 an output) on Thumb-2 with EG_QDSP_ASM_LOOPS: 12 word loads, 3
 * LDRD, the bias, 36 MAC instructions, 2 loads of m, K, r, 18 requantization instructions, 6 STRB,
 * 3 ADD and SUBS/BNE; other builds run the same arithmetic in C.
 *
 * blk (10 words): the channel's 6 weight words (2w0, 2w1), (2w1, 2w2) of kernel rows 0, 1, 2, then
 * its 4 rqc words 2 * folded bias, m, K, r (qdepthwise_i8_rows.h). Output column j of row oy is
 * y[(6 * oy + j) * y_step]: the caller runs this only where the output row stride is 6 * y_step.
 */
void eg_qdepthwise_i8_six3x3(const int16_t *plane, const uint32_t *blk, int32_t rows, int8_t *y, int32_t y_step);

#endif

#ifndef EGRET_QDEPTHWISE_I8_QUAD3X3_H_
#define EGRET_QDEPTHWISE_I8_QUAD3X3_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * The steady-state loop of eg_qdepthwise_i8_rows's 3x3 stride-1 rows (qdepthwise_i8_rows.c) for
 * the layers whose requantization is three instructions an output: four outputs of one channel
 * row per iteration, from the three int16 ring rows r0, r1, r2 (at the first output's column).
 *
 * The three-instruction requantization, SMMLAR(2a, m, K), ASR r, SSAT #8, with
 * K = 2^(r-1) + y_offset * 2^r, leaves out the sign term [a < 0] of the exact form
 * (eg_qdepthwise_i8_rows's rows_requant) and the clamp to [act_min, act_max]. It is exact when
 * eg_qdepthwise_i8_quad3x3_ok holds: y_offset == act_min == -128 and act_max == 127. Proof: for
 * a >= 0 the sign term is 0, and SSAT #8 is the clamp to [-128, 127]. For a < 0 (m >= 0), the
 * doubling high multiply h = SRDHM(a, m) = floor((2am + 2^31) / 2^32) <= 0, so the exact result
 * floor((h + 2^(r-1) - 1) / 2^r) + y_offset and the shortened floor((h + 2^(r-1)) / 2^r) +
 * y_offset are both <= y_offset = -128 (h + 2^(r-1) < 2^r): SSAT gives -128 = act_min for
 * both, as the exact clamp does.
 *
 * blk (11 words): the weight words (2w0, 2w1), (2w1, 2w2) of kernel rows 0, 1, 2 (the rows
 * layout's E0, O1 per row), m, K, the channel's 2 * folded bias, r, and t << 30 with the tail
 * t = 0..3. The call writes 4 * quads + t outputs of the row (quads >= 1), y_step bytes apart.
 * Per 4 outputs: 9 word loads, 3 LDRD of weights, 24 MAC instructions, the bias load, 12
 * requantization instructions with their 2 operand loads, 4 STRB, 2 ADD and the loop's
 * SUBS/BNE: 59 instructions. Then 4 to test t; for t >= 2 a two-output pass (33: the bias, 3
 * LDRD, 6 word loads, 12 MAC instructions, 2 requantizations with their 2 loads, ADD), for t odd
 * one output (22) (Thumb-2 with EG_QDSP_ASM_LOOPS; other builds run the same arithmetic in C).
 */
/*
 * y_offset == -128 from K = 2^(r-1) + y_offset * 2^r = -255 * 2^(r-1) (1 <= r <= 31: the
 * compiler's rowsRequantWords). In 32 bits: for r >= 25 that K is below -2^31, no int32 k equals
 * it. Inline: the drivers test it per channel.
 */
static inline int32_t eg_qdepthwise_i8_quad3x3_ok(int32_t m, int32_t k, int32_t r, int32_t act_min, int32_t act_max) {
  return m >= 0 && r >= 1 && r <= 24 && act_min == -128 && act_max == 127 && k == -255 * ((int32_t)1 << (r - 1));
}
void eg_qdepthwise_i8_quad3x3(const int16_t *r0, const int16_t *r1, const int16_t *r2, const uint32_t *blk, int32_t quads, int8_t *y,
                              int32_t y_step);

#endif

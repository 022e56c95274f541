#ifndef EGRET_QCONV_I8_DSP_BLK_H_
#define EGRET_QCONV_I8_DSP_BLK_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * The 2x2 block loop of the widened-weight GEMM (qconv_i8_dsp_w16.c) as straight-line Thumb-2 for
 * the common requantization (per-channel table in rq->fast, int8 activation range): per block
 * of 2 output pixels x 2 channels, the bias pair, the LDRD/SMLAD loop, each channel's two sums
 * requantized on its table entry loaded once (LDRD/LDR, SMLAL, ASR, ADD, SSAT), the four bytes
 * packed by BFI, clamped by SSUB8/SEL and stored as two halfwords with post-increment. Only the
 * operand pointer and the block's own registers are live across a block, so nothing spills.
 *
 * When act_min >= out_offset (a fused ReLU: every output below the zero point clamps to act_min)
 * the sign term of eg_qdsp_rq_fast (-2^31 for a negative sum) is left out: it changes the rounded
 * value only for a negative sum, whose result is <= 0 with or without it (the product is <= -1
 * and the constant is < 2^(31 + r)), so the output is act_min in both cases. Otherwise the
 * sign term is applied as in eg_qdsp_rq_fast. Both give eg_qdsp_requant_acc's bytes exactly.
 *
 * eg_qconv_blk_2x2: blocks for channels 0..O-1 (O even) of the two rows of buf (qdsp_i8.h's
 * operand layout), outputs at y0[0..O-1] and y1[0..O-1]. Requires eg_qdsp_requant4_ok(rq), a
 * bias (rq->bias != NULL) and K % 4 == 0 (rows of stride K, no tail).
 * Defined only when EG_QDSP_ASM_LOOPS (native optimised builds); others run the C loop of
 * eg_qdsp_gemm_w16 (same bytes).
 */
#if EG_QDSP_ASM_LOOPS
/*
 * eg_qconv2d_1x1_i8_dsp_w16's pixel pairs on the block path: C % 4 == 0, O even,
 * eg_qdsp_requant4_ok(rq), a bias; buf: the 4 * C bytes of two widened pixels. Returns the pixels done
 * (all but an odd last one, which the caller runs).
 */
int32_t eg_qconv_blk_1x1(const int8_t *x, const int16_t *w16, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                         int16_t *buf);
void eg_qconv_blk_2x2(const int16_t *buf, int32_t K, const int16_t *w16, int32_t O, const eg_qdsp_requant *rq, int8_t *y0,
                      int8_t *y1);

/*
 * One group of 4 k of a 2x2 block: two LDRDs for the 4 operand words (row 1's first, then row 0's
 * with the post-increment), one LDRD per channel for its two weight words, 8 SMLADs: 12
 * instructions per 16 MACs. The weight rows are word-aligned (LDRD requires it).
 */
#define EG_W16_GROUP_2X2                                                    \
  "ldrd %[x1e], %[x1o], [%[a], #8]\n\t"                                     \
  "ldrd %[x0e], %[x0o], [%[a]], #16\n\t"                                    \
  "ldrd %[we], %[wo], [%[w0]], #8\n\t"                                      \
  "smlad %[c00], %[x0e], %[we], %[c00]\n\t"                                 \
  "smlad %[c10], %[x1e], %[we], %[c10]\n\t"                                 \
  "smlad %[c00], %[x0o], %[wo], %[c00]\n\t"                                 \
  "smlad %[c10], %[x1o], %[wo], %[c10]\n\t"                                 \
  "ldrd %[we], %[wo], [%[w1]], #8\n\t"                                      \
  "smlad %[c01], %[x0e], %[we], %[c01]\n\t"                                 \
  "smlad %[c11], %[x1e], %[we], %[c11]\n\t"                                 \
  "smlad %[c01], %[x0o], %[wo], %[c01]\n\t"                                 \
  "smlad %[c11], %[x1o], %[wo], %[c11]\n\t"
/* Its operands: the 4 sums acc00..acc11, pointers a, w0, w1, scratch x0e..wo (all in scope). */
#define EG_W16_OPERANDS                                                                                          \
  [c00] "+r"(acc00), [c01] "+r"(acc01), [c10] "+r"(acc10), [c11] "+r"(acc11), [a] "+r"(a), [w0] "+r"(w0),        \
      [w1] "+r"(w1), [x0e] "=&r"(x0e), [x0o] "=&r"(x0o), [x1e] "=&r"(x1e), [x1o] "=&r"(x1o), [we] "=&r"(we),      \
      [wo] "=&r"(wo)
/*
 * A 2x2 block's dot loop: pairs of groups per pass while a != PAIRS_END (the compare and branch
 * paid per 32 MACs), then an odd last group if a != END. The variables of EG_W16_OPERANDS must
 * be in scope; a, w0 and w1 advance past what was read.
 */
#define EG_W16_DOT_2X2(PAIRS_END, END)                                                         \
  do {                                                                                         \
    if (a != (PAIRS_END)) {                                                                    \
      __asm__ volatile("1:\n\t" EG_W16_GROUP_2X2 EG_W16_GROUP_2X2 "cmp %[a], %[end]\n\t"       \
                       "bne 1b\n\t"                                                            \
                       : EG_W16_OPERANDS                                                       \
                       : [end] "r"(PAIRS_END)                                                  \
                       : "cc", "memory");                                                      \
    }                                                                                          \
    if (a != (END)) __asm__ volatile(EG_W16_GROUP_2X2 : EG_W16_OPERANDS : : "memory");          \
  } while (0)
#endif

#endif

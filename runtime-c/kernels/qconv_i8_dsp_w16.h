#ifndef EGRET_QCONV_I8_DSP_W16_H_
#define EGRET_QCONV_I8_DSP_W16_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * eg_qconv2d_i8_dsp and eg_qconv2d_1x1_i8_dsp on weights widened to int16 at compile time
 * (backends/cortex-m/ops/conv-dsp-wide.ts), with the requantization table in flash as
 * qconv_i8_dsp_tab.h's kernels take it. The GEMM then loads each weight pair with the operand pair
 * it multiplies (one LDRD per channel and group of 4 k, no SXTB16): 12 instructions per 16 MACs
 * where the int8 weights take 16. Costs one flash byte per weight; same results, bit for bit.
 *
 * Widened weights: output channel o's row starts at w16 + o * S, S = K rounded up to even (each
 * row word-aligned; the array itself 4-byte aligned), and holds K values in the operand order of
 * qdsp_i8.h: groups of 4 k stored (w0, w2, w1, w3), then the K % 4 tail in order, then a 0 when K
 * is odd. K = KH * KW * C. Same p layout (qconv_i8.h). scratch: 5 * K bytes (im2col), 4 * C (1x1).
 */
void eg_qconv2d_i8_dsp_w16(const int8_t *x, const int16_t *w16, const int32_t *bias, int8_t *y, const int32_t *p,
                           const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch);
void eg_qconv2d_1x1_i8_dsp_w16(const int8_t *x, const int16_t *w16, const int32_t *bias, int8_t *y, const int32_t *p,
                               const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch);

/*
 * y_r[o] = requant(sum_k w16 row o [k] * a_r[k]) for o < O and the `lanes` (1 or 2) rows of buf
 * (qdsp_i8.h's operand layout), outputs of row 1 at y1; 2 rows x 2 channels per step. `w` is the
 * widened weight array above (an eg_qconv_gemm_fn).
 */
void eg_qdsp_gemm_w16(const int16_t *buf, int32_t lanes, int32_t K, const void *w, int32_t O, const eg_qdsp_requant *rq,
                      int8_t *y0, int8_t *y1);

#endif

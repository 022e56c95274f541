#ifndef EGRET_QCONV_I8_DSP_H_
#define EGRET_QCONV_I8_DSP_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * int8 convolutions for Armv7E-M (SXTB16/SMLAD through qdsp_i8.h; portable C elsewhere), bit-exact
 * with eg_qconv2d_i8 / eg_qdepthwise_i8: the same int32 sums (products are exact and the order of
 * an int32 sum does not change its value), the same bias add and requantization.
 * p has eg_qconv2d_i8's layout (qconv_i8.h); bias is int32 or NULL (p[20] 0 or 1). scratch is
 * arena memory of the size each function names, 4-byte aligned; it starts with the 16 * O bytes of
 * the requantization table (eg_qdsp_requant_prepare; O = C for the depthwise kernel).
 *
 * eg_qconv2d_i8_dsp: any kernel, stride, dilation and padding, no groups (p[9] == C). im2col of
 *   two output pixels at a time into int16 columns (x + offset, 0 for padding), then the 2x2
 *   blocked GEMM. scratch: 16 * O + 5 * KH * KW * C bytes (two int16 columns, an int8 staging column).
 * eg_qconv2d_1x1_i8_dsp: 1x1 kernel, no padding, any stride, no groups: the input pixels are the
 *   GEMM rows (no im2col, only the int16 widening). scratch: 16 * O + 4 * C bytes.
 */
void eg_qconv2d_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                       const int32_t *mult, const int32_t *shift, void *scratch);
void eg_qconv2d_1x1_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                           const int32_t *mult, const int32_t *shift, void *scratch);
/*
 * The requantization of p's layer (bias kind, output offset, activation range) on `table` (NULL:
 * the mult/shift path), per-channel mult/shift.
 */
eg_qdsp_requant eg_qconv_dsp_requant(const int32_t *bias, const int32_t *p, const eg_qdsp_rq_entry *table, const int32_t *mult,
                                     const int32_t *shift);

/*
 * The two convolutions' loops with the requantization already prepared (rq: bias, table or
 * mult/shift, offsets, range), `work` their scratch after the table (2 * K int16 + K int8 for
 * im2col with K = KH * KW * C; 2 * C int16 for 1x1): what the entries above run after building
 * the table, and what qconv_i8_dsp_tab.c runs on a compile-time table.
 */
void eg_qconv2d_i8_dsp_rq(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                          void *work);
void eg_qconv2d_1x1_i8_dsp_rq(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                              void *work);
/*
 * The same loops on any GEMM over the operand buffers (qdsp_i8.h's layout): `gemm` gets `w` as
 * given, eg_qdsp_gemm_i8 on int8 weights for the two above, eg_qdsp_gemm_w16 on compile-time
 * widened weights for qconv_i8_dsp_w16.c.
 */
typedef void (*eg_qconv_gemm_fn)(const int16_t *buf, int32_t lanes, int32_t K, const void *w, int32_t O,
                                 const eg_qdsp_requant *rq, int8_t *y0, int8_t *y1);
void eg_qconv2d_i8_dsp_gemm(const int8_t *x, const void *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq, void *work,
                            eg_qconv_gemm_fn gemm);
void eg_qconv2d_1x1_i8_dsp_gemm(const int8_t *x, const void *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                                void *work, eg_qconv_gemm_fn gemm);

#endif

#ifndef EGRET_QCONV_I8_DSP_TAB_H_
#define EGRET_QCONV_I8_DSP_TAB_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * eg_qconv2d_i8_dsp and eg_qconv2d_1x1_i8_dsp on a compile-time requantization table (one
 * eg_qdsp_rq_entry per output channel, in flash; NULL: the mult/shift path, as when
 * eg_qdsp_requant_prepare declines), for callers that run one layer many times on a few rows each,
 * such as patch-based execution's bands: the table is not rebuilt per call and takes no scratch.
 * Same p layout (qconv_i8.h), same results. scratch: 5 * KH * KW * C bytes (im2col), 4 * C (1x1).
 */
void eg_qconv2d_i8_dsp_tab(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                           const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch);
void eg_qconv2d_1x1_i8_dsp_tab(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                               const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch);
#endif

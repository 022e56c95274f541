#ifndef EGRET_QFC_I8_DSP_H_
#define EGRET_QFC_I8_DSP_H_
#include "egret.h"

/*
 * int8 fully connected for Armv7E-M, bit-exact with eg_qfc_i8 (same p layout, qconv_i8.h; bias
 * int32 or NULL, p[7] 0 or 1): each input row is widened once to int16 with the input offset,
 * then the SMLAD GEMM of qdsp_i8.h takes two rows x two output channels per step.
 * scratch: 16 * O + 4 * K bytes (the requantization table, two widened rows), 4-byte aligned.
 */
void eg_qfc_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                   const int32_t *mult, const int32_t *shift, void *scratch);

#endif

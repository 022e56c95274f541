#ifndef EGRET_QLSTM_I8_DSP_H_
#define EGRET_QLSTM_I8_DSP_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * TFLite's integer 8x8_16 LSTM for Armv7E-M, bit-exact with eg_qlstm_i8 (qlstm_i8.h: same
 * parameter array p, same sigmoid table, same persistent h and c).
 *
 * Unit by unit the four gates' input rows run one pass over x and their recurrent rows one pass
 * over h. Two weight formats (backends/cortex-m/ops/lstm-weights.ts chooses by rows = B * T):
 * - int8 (scratch NULL): each v word split by SXTB16 and feeding the four gates' SMLAD pairs.
 * - int16 (scratch given): per step x and the previous h widened to int16 once into scratch; the
 *   loop is LDRD + LDM + SMLAD, no SXTB16 (8 columns a pass). The zero points are not subtracted in
 * the loop: their terms are folded into the start values `bias` at compile time; int32 sums wrap
 * like the generic kernel's, so neither the folding nor the order of the terms can change them.
 * Gate activations and cell update: the generic kernel's arithmetic (unit_dsp). Hidden values of a
 * step are written to y first and copied into h after the step.
 *
 * wx: the input weights, word-aligned. int8: per unit s a block of 4 * I bytes: for every 4
 *   columns k the four gates' 4 bytes (i, f, c, o: 16 bytes), then the I % 4 tail bytes of gate
 *   i, f, c, o. int16: per unit s a block of 4 * X int16, X = I rounded up to 8: for every 4
 *   columns k the pairs (w_i[k], w_i[k+1]), (w_i[k+2], w_i[k+3]), then gates f, c, o; zeros past I.
 *   wh: the recurrent weights likewise (S columns; X = S rounded up to 8).
 * bias: per unit 8 int32: b_g[s] - x_zp * sum_k W_g[s][k] for g = i, f, c, o, then
 *   -h_zp * sum_k R_g[s][k] (wrapped).
 * scratch: NULL (int8 weights), or X_I + X_S int16, word-aligned (int16 weights: x and h widened).
 * rq: 11 requantization entries computed at compile time: input FCs i, f, c, o, recurrent FCs
 *   i, f, c, o, then the cell update's forget x cell, input x cell gate, output x tanh(cell) (p's
 *   pairs 27..32); an entry with rs < 0 marks a multiplier/shift outside the fast path's range:
 *   that product takes eg_qdsp_mul with p's (multiplier, shift).
 */
void eg_qlstm_i8_dsp(const int8_t *x, const void *wx, const void *wh, const int32_t *bias, int8_t *y, int8_t *h, int16_t *c,
                     int16_t *scratch, const int32_t *p, const int32_t *lut, const eg_qdsp_rq_entry *rq);

#endif

#ifndef EGRET_QLSTM_I8_DSP_H_
#define EGRET_QLSTM_I8_DSP_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * TFLite's integer 8x8_16 LSTM for Armv7E-M, bit-exact with eg_qlstm_i8 (qlstm_i8.h: same
 * parameter array p, same sigmoid table, same persistent h and c). No scratch.
 *
 * The eight gate FCs run unit by unit: for unit s the four gates' input rows (W_i..W_o row s) share
 * one pass over x, and their recurrent rows one pass over h; each x (h) word is widened once with
 * its zero point folded in (two SXTAB16, values in [-255, 255]) and feeds the four rows' SMLAD
 * pairs. The int32 sums wrap like the generic kernel's, so the order of the terms cannot change
 * them. The unit's gate activations and cell update are eg_qlstm_unit, the generic kernel's own.
 * Hidden values of a step are written to y first and copied into h after the step, so every unit
 * reads the previous step's h, as the generic kernel does.
 *
 * wx: the input weights re-laid out at compile time (backends/cortex-m/ops/lstm-weights.ts): per
 *   unit s a block of 4 * I bytes: for every 4 columns k the four gates' 4 bytes (i, f, c, o: 16
 *   bytes), then the I % 4 tail bytes of gate i, f, c, o. wh: the recurrent weights likewise (S
 *   columns).
 * b: the gate biases i, f, c, o [S] (int32).
 * rq: 8 requantization entries (input FCs i, f, c, o, then recurrent), computed at compile time;
 *   an entry with rs < 0 marks a multiplier/shift outside the fast path's range: that FC takes
 *   eg_qdsp_mul with p's (multiplier, shift).
 */
void eg_qlstm_i8_dsp(const int8_t *x, const int8_t *wx, const int8_t *wh, const int32_t *const b[4], int8_t *y, int8_t *h,
                     int16_t *c, const int32_t *p, const int32_t *lut, const eg_qdsp_rq_entry *rq);

#endif

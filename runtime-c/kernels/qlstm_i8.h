#ifndef EGRET_QLSTM_I8_H_
#define EGRET_QLSTM_I8_H_
#include "egret.h"

/*
 * TFLite Micro's integer 8x8_16 LSTM (UNIDIRECTIONAL_SEQUENCE_LSTM, lstm_eval.h), the C twin of
 * QLstm (src/ir/ops/quant/lstm.ts, which documents the arithmetic).
 *   w: input weights W_i, W_f, W_c, W_o [S, I] then recurrent weights R_i, R_f, R_c, R_o [S, S]
 *   b: gate biases i, f, c, o [S]
 *   h, c: the hidden (int8) and cell (int16) state [B, S], updated in place (owned by the caller)
 *   scratch: 5 * S int16 values
 *   p: p[0] B, p[1] T, p[2] I, p[3] S, p[4] time major, p[5] x zero point, p[6] h zero point,
 *      p[7] cell gate tanh (1) or sigmoid (0), p[8..9] tanh(cell) input multiplier and left shift,
 *      p[10] quantized cell clip (0: none), then (multiplier, shift) pairs: p[11..18] input FCs
 *      i, f, c, o, p[19..26] recurrent FCs, p[27..28] forget x cell, p[29..30] input x cell gate,
 *      p[31..32] tanh(cell) x output gate
 *   lut: TFLite's 256-entry sigmoid table (uint16 values in int32)
 */
void eg_qlstm_i8(const int8_t *x, const int8_t *const w[8], const int32_t *const b[4], int8_t *y, int8_t *h,
                 int16_t *c, int16_t *scratch, const int32_t *p, const int32_t *lut);

/*
 * One unit of one step after the gate FCs (shared with the DSP kernel, qlstm_i8_dsp.c, so that both
 * compute it identically): pre[0..3] the saturated Q3.12 pre-activations of the gates i, f, c, o;
 * applies the gate activations, updates *cell and returns the new hidden value. p as above.
 */
int8_t eg_qlstm_unit(const int16_t pre[4], int16_t *cell, const int32_t *p, const int32_t *lut);

/*
 * TFLite's int16 Logistic and Tanh on the sigmoid table, inline so that a caller with constant
 * (multiplier, shift) (the gates' (0, 0)) gets the input scaling folded; both kernels use these.
 */
/* (multiplier, shift) of TFLite's int16 Logistic/Tanh: multiplier 0 is the power-of-two case. */
static inline int32_t eg_qlstm_lut_input(int16_t x, int32_t multiplier, int32_t left_shift) {
  const int32_t mult = multiplier == 0 ? (3 << left_shift) : multiplier;
  const int32_t shift = multiplier == 0 ? 0 : left_shift;
  const int32_t round = shift > 0 ? (1 << (shift - 1)) : 0;
  return ((int32_t)x * mult + round) >> shift;
}

/* int16 Logistic: Q3.12-ish input (after the 3x scaling) to Q0.15. */
static inline int16_t eg_qlstm_sigmoid16(int16_t x, int32_t multiplier, int32_t left_shift, const int32_t *lut) {
  const int32_t v = eg_qlstm_lut_input(x, multiplier, left_shift);
  const uint32_t abs_v = (uint32_t)(v >= 0 ? v : -v);
  const uint32_t uh = abs_v >> 9;
  uint32_t result;
  if (uh >= 255) {
    result = (uint32_t)0x7FFF << 10;
  } else {
    const uint32_t ua = (uint32_t)lut[uh];
    const uint32_t ub = (uint32_t)lut[uh + 1];
    result = (ua << 9) + (abs_v & 0x1FF) * (ub - ua);
  }
  result = v >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1u;
  return (int16_t)(result >> 10);
}

/* int16 Tanh, as TFLite computes it: int32 result, arithmetic shift of a possibly negative value. */
static inline int16_t eg_qlstm_tanh16(int16_t x, int32_t multiplier, int32_t left_shift, const int32_t *lut) {
  const int32_t v = eg_qlstm_lut_input(x, multiplier, left_shift);
  const uint32_t abs_v = (uint32_t)(v >= 0 ? v : -v);
  const uint32_t uh = abs_v >> 8;
  int32_t result;
  int32_t floor_div;
  if (uh >= 255) {
    result = (int32_t)0xFFFF << 8;
  } else {
    const uint32_t ua = (uint32_t)lut[uh];
    const uint32_t ub = (uint32_t)lut[uh + 1];
    result = (int32_t)((ua << 8) + (abs_v & 0xFF) * (ub - ua));
  }
  result = v >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  /* Floor division by 256 without right-shifting a negative value (implementation-defined in C). */
  floor_div = result >= 0 ? result / 256 : -((-result + 255) / 256);
  return (int16_t)floor_div;
}

#endif

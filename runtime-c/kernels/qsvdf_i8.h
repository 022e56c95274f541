#ifndef EGRET_QSVDF_I8_H_
#define EGRET_QSVDF_I8_H_
#include "egret.h"

/*
 * TFLite Micro's integer SVDF (EvalIntegerSvdfReference), split in two like the IR ops QSvdfState
 * and QSvdfOutput (src/ir/ops/quant/svdf.ts). The state type is int16 (i16) or int8 (i8).
 *
 * eg_qsvdf_state_*: one step of the persistent activation state `state` [B, F*M] (owned by the
 * generated code, kept across runs): shift left by one element, then for every batch b and filter f
 * state[(b*F + f)*M + M-1] = sat(requant(sum_c w[f, c] * (x[b, c] - x_zp)) + s_zp); the new state
 * is also copied to `out`.
 *   p: p[0] B, p[1] I (input depth), p[2] F (filters), p[3] M (memory), p[4] x zero point,
 *      p[5] state zero point, p[6..7] multiplier, shift (input * weights_feature / state scale).
 *
 * eg_qsvdf_output_*: y[b, u] = clamp_int8(requant(bias[u] + sum over the rank filters f of unit u
 * of sum_j wt[f, j] * (s[b, f*M + j] - s_zp)) + y_zp); bias may be NULL.
 *   p: p[0] B, p[1] F, p[2] M, p[3] rank, p[4] state zero point, p[5] output zero point,
 *      p[6..7] multiplier, shift (state * weights_time / output scale).
 */
void eg_qsvdf_state_i16(const int8_t *x, const int8_t *w, int16_t *state, int16_t *out, const int32_t *p);
void eg_qsvdf_state_i8(const int8_t *x, const int8_t *w, int8_t *state, int8_t *out, const int32_t *p);
void eg_qsvdf_output_i16(const int16_t *s, const int16_t *wt, const int32_t *bias, int8_t *y, const int32_t *p);
void eg_qsvdf_output_i8(const int8_t *s, const int8_t *wt, const int32_t *bias, int8_t *y, const int32_t *p);

#endif

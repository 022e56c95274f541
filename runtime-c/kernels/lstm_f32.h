#ifndef EGRET_LSTM_F32_H_
#define EGRET_LSTM_F32_H_
#include "egret.h"
#include "rnn_common_f32.h"

/* Floats of scratch one eg_lstm_f32 call needs: h and c states plus one batch row of gates. */
#define EG_LSTM_SCRATCH_FLOATS(batch, hidden) (2 * (batch) * (hidden) + 4 * (hidden))

/*
 * One direction of an ONNX LSTM (gate order i, o, f, c; peepholes i, o, f). Pointers are to the
 * whole ONNX tensors; the kernel offsets by the direction. b, seq_lens, h0, c0, p, y, y_h and y_c
 * may be NULL (absent input / unused output). Time steps t >= seq_lens[b] leave zeros in y.
 * seq_lens values outside [0, seq] are clamped to it (ONNX leaves them undefined; a reverse
 * direction would otherwise read x out of bounds).
 * ip: seq, batch, input, hidden, num_directions, direction, reverse, layout, input_forget,
 *     act_f, act_g, act_h
 * fp: clip (<= 0: none), alpha_f, beta_f, alpha_g, beta_g, alpha_h, beta_h
 * scratch holds EG_LSTM_SCRATCH_FLOATS(batch, hidden) floats.
 */
void eg_lstm_f32(const float *x, const float *w, const float *r, const float *b, const int32_t *seq_lens,
                 const float *h0, const float *c0, const float *p, float *y, float *y_h, float *y_c,
                 float *scratch, const int32_t *ip, const float *fp);

#endif

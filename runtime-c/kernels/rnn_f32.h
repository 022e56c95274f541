#ifndef EGRET_RNN_F32_H_
#define EGRET_RNN_F32_H_
#include "egret.h"
#include "rnn_common_f32.h"

/*
 * One direction of an ONNX RNN: h = f(x W + h R + Wb + Rb). Pointers are to the whole ONNX
 * tensors; the kernel offsets by the direction. b, seq_lens, h0, y and y_h may be NULL. Time steps
 * t >= seq_lens[b] leave zeros in y; y_h holds the last valid step's state.
 * ip: seq, batch, input, hidden, num_directions, direction, reverse, layout, act_f
 * fp: clip (<= 0: none), alpha_f, beta_f
 * scratch holds batch * hidden + hidden floats (the states and one row of pre-activations).
 */
void eg_rnn_f32(const float *x, const float *w, const float *r, const float *b, const int32_t *seq_lens,
                const float *h0, float *y, float *y_h, float *scratch, const int32_t *ip, const float *fp);

#endif

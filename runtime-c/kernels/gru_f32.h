#ifndef EGRET_GRU_F32_H_
#define EGRET_GRU_F32_H_
#include "egret.h"
#include "rnn_common_f32.h"

/*
 * One direction of an ONNX GRU (gate order z, r, h). Pointers are to the whole ONNX tensors; the
 * kernel offsets by the direction. b, seq_lens, h0, y and y_h may be NULL (absent input / unused
 * output). Time steps t >= seq_lens[b] leave zeros in y; y_h holds the last valid step's state.
 * ip: seq, batch, input, hidden, num_directions, direction, reverse, layout, linear_before_reset,
 *     act_f, act_g
 * fp: clip (<= 0: none), alpha_f, beta_f, alpha_g, beta_g
 * scratch holds batch * hidden + 4 * hidden floats (the states, one row of gates, r * h).
 */
void eg_gru_f32(const float *x, const float *w, const float *r, const float *b, const int32_t *seq_lens,
                const float *h0, float *y, float *y_h, float *scratch, const int32_t *ip, const float *fp);

#endif

#ifndef EGRET_RNN_COMMON_F32_H_
#define EGRET_RNN_COMMON_F32_H_
#include "egret.h"

/* Activation codes of the recurrent ops (ONNX `activations`), shared by LSTM, GRU and RNN. */
#define EG_ACT_SIGMOID 0
#define EG_ACT_TANH 1
#define EG_ACT_RELU 2
#define EG_ACT_AFFINE 3
#define EG_ACT_LEAKY_RELU 4
#define EG_ACT_THRESHOLDED_RELU 5
#define EG_ACT_SCALED_TANH 6
#define EG_ACT_HARD_SIGMOID 7
#define EG_ACT_ELU 8
#define EG_ACT_SOFTSIGN 9
#define EG_ACT_SOFTPLUS 10

/* One activation (code EG_ACT_*, with the alpha/beta the function takes). */
float eg_rnn_activate(int32_t code, float alpha, float beta, float v);

/* v clipped to [-clip, clip]; clip <= 0 means no clipping (the `clip` attribute is absent). */
float eg_rnn_clip(float v, float clip);

/*
 * The int parameters every recurrent kernel starts with:
 * ip: seq, batch, input, hidden, num_directions, direction, reverse, layout, ...
 * X is [seq, batch, input] (layout 0) or [batch, seq, input] (layout 1); Y is [seq, dirs, batch,
 * hidden] or [batch, seq, dirs, hidden]; states are [dirs, batch, hidden] or [batch, dirs, hidden].
 */
size_t eg_rnn_x_offset(const int32_t *ip, int32_t t, int32_t bi);
size_t eg_rnn_y_offset(const int32_t *ip, int32_t t, int32_t bi);
size_t eg_rnn_state_offset(const int32_t *ip, int32_t bi);

/* The length of batch entry bi's sequence (seq when seq_lens is NULL). */
int32_t eg_rnn_len(const int32_t *ip, const int32_t *seq_lens, int32_t bi);

/* The time index that step s of batch entry bi visits (backwards when reverse), -1 past its length. */
int32_t eg_rnn_time(const int32_t *ip, const int32_t *seq_lens, int32_t s, int32_t bi);

/*
 * Copies this direction's initial state (zeros when init is NULL) into the [batch, hidden] working
 * state, and zeroes y (when not NULL) at the steps past each batch entry's sequence length.
 */
void eg_rnn_load_state(const int32_t *ip, const int32_t *seq_lens, const float *init, float *state, float *y);

/* bias + x . w_row (I values) + h . r_row (H values): one gate pre-activation. */
float eg_rnn_gate(float bias, const float *x, const float *w_row, int32_t I, const float *h, const float *r_row, int32_t H);

/* Writes one step's hidden state h (hidden values) to y at (t, bi), unless y is NULL. */
void eg_rnn_store_step(const int32_t *ip, float *y, int32_t t, int32_t bi, const float *h);

/* Copies the [batch, hidden] working state into this direction's slice of out (unless NULL). */
void eg_rnn_store_state(const int32_t *ip, const float *state, float *out);

#endif

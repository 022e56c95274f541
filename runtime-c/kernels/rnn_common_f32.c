#include <math.h>

#include "rnn_common_f32.h"

float eg_rnn_activate(int32_t code, float alpha, float beta, float v) {
  switch (code) {
    case EG_ACT_SIGMOID: return 1.0f / (1.0f + expf(-v));
    case EG_ACT_TANH: return tanhf(v);
    case EG_ACT_RELU: return v > 0.0f ? v : 0.0f;
    case EG_ACT_AFFINE: return alpha * v + beta;
    case EG_ACT_LEAKY_RELU: return v >= 0.0f ? v : alpha * v;
    case EG_ACT_THRESHOLDED_RELU: return v > alpha ? v : 0.0f;
    case EG_ACT_SCALED_TANH: return alpha * tanhf(beta * v);
    case EG_ACT_HARD_SIGMOID: {
      const float s = alpha * v + beta;
      return s < 0.0f ? 0.0f : (s > 1.0f ? 1.0f : s);
    }
    case EG_ACT_ELU: return v >= 0.0f ? v : alpha * (expf(v) - 1.0f);
    case EG_ACT_SOFTSIGN: return v / (1.0f + fabsf(v));
    default: return log1pf(expf(v));
  }
}

float eg_rnn_clip(float v, float clip) {
  if (clip <= 0.0f) return v;
  return v < -clip ? -clip : (v > clip ? clip : v);
}

size_t eg_rnn_x_offset(const int32_t *ip, int32_t t, int32_t bi) {
  const int32_t S = ip[0], B = ip[1], I = ip[2], layout = ip[7];
  return layout ? ((size_t)bi * S + t) * I : ((size_t)t * B + bi) * I;
}

size_t eg_rnn_y_offset(const int32_t *ip, int32_t t, int32_t bi) {
  const int32_t S = ip[0], B = ip[1], H = ip[3], dirs = ip[4], d = ip[5], layout = ip[7];
  return layout ? (((size_t)bi * S + t) * dirs + d) * H : (((size_t)t * dirs + d) * B + bi) * H;
}

size_t eg_rnn_state_offset(const int32_t *ip, int32_t bi) {
  const int32_t B = ip[1], H = ip[3], dirs = ip[4], d = ip[5], layout = ip[7];
  return layout ? ((size_t)bi * dirs + d) * H : ((size_t)d * B + bi) * H;
}

/* Steps of batch entry bi: sequence_lens[bi] clamped to [0, seq_length], as the reference
 * interpreter does (sequenceLength in rnn-common.ts), so an out-of-range value never reads past X. */
int32_t eg_rnn_len(const int32_t *ip, const int32_t *seq_lens, int32_t bi) {
  const int32_t S = ip[0];
  int32_t len;
  if (seq_lens == NULL) return S;
  len = seq_lens[bi];
  return len < 0 ? 0 : (len > S ? S : len);
}

int32_t eg_rnn_time(const int32_t *ip, const int32_t *seq_lens, int32_t s, int32_t bi) {
  const int32_t len = eg_rnn_len(ip, seq_lens, bi);
  if (s >= len) return -1;
  return ip[6] ? len - 1 - s : s;
}

void eg_rnn_load_state(const int32_t *ip, const int32_t *seq_lens, const float *init, float *state, float *y) {
  const int32_t S = ip[0], B = ip[1], H = ip[3];
  int32_t bi, k, t;
  for (bi = 0; bi < B; bi++) {
    const size_t at = eg_rnn_state_offset(ip, bi);
    const int32_t len = eg_rnn_len(ip, seq_lens, bi);
    for (k = 0; k < H; k++) state[(size_t)bi * H + k] = init != NULL ? init[at + k] : 0.0f;
    if (y == NULL) continue;
    for (t = len; t < S; t++) {
      float *yt = y + eg_rnn_y_offset(ip, t, bi);
      for (k = 0; k < H; k++) yt[k] = 0.0f;
    }
  }
}

void eg_rnn_store_state(const int32_t *ip, const float *state, float *out) {
  const int32_t B = ip[1], H = ip[3];
  int32_t bi, k;
  if (out == NULL) return;
  for (bi = 0; bi < B; bi++) {
    float *o = out + eg_rnn_state_offset(ip, bi);
    for (k = 0; k < H; k++) o[k] = state[(size_t)bi * H + k];
  }
}

float eg_rnn_gate(float bias, const float *x, const float *w_row, int32_t I, const float *h, const float *r_row, int32_t H) {
  float acc = bias;
  int32_t k;
  for (k = 0; k < I; k++) acc += x[k] * w_row[k];
  for (k = 0; k < H; k++) acc += h[k] * r_row[k];
  return acc;
}

void eg_rnn_store_step(const int32_t *ip, float *y, int32_t t, int32_t bi, const float *h) {
  int32_t k;
  if (y == NULL) return;
  y += eg_rnn_y_offset(ip, t, bi);
  for (k = 0; k < ip[3]; k++) y[k] = h[k];
}

#include <math.h>

#include "lstm_f32.h"

static float activate(int32_t code, float alpha, float beta, float v) {
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

/* Steps of batch entry bi: seq_lens[bi] clamped to [0, S] (the reference interpreter clamps too). */
static int32_t sequence_length(const int32_t *seq_lens, int32_t bi, int32_t S) {
  int32_t len;
  if (seq_lens == NULL) return S;
  len = seq_lens[bi];
  return len < 0 ? 0 : (len > S ? S : len);
}

static float clip_to(float v, float clip) {
  if (clip <= 0.0f) return v;
  return v < -clip ? -clip : (v > clip ? clip : v);
}

void eg_lstm_f32(const float *x, const float *w, const float *r, const float *b, const int32_t *seq_lens,
                 const float *h0, const float *c0, const float *p, float *y, float *y_h, float *y_c,
                 float *scratch, const int32_t *ip, const float *fp) {
  const int32_t S = ip[0], B = ip[1], I = ip[2], H = ip[3], dirs = ip[4], d = ip[5];
  const int32_t reverse = ip[6], layout = ip[7], input_forget = ip[8];
  const int32_t act_f = ip[9], act_g = ip[10], act_h = ip[11];
  const float clip = fp[0];
  const float *wd = w + (size_t)d * 4 * H * I;
  const float *rd = r + (size_t)d * 4 * H * H;
  const float *bd = b != NULL ? b + (size_t)d * 8 * H : NULL;
  const float *pd = p != NULL ? p + (size_t)d * 3 * H : NULL;
  float *h = scratch, *c = scratch + (size_t)B * H, *gates = scratch + (size_t)2 * B * H;
  int32_t bi, s, t, g, k, len;

  for (bi = 0; bi < B; bi++) {
    /* initial_h / initial_c / Y_h / Y_c share one layout: [dirs, B, H], or [B, dirs, H] when layout = 1. */
    const size_t st = layout ? ((size_t)bi * dirs + d) * H : ((size_t)d * B + bi) * H;
    for (k = 0; k < H; k++) {
      h[(size_t)bi * H + k] = h0 != NULL ? h0[st + k] : 0.0f;
      c[(size_t)bi * H + k] = c0 != NULL ? c0[st + k] : 0.0f;
    }
    len = sequence_length(seq_lens, bi, S);
    if (y != NULL) {
      for (t = len; t < S; t++) {
        float *yt = y + (layout ? (((size_t)bi * S + t) * dirs + d) * H : (((size_t)t * dirs + d) * B + bi) * H);
        for (k = 0; k < H; k++) yt[k] = 0.0f;
      }
    }
  }

  for (s = 0; s < S; s++) {
    for (bi = 0; bi < B; bi++) {
      float *hb = h + (size_t)bi * H, *cb = c + (size_t)bi * H;
      const float *xt;
      len = sequence_length(seq_lens, bi, S);
      if (s >= len) continue;
      t = reverse ? len - 1 - s : s;
      xt = x + (layout ? ((size_t)bi * S + t) * I : ((size_t)t * B + bi) * I);
      for (g = 0; g < 4 * H; g++) {
        const float *wr = wd + (size_t)g * I, *rr = rd + (size_t)g * H;
        float acc = bd != NULL ? bd[g] + bd[4 * H + g] : 0.0f;
        for (k = 0; k < I; k++) acc += xt[k] * wr[k];
        for (k = 0; k < H; k++) acc += hb[k] * rr[k];
        gates[g] = acc;
      }
      for (k = 0; k < H; k++) {
        float gi = gates[k], go = gates[H + k], gf = gates[2 * H + k], gc = gates[3 * H + k];
        float ct;
        if (pd != NULL) {
          gi += pd[k] * cb[k];
          gf += pd[2 * H + k] * cb[k];
        }
        gi = activate(act_f, fp[1], fp[2], clip_to(gi, clip));
        gf = input_forget ? 1.0f - gi : activate(act_f, fp[1], fp[2], clip_to(gf, clip));
        gc = activate(act_g, fp[3], fp[4], clip_to(gc, clip));
        ct = gf * cb[k] + gi * gc;
        if (pd != NULL) go += pd[H + k] * ct;
        go = activate(act_f, fp[1], fp[2], clip_to(go, clip));
        cb[k] = ct;
        hb[k] = go * activate(act_h, fp[5], fp[6], ct);
      }
      if (y != NULL) {
        float *yt = y + (layout ? (((size_t)bi * S + t) * dirs + d) * H : (((size_t)t * dirs + d) * B + bi) * H);
        for (k = 0; k < H; k++) yt[k] = hb[k];
      }
    }
  }

  for (bi = 0; bi < B; bi++) {
    const size_t st = layout ? ((size_t)bi * dirs + d) * H : ((size_t)d * B + bi) * H;
    for (k = 0; k < H; k++) {
      if (y_h != NULL) y_h[st + k] = h[(size_t)bi * H + k];
      if (y_c != NULL) y_c[st + k] = c[(size_t)bi * H + k];
    }
  }
}

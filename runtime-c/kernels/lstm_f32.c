#include "lstm_f32.h"

void eg_lstm_f32(const float *x, const float *w, const float *r, const float *b, const int32_t *seq_lens,
                 const float *h0, const float *c0, const float *p, float *y, float *y_h, float *y_c,
                 float *scratch, const int32_t *ip, const float *fp) {
  const int32_t S = ip[0], B = ip[1], I = ip[2], H = ip[3], d = ip[5], input_forget = ip[8];
  const int32_t act_f = ip[9], act_g = ip[10], act_h = ip[11];
  const float clip = fp[0];
  const float *wd = w + (size_t)d * 4 * H * I;
  const float *rd = r + (size_t)d * 4 * H * H;
  const float *bd = b != NULL ? b + (size_t)d * 8 * H : NULL;
  const float *pd = p != NULL ? p + (size_t)d * 3 * H : NULL;
  float *h = scratch, *c = scratch + (size_t)B * H, *gates = scratch + (size_t)2 * B * H;
  int32_t bi, s, t, g, k;

  eg_rnn_load_state(ip, seq_lens, h0, h, y);
  eg_rnn_load_state(ip, seq_lens, c0, c, NULL);
  for (s = 0; s < S; s++) {
    for (bi = 0; bi < B; bi++) {
      float *hb = h + (size_t)bi * H, *cb = c + (size_t)bi * H;
      const float *xt;
      t = eg_rnn_time(ip, seq_lens, s, bi);
      if (t < 0) continue;
      xt = x + eg_rnn_x_offset(ip, t, bi);
      for (g = 0; g < 4 * H; g++) {
        gates[g] = eg_rnn_gate(bd != NULL ? bd[g] + bd[4 * H + g] : 0.0f, xt, wd + (size_t)g * I, I, hb, rd + (size_t)g * H, H);
      }
      for (k = 0; k < H; k++) {
        float gi = gates[k], go = gates[H + k], gf = gates[2 * H + k], gc = gates[3 * H + k];
        float ct;
        if (pd != NULL) {
          gi += pd[k] * cb[k];
          gf += pd[2 * H + k] * cb[k];
        }
        gi = eg_rnn_activate(act_f, fp[1], fp[2], eg_rnn_clip(gi, clip));
        gf = input_forget ? 1.0f - gi : eg_rnn_activate(act_f, fp[1], fp[2], eg_rnn_clip(gf, clip));
        gc = eg_rnn_activate(act_g, fp[3], fp[4], eg_rnn_clip(gc, clip));
        ct = gf * cb[k] + gi * gc;
        if (pd != NULL) go += pd[H + k] * ct;
        go = eg_rnn_activate(act_f, fp[1], fp[2], eg_rnn_clip(go, clip));
        cb[k] = ct;
        hb[k] = go * eg_rnn_activate(act_h, fp[5], fp[6], ct);
      }
      eg_rnn_store_step(ip, y, t, bi, hb);
    }
  }
  eg_rnn_store_state(ip, h, y_h);
  eg_rnn_store_state(ip, c, y_c);
}

#include "gru_f32.h"

void eg_gru_f32(const float *x, const float *w, const float *r, const float *b, const int32_t *seq_lens,
                const float *h0, float *y, float *y_h, float *scratch, const int32_t *ip, const float *fp) {
  const int32_t S = ip[0], B = ip[1], I = ip[2], H = ip[3], d = ip[5];
  const int32_t linear_before_reset = ip[8], act_f = ip[9], act_g = ip[10];
  const float clip = fp[0];
  const float *wd = w + (size_t)d * 3 * H * I;
  const float *rd = r + (size_t)d * 3 * H * H;
  const float *bd = b != NULL ? b + (size_t)d * 6 * H : NULL;
  float *h = scratch, *gates = scratch + (size_t)B * H, *rh = gates + (size_t)3 * H;
  int32_t bi, s, t, g, k;

  eg_rnn_load_state(ip, seq_lens, h0, h, y);
  for (s = 0; s < S; s++) {
    for (bi = 0; bi < B; bi++) {
      float *hb = h + (size_t)bi * H;
      const float *xt;
      t = eg_rnn_time(ip, seq_lens, s, bi);
      if (t < 0) continue;
      xt = x + eg_rnn_x_offset(ip, t, bi);
      /* z and r: f(x W + h R + Wb + Rb). */
      for (g = 0; g < 2 * H; g++) {
        const float acc = eg_rnn_gate(bd != NULL ? bd[g] + bd[3 * H + g] : 0.0f, xt, wd + (size_t)g * I, I, hb, rd + (size_t)g * H, H);
        gates[g] = eg_rnn_activate(act_f, fp[1], fp[2], eg_rnn_clip(acc, clip));
      }
      for (k = 0; k < H; k++) rh[k] = gates[H + k] * hb[k];
      /* candidate: g(x Wh + (r . h) Rh + Rbh + Wbh), or g(x Wh + r . (h Rh + Rbh) + Wbh) with linear_before_reset. */
      for (g = 0; g < H; g++) {
        const float *wr = wd + (size_t)(2 * H + g) * I, *rr = rd + (size_t)(2 * H + g) * H;
        const float wb = bd != NULL ? bd[2 * H + g] : 0.0f, rb = bd != NULL ? bd[5 * H + g] : 0.0f;
        float acc;
        if (linear_before_reset) {
          acc = eg_rnn_gate(wb, xt, wr, I, hb, rr, 0) + gates[H + g] * eg_rnn_gate(rb, xt, wr, 0, hb, rr, H);
        } else {
          acc = eg_rnn_gate(wb + rb, xt, wr, I, rh, rr, H);
        }
        gates[2 * H + g] = eg_rnn_activate(act_g, fp[3], fp[4], eg_rnn_clip(acc, clip));
      }
      for (k = 0; k < H; k++) hb[k] = (1.0f - gates[k]) * gates[2 * H + k] + gates[k] * hb[k];
      eg_rnn_store_step(ip, y, t, bi, hb);
    }
  }
  eg_rnn_store_state(ip, h, y_h);
}

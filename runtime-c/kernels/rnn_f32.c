#include "rnn_f32.h"

void eg_rnn_f32(const float *x, const float *w, const float *r, const float *b, const int32_t *seq_lens,
                const float *h0, float *y, float *y_h, float *scratch, const int32_t *ip, const float *fp) {
  const int32_t S = ip[0], B = ip[1], I = ip[2], H = ip[3], d = ip[5], act_f = ip[8];
  const float clip = fp[0];
  const float *wd = w + (size_t)d * H * I;
  const float *rd = r + (size_t)d * H * H;
  const float *bd = b != NULL ? b + (size_t)d * 2 * H : NULL;
  float *h = scratch, *pre = scratch + (size_t)B * H;
  int32_t bi, s, t, g, k;

  eg_rnn_load_state(ip, seq_lens, h0, h, y);
  for (s = 0; s < S; s++) {
    for (bi = 0; bi < B; bi++) {
      float *hb = h + (size_t)bi * H;
      t = eg_rnn_time(ip, seq_lens, s, bi);
      if (t < 0) continue;
      /* All pre-activations read the previous state before any of it is overwritten. */
      for (g = 0; g < H; g++) {
        pre[g] = eg_rnn_gate(bd != NULL ? bd[g] + bd[H + g] : 0.0f, x + eg_rnn_x_offset(ip, t, bi), wd + (size_t)g * I, I, hb, rd + (size_t)g * H, H);
      }
      for (k = 0; k < H; k++) hb[k] = eg_rnn_activate(act_f, fp[1], fp[2], eg_rnn_clip(pre[k], clip));
      eg_rnn_store_step(ip, y, t, bi, hb);
    }
  }
  eg_rnn_store_state(ip, h, y_h);
}

#include <math.h>

#include "linear_attention_f32.h"

void eg_linear_attention_f32(const float *q, const float *k, const float *v, const float *past, const float *decay,
                             const float *beta, const float *erase, float *out, float *present, float *scratch,
                             const int32_t *ip, float scale) {
  const int32_t B = ip[0], T = ip[1], Hq = ip[2], Hkv = ip[3], dk = ip[4], dv = ip[5];
  const int32_t gated = ip[6], delta = ip[7], decay_width = ip[8], beta_width = ip[9];
  const int32_t group = Hq / Hkv;
  float *s = scratch, *vt = scratch + (size_t)dk * dv;
  int32_t b, hk, t, h, i, m;

  for (b = 0; b < B; b++) {
    for (hk = 0; hk < Hkv; hk++) {
      const size_t base = ((size_t)b * Hkv + hk) * dk * dv;
      for (i = 0; i < dk * dv; i++) s[i] = past != NULL ? past[base + i] : 0.0f;
      for (t = 0; t < T; t++) {
        const size_t row = (size_t)b * T + t;
        const float *kt = k + (row * Hkv + hk) * dk;
        const float *et = erase != NULL ? erase + (row * Hkv + hk) * dk : NULL;
        for (m = 0; m < dv; m++) vt[m] = v[(row * Hkv + hk) * dv + m];
        if (gated) {
          const float *g = decay + (row * Hkv + hk) * decay_width;
          for (i = 0; i < dk; i++) {
            const float f = expf(g[decay_width == 1 ? 0 : i]);
            for (m = 0; m < dv; m++) s[(size_t)i * dv + m] *= f;
          }
        }
        if (delta) {
          /* v_t <- beta_t * (v_t - S^T (erase_t * k_t)): the value the state already predicts is removed. */
          const float bt = beta[row * beta_width + (beta_width == 1 ? 0 : hk)];
          for (m = 0; m < dv; m++) {
            float got = 0.0f;
            for (i = 0; i < dk; i++) got += s[(size_t)i * dv + m] * kt[i] * (et != NULL ? et[i] : 1.0f);
            vt[m] = bt * (vt[m] - got);
          }
        }
        for (i = 0; i < dk; i++) {
          for (m = 0; m < dv; m++) s[(size_t)i * dv + m] += kt[i] * vt[m];
        }
        for (h = hk * group; h < (hk + 1) * group; h++) {
          const float *qt = q + (row * Hq + h) * dk;
          float *ot = out + (row * Hq + h) * dv;
          for (m = 0; m < dv; m++) {
            float acc = 0.0f;
            for (i = 0; i < dk; i++) acc += qt[i] * s[(size_t)i * dv + m];
            ot[m] = scale * acc;
          }
        }
      }
      if (present != NULL) {
        for (i = 0; i < dk * dv; i++) present[base + i] = s[i];
      }
    }
  }
}

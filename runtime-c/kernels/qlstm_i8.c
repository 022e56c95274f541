#include "qlstm_i8.h"

#include "qfixed_i8.h"

static int32_t sat16(int32_t v) { return eg_q_clamp(v, -32768, 32767); }

/* One row of a gate FC rescaled to Q3.12 int16. */
static void fc_row(const int8_t *w, int32_t rows, int32_t cols, const int8_t *v, int32_t zp, const int32_t *bias,
                   int32_t multiplier, int32_t shift, int16_t *out) {
  int32_t r, k;
  for (r = 0; r < rows; r++) {
    int32_t acc = 0;
    for (k = 0; k < cols; k++) acc = eg_q_wrap_add(acc, (int32_t)w[r * cols + k] * ((int32_t)v[k] - zp));
    if (bias) acc = eg_q_wrap_add(acc, bias[r]);
    out[r] = (int16_t)sat16(eg_q_mul(acc, multiplier, shift));
  }
}

int8_t eg_qlstm_unit(const int16_t pre[4], int16_t *cell, const int32_t *p, const int32_t *lut) {
  const int32_t h_zp = p[6], cell_tanh = p[7], tanh_mult = p[8], tanh_shift = p[9], clip = p[10];
  const int32_t *mul = p + 27;
  const int32_t ig = eg_qlstm_sigmoid16(pre[0], 0, 0, lut), fg = eg_qlstm_sigmoid16(pre[1], 0, 0, lut);
  const int32_t cg = cell_tanh ? eg_qlstm_tanh16(pre[2], 0, 0, lut) : eg_qlstm_sigmoid16(pre[2], 0, 0, lut);
  const int32_t og = eg_qlstm_sigmoid16(pre[3], 0, 0, lut);
  const int32_t kept = sat16(eg_q_mul(fg * (int32_t)*cell, mul[0], mul[1]));
  const int32_t added = sat16(eg_q_mul(ig * cg, mul[2], mul[3]));
  int32_t updated = sat16(kept + added);
  int16_t squashed;
  if (clip > 0) updated = eg_q_clamp(updated, -clip, clip);
  *cell = (int16_t)updated;
  squashed = eg_qlstm_tanh16((int16_t)updated, tanh_mult, tanh_shift, lut);
  return (int8_t)eg_q_clamp(eg_q_wrap_add(eg_q_mul((int32_t)squashed * og, mul[4], mul[5]), h_zp), -128, 127);
}

void eg_qlstm_i8(const int8_t *x, const int8_t *const w[8], const int32_t *const b[4], int8_t *y, int8_t *h,
                 int16_t *c, int16_t *scratch, const int32_t *p, const int32_t *lut) {
  const int32_t batch = p[0], time = p[1], inputs = p[2], units = p[3], time_major = p[4];
  const int32_t x_zp = p[5], h_zp = p[6];
  const int32_t *in_fc = p + 11;
  const int32_t *rec_fc = p + 19;
  int16_t *recurrent = scratch + 4 * units;
  int32_t bi, t, g, s;
  for (bi = 0; bi < batch; bi++) {
    int8_t *hb = h + bi * units;
    int16_t *cb = c + bi * units;
    for (t = 0; t < time; t++) {
      const int32_t row = time_major ? t * batch + bi : bi * time + t;
      /* All four gates' pre-activations first: every unit's FCs read the previous step's h. */
      for (g = 0; g < 4; g++) {
        int16_t *gate = scratch + g * units;
        fc_row(w[g], units, inputs, x + row * inputs, x_zp, b[g], in_fc[2 * g], in_fc[2 * g + 1], gate);
        fc_row(w[4 + g], units, units, hb, h_zp, NULL, rec_fc[2 * g], rec_fc[2 * g + 1], recurrent);
        for (s = 0; s < units; s++) gate[s] = (int16_t)sat16((int32_t)gate[s] + (int32_t)recurrent[s]);
      }
      for (s = 0; s < units; s++) {
        const int16_t pre[4] = {scratch[s], scratch[units + s], scratch[2 * units + s], scratch[3 * units + s]};
        const int8_t hidden = eg_qlstm_unit(pre, cb + s, p, lut);
        hb[s] = hidden;
        y[row * units + s] = hidden;
      }
    }
  }
}

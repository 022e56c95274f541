#include "qlstm_i8_dsp.h"

#include <string.h>

#include "qlstm_i8.h"

/*
 * acc[g] = sum over k < n of w_g[k] * (v[k] + off) for the four gate rows of one unit, in the
 * packed block w (see qlstm_i8_dsp.h): per 4 columns one v word widened twice (SXTAB16 even and
 * odd bytes, the offset added in each halfword), one weight word per gate split by SXTB16 and its
 * ror-8 form, two SMLADs per gate: 4 MACs per SMLAD pair.
 */
static void gate_dots(const int8_t *v, int32_t n, int32_t off, const int8_t *w, int32_t acc[4]) {
  const uint32_t off2 = eg_qdsp_pack16(off, off);
  const int32_t full = n & ~3, tail = n - full;
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, k;
  for (k = 0; k < full; k += 4, w += 16) {
    const uint32_t vv = eg_qdsp_read4(v + k);
    const uint32_t ve = eg_qdsp_sxtab16(off2, vv), vo = eg_qdsp_sxtab16_ror8(off2, vv);
    uint32_t wv = eg_qdsp_read4(w);
    a0 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), ve, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), vo, a0));
    wv = eg_qdsp_read4(w + 4);
    a1 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), ve, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), vo, a1));
    wv = eg_qdsp_read4(w + 8);
    a2 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), ve, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), vo, a2));
    wv = eg_qdsp_read4(w + 12);
    a3 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), ve, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), vo, a3));
  }
  /* The n % 4 tail: gate g's bytes at w[g * tail ..]. */
  for (k = 0; k < tail; k++) {
    const int32_t vk = (int32_t)v[full + k] + off;
    a0 = eg_q_wrap_add(a0, (int32_t)w[k] * vk);
    a1 = eg_q_wrap_add(a1, (int32_t)w[tail + k] * vk);
    a2 = eg_q_wrap_add(a2, (int32_t)w[2 * tail + k] * vk);
    a3 = eg_q_wrap_add(a3, (int32_t)w[3 * tail + k] * vk);
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/* A gate FC's sum rescaled to Q3.12: the table entry when it has one, else p's (multiplier, shift). */
static inline int32_t to_q312(int32_t acc, const eg_qdsp_rq_entry *e, const int32_t *mult_shift) {
  return eg_qdsp_sat16(e->rs >= 0 ? eg_qdsp_rq_fast(acc, e) : eg_qdsp_mul(acc, mult_shift[0], mult_shift[1]));
}

void eg_qlstm_i8_dsp(const int8_t *x, const int8_t *wx, const int8_t *wh, const int32_t *const b[4], int8_t *y, int8_t *h,
                     int16_t *c, const int32_t *p, const int32_t *lut, const eg_qdsp_rq_entry *rq) {
  const int32_t batch = p[0], time = p[1], inputs = p[2], units = p[3], time_major = p[4];
  const int32_t x_off = -p[5], h_off = -p[6];
  const int32_t *in_fc = p + 11;
  const int32_t *rec_fc = p + 19;
  int32_t bi, t, s, g;
  for (bi = 0; bi < batch; bi++) {
    int8_t *hb = h + bi * units;
    int16_t *cb = c + bi * units;
    for (t = 0; t < time; t++) {
      const int32_t row = time_major ? t * batch + bi : bi * time + t;
      const int8_t *xr = x + row * inputs;
      int8_t *yr = y + row * units;
      const int8_t *wxs = wx, *whs = wh;
      for (s = 0; s < units; s++) {
        int32_t ax[4], ah[4];
        int16_t pre[4];
        gate_dots(xr, inputs, x_off, wxs, ax);
        gate_dots(hb, units, h_off, whs, ah);
        wxs += 4 * inputs;
        whs += 4 * units;
        for (g = 0; g < 4; g++) {
          const int32_t in = to_q312(eg_q_wrap_add(ax[g], b[g][s]), rq + g, in_fc + 2 * g);
          const int32_t rec = to_q312(ah[g], rq + 4 + g, rec_fc + 2 * g);
          pre[g] = (int16_t)eg_qdsp_sat16(in + rec);
        }
        yr[s] = eg_qlstm_unit(pre, cb + s, p, lut);
      }
      /* The step's hidden values become h only now: every unit above read the previous step's h. */
      memcpy(hb, yr, (size_t)units);
    }
  }
}

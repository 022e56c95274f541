#include "qlstm_i8_dsp.h"

#include <string.h>

#include "qlstm_i8.h"

/* v[0..n) widened to int16 into out[0..cols), zeros past n (the packed weights there are zero too). */
static void widen16(const int8_t *v, int32_t n, int32_t cols, int16_t *out) {
  int32_t k;
  for (k = 0; k < n; k++) out[k] = v[k];
  for (; k < cols; k++) out[k] = 0;
}

/*
 * acc[g] += sum over k < n of w_g[k] * v[k] for the four gate rows of one unit, in the int8 packed
 * block w (see qlstm_i8_dsp.h): per 4 columns one v word split by SXTB16 (even and odd bytes), one
 * weight word per gate split likewise, two SMLADs per gate: 27 instructions per 16 MACs.
 */
static void gate_dots8(const int8_t *v, int32_t n, const int8_t *w, int32_t acc[4]) {
  const int32_t full = n & ~3, tail = n - full;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], k;
  for (k = 0; k < full; k += 4, w += 16) {
    const uint32_t vv = eg_qdsp_read4(v + k);
    const uint32_t ve = eg_qdsp_sxtb16(vv), vo = eg_qdsp_sxtb16_ror8(vv);
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
    const int32_t vk = v[full + k];
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

#if EG_QDSP_ASM_LOOPS
/* 4 columns of gate_dots16: the two v pairs, then the weight pairs of gates i, f and of c, o (r8..r11). */
#define GATE_DOTS16_4COLS \
  "ldrd %[x0], %[x1], [%[v]], #8\n\t" \
  "ldm %[w]!, {r8, r9, r10, r11}\n\t" \
  "smlad %[a0], r8, %[x0], %[a0]\n\t" \
  "smlad %[a0], r9, %[x1], %[a0]\n\t" \
  "smlad %[a1], r10, %[x0], %[a1]\n\t" \
  "smlad %[a1], r11, %[x1], %[a1]\n\t" \
  "ldm %[w]!, {r8, r9, r10, r11}\n\t" \
  "smlad %[a2], r8, %[x0], %[a2]\n\t" \
  "smlad %[a2], r9, %[x1], %[a2]\n\t" \
  "smlad %[a3], r10, %[x0], %[a3]\n\t" \
  "smlad %[a3], r11, %[x1], %[a3]\n\t"
#endif

/*
 * acc[g] += sum over k < cols of w_g[k] * v[k] for the four gate rows of one unit, in the packed
 * block w (int16, see qlstm_i8_dsp.h); cols is a positive multiple of 8, v word-aligned. Per 4
 * columns: one LDRD of v (two pairs), two LDMs of 4 weight words (two gates' pairs each), 8 SMLADs:
 * 11 instructions per 16 MACs, 2 more per 8 columns for the loop.
 */
static void gate_dots16(const int16_t *v, int32_t cols, const int16_t *w, int32_t acc[4]) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
#if EG_QDSP_ASM_LOOPS
  const int16_t *const end = v + cols;
  uint32_t x0, x1;
  /* r8..r11 hold the 4 weight words of an LDM (its register list is fixed). */
  __asm__ volatile(
      "1:\n\t"
      GATE_DOTS16_4COLS GATE_DOTS16_4COLS
      "cmp %[v], %[end]\n\t"
      "bne 1b\n\t"
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [v] "+r"(v), [w] "+r"(w), [x0] "=&r"(x0), [x1] "=&r"(x1)
      : [end] "r"(end)
      : "r8", "r9", "r10", "r11", "cc", "memory");
#else
  int32_t k;
  for (k = 0; k < cols; k += 4, w += 16) {
    const uint32_t x0 = eg_qdsp_read4(v + k), x1 = eg_qdsp_read4(v + k + 2);
    a0 = eg_qdsp_smlad(eg_qdsp_read4(w + 2), x1, eg_qdsp_smlad(eg_qdsp_read4(w), x0, a0));
    a1 = eg_qdsp_smlad(eg_qdsp_read4(w + 6), x1, eg_qdsp_smlad(eg_qdsp_read4(w + 4), x0, a1));
    a2 = eg_qdsp_smlad(eg_qdsp_read4(w + 10), x1, eg_qdsp_smlad(eg_qdsp_read4(w + 8), x0, a2));
    a3 = eg_qdsp_smlad(eg_qdsp_read4(w + 14), x1, eg_qdsp_smlad(eg_qdsp_read4(w + 12), x0, a3));
  }
#endif
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/* eg_q_mul(acc, mult_shift[0], mult_shift[1]): the table entry when it has one, else eg_qdsp_mul. */
static inline int32_t rescale(int32_t acc, const eg_qdsp_rq_entry *e, const int32_t *mult_shift) {
  return e->rs >= 0 ? eg_qdsp_rq_fast(acc, e) : eg_qdsp_mul(acc, mult_shift[0], mult_shift[1]);
}

/* A gate FC's sum rescaled to Q3.12. */
static inline int32_t to_q312(int32_t acc, const eg_qdsp_rq_entry *e, const int32_t *mult_shift) {
  return eg_qdsp_sat16(rescale(acc, e, mult_shift));
}

/*
 * eg_qlstm_unit (qlstm_i8.c) with its arithmetic unchanged, on the DSP wrappers: the activations
 * inline with the gates' constant (0, 0) input scaling folded; the three products rescaled on the
 * table entries rq[0..2] (forget x cell, input x cell gate, output x tanh(cell)) or eg_qdsp_mul
 * (both equal eg_q_mul for the multipliers >= 0 that positive scales give); SSAT for the int16 clamps.
 */
static int8_t unit_dsp(const int32_t pre[4], int16_t *cell, const int32_t *p, const int32_t *lut, const eg_qdsp_rq_entry *rq) {
  const int32_t *mul = p + 27;
  const int32_t ig = eg_qlstm_sigmoid16((int16_t)pre[0], 0, 0, lut), fg = eg_qlstm_sigmoid16((int16_t)pre[1], 0, 0, lut);
  const int32_t cg = p[7] ? eg_qlstm_tanh16((int16_t)pre[2], 0, 0, lut) : eg_qlstm_sigmoid16((int16_t)pre[2], 0, 0, lut);
  const int32_t og = eg_qlstm_sigmoid16((int16_t)pre[3], 0, 0, lut);
  const int32_t kept = eg_qdsp_sat16(rescale(fg * (int32_t)*cell, rq, mul));
  const int32_t added = eg_qdsp_sat16(rescale(ig * cg, rq + 1, mul + 2));
  int32_t updated = eg_qdsp_sat16(kept + added);
  int32_t squashed;
  if (p[10] > 0) updated = eg_q_clamp(updated, -p[10], p[10]);
  *cell = (int16_t)updated;
  squashed = eg_qlstm_tanh16((int16_t)updated, p[8], p[9], lut);
  return (int8_t)eg_q_clamp(eg_q_wrap_add(rescale(squashed * og, rq + 2, mul + 4), p[6]), -128, 127);
}

void eg_qlstm_i8_dsp(const int8_t *x, const void *wx, const void *wh, const int32_t *bias, int8_t *y, int8_t *h, int16_t *c,
                     int16_t *scratch, const int32_t *p, const int32_t *lut, const eg_qdsp_rq_entry *rq) {
  const int32_t batch = p[0], time = p[1], inputs = p[2], units = p[3], time_major = p[4];
  const int32_t x_cols = (inputs + 7) & ~7, h_cols = (units + 7) & ~7;
  const int32_t *in_fc = p + 11;
  const int32_t *rec_fc = p + 19;
  /* Bytes of one unit's block of gate weights: 4 rows of int16 (padded) or of int8. */
  const int32_t x_block = scratch != NULL ? 8 * x_cols : 4 * inputs, h_block = scratch != NULL ? 8 * h_cols : 4 * units;
  int32_t bi, t, s, g;
  for (bi = 0; bi < batch; bi++) {
    int8_t *hb = h + bi * units;
    int16_t *cb = c + bi * units;
    for (t = 0; t < time; t++) {
      const int32_t row = time_major ? t * batch + bi : bi * time + t;
      const int8_t *xr = x + row * inputs;
      int8_t *yr = y + row * units;
      const int8_t *wxs = (const int8_t *)wx, *whs = (const int8_t *)wh;
      /* Every unit of this step reads the previous step's h: widened once, before any is updated. */
      if (scratch != NULL) {
        widen16(xr, inputs, x_cols, scratch);
        widen16(hb, units, h_cols, scratch + x_cols);
      }
      for (s = 0; s < units; s++) {
        int32_t ax[4], ah[4], pre[4];
        const int32_t *bs = bias + 8 * s;
        for (g = 0; g < 4; g++) {
          ax[g] = bs[g];
          ah[g] = bs[4 + g];
        }
        if (scratch != NULL) {
          gate_dots16(scratch, x_cols, (const int16_t *)(const void *)wxs, ax);
          gate_dots16(scratch + x_cols, h_cols, (const int16_t *)(const void *)whs, ah);
        } else {
          gate_dots8(xr, inputs, wxs, ax);
          gate_dots8(hb, units, whs, ah);
        }
        wxs += x_block;
        whs += h_block;
        for (g = 0; g < 4; g++) pre[g] = eg_qdsp_sat16(to_q312(ax[g], rq + g, in_fc + 2 * g) + to_q312(ah[g], rq + 4 + g, rec_fc + 2 * g));
        yr[s] = unit_dsp(pre, cb + s, p, lut, rq + 8);
      }
      /* The step's hidden values become h only now: every unit above read the previous step's h. */
      memcpy(hb, yr, (size_t)units);
    }
  }
}

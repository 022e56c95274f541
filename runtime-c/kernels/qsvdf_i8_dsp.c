#include "qsvdf_i8_dsp.h"

#include <string.h>

/* The op's requantization: the compile-time table entry when there is one, else eg_qdsp_mul. */
static int32_t requant(int32_t acc, const eg_qdsp_rq_entry *rq, int32_t mult, int32_t shift) {
  return rq != NULL ? eg_qdsp_rq_fast(acc, rq) : eg_qdsp_mul(acc, mult, shift);
}

/*
 * state[i] = out[i] = state[i + 1] for i < n (n = cells - 1): the generic memmove + memcpy in one
 * pass. Each block of 8 elements is loaded before any of it is stored, and the stores trail the
 * loads by one element, so the forward in-place copy never reads a value it has overwritten.
 * memcpy of 4 bytes compiles to one LDR/STR (unaligned access is allowed on Armv7-M).
 */
static void shift_into(int16_t *state, int16_t *out, int32_t n) {
  const int16_t *src = state + 1;
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint32_t a, b, c, d;
    memcpy(&a, src + i, 4);
    memcpy(&b, src + i + 2, 4);
    memcpy(&c, src + i + 4, 4);
    memcpy(&d, src + i + 6, 4);
    memcpy(state + i, &a, 4);
    memcpy(state + i + 2, &b, 4);
    memcpy(state + i + 4, &c, 4);
    memcpy(state + i + 6, &d, 4);
    memcpy(out + i, &a, 4);
    memcpy(out + i + 2, &b, 4);
    memcpy(out + i + 4, &c, 4);
    memcpy(out + i + 6, &d, 4);
  }
  for (; i < n; i++) {
    const int16_t v = src[i];
    state[i] = v;
    out[i] = v;
  }
}

/*
 * acc[r] = sum over c < depth of w[r * depth + c] * (x[c] + x_off) for the `rows` (1 or 4) rows
 * of w. off2 holds x_off in both halfwords: SXTAB16 adds it while widening (x + x_off is in
 * [-255, 255], no halfword overflow).
 */
static void feature_dots(const int8_t *x, const int8_t *w, int32_t depth, int32_t rows, int32_t x_off, int32_t acc[4]) {
  const uint32_t off2 = eg_qdsp_pack16(x_off, x_off);
  const int32_t full = depth & ~3;
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, c;
  if (rows == 4) {
    const int8_t *w1 = w + depth, *w2 = w1 + depth, *w3 = w2 + depth;
    for (c = 0; c < full; c += 4) {
      const uint32_t xv = eg_qdsp_read4(x + c);
      const uint32_t xe = eg_qdsp_sxtab16(off2, xv), xo = eg_qdsp_sxtab16_ror8(off2, xv);
      uint32_t wv = eg_qdsp_read4(w + c);
      a0 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), xe, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), xo, a0));
      wv = eg_qdsp_read4(w1 + c);
      a1 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), xe, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), xo, a1));
      wv = eg_qdsp_read4(w2 + c);
      a2 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), xe, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), xo, a2));
      wv = eg_qdsp_read4(w3 + c);
      a3 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), xe, eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), xo, a3));
    }
    for (; c < depth; c++) {
      const int32_t xv = (int32_t)x[c] + x_off;
      a0 = eg_q_wrap_add(a0, (int32_t)w[c] * xv);
      a1 = eg_q_wrap_add(a1, (int32_t)w1[c] * xv);
      a2 = eg_q_wrap_add(a2, (int32_t)w2[c] * xv);
      a3 = eg_q_wrap_add(a3, (int32_t)w3[c] * xv);
    }
  } else {
    for (c = 0; c < full; c += 4) {
      const uint32_t xv = eg_qdsp_read4(x + c), wv = eg_qdsp_read4(w + c);
      a0 = eg_qdsp_smlad(eg_qdsp_sxtb16(wv), eg_qdsp_sxtab16(off2, xv), a0);
      a0 = eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(wv), eg_qdsp_sxtab16_ror8(off2, xv), a0);
    }
    for (; c < depth; c++) a0 = eg_q_wrap_add(a0, (int32_t)w[c] * ((int32_t)x[c] + x_off));
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

void eg_qsvdf_state_i16_dsp(const int8_t *x, const int8_t *w, int16_t *state, int16_t *out, const int32_t *p,
                            const eg_qdsp_rq_entry *rq) {
  const int32_t batch = p[0], depth = p[1], filters = p[2], memory = p[3];
  int32_t b, f;
  shift_into(state, out, batch * filters * memory - 1);
  for (b = 0; b < batch; b++) {
    const int8_t *xb = x + b * depth;
    for (f = 0; f < filters;) {
      const int32_t rows = filters - f >= 4 ? 4 : 1;
      int32_t acc[4], r;
      feature_dots(xb, w + f * depth, depth, rows, -p[4], acc);
      for (r = 0; r < rows; r++) {
        const int32_t v = eg_q_wrap_add(requant(acc[r], rq, p[6], p[7]), p[5]);
        const int32_t at = (b * filters + f + r) * memory + memory - 1;
        state[at] = (int16_t)eg_q_clamp(v, -32768, 32767);
        out[at] = state[at];
      }
      f += rows;
    }
  }
}

/* sum over j < n of a[j] * b[j] (int16 pairs by SMLAD, wrapping), and into *bsum the sum of b when bsum is not NULL. */
static int32_t dot16(const int16_t *a, const int16_t *b, int32_t n, int32_t *bsum) {
  int32_t dot = 0, sum = 0, j = 0;
  if (bsum == NULL) {
    for (; j + 8 <= n; j += 8) {
      dot = eg_qdsp_smlad(eg_qdsp_read4(a + j), eg_qdsp_read4(b + j), dot);
      dot = eg_qdsp_smlad(eg_qdsp_read4(a + j + 2), eg_qdsp_read4(b + j + 2), dot);
      dot = eg_qdsp_smlad(eg_qdsp_read4(a + j + 4), eg_qdsp_read4(b + j + 4), dot);
      dot = eg_qdsp_smlad(eg_qdsp_read4(a + j + 6), eg_qdsp_read4(b + j + 6), dot);
    }
  } else {
    for (; j + 2 <= n; j += 2) {
      const uint32_t bv = eg_qdsp_read4(b + j);
      dot = eg_qdsp_smlad(eg_qdsp_read4(a + j), bv, dot);
      sum = eg_qdsp_smlad(bv, 0x00010001u, sum);
    }
  }
  for (; j < n; j++) {
    dot = eg_q_wrap_add(dot, (int32_t)a[j] * (int32_t)b[j]);
    sum = eg_q_wrap_add(sum, (int32_t)b[j]);
  }
  if (bsum != NULL) *bsum = sum;
  return dot;
}

void eg_qsvdf_output_i16_dsp(const int16_t *s, const int16_t *wt, const int32_t *bias, int8_t *y, const int32_t *p,
                             const eg_qdsp_rq_entry *rq) {
  const int32_t batch = p[0], filters = p[1], memory = p[2], rank = p[3], s_zp = p[4];
  const int32_t units = filters / rank, span = rank * memory;
  int32_t b, u;
  for (b = 0; b < batch; b++) {
    for (u = 0; u < units; u++) {
      /* sum of wt * (s - s_zp) = sum of wt * s - s_zp * sum of wt, modulo 2^32 like the generic sums. */
      int32_t wsum = 0;
      const int32_t dot = dot16(s + (b * filters + u * rank) * memory, wt + u * span, span, s_zp != 0 ? &wsum : NULL);
      const int32_t start = bias != NULL ? bias[u] : 0;
      const int32_t acc = (int32_t)((uint32_t)start + (uint32_t)dot - (uint32_t)s_zp * (uint32_t)wsum);
      y[b * units + u] = (int8_t)eg_q_clamp(eg_q_wrap_add(requant(acc, rq, p[6], p[7]), p[5]), -128, 127);
    }
  }
}

#include "qconv_i8_dsp_w16.h"
#include "qconv_i8_dsp.h"
#include "qconv_i8_dsp_blk.h"

/*
 * sum_k row[k] * a[k] for one operand row whose groups of 4 are `step` int16 apart (4: a one-row
 * buffer, 8: one lane of a two-row buffer) and whose K % 4 tail is at `tail`; row: widened weights.
 */
static int32_t dot_row(const int16_t *a, int32_t step, const int16_t *tail, const int16_t *row, int32_t K, int32_t acc) {
  const int32_t full = K & ~3;
  int32_t k;
  for (k = 0; k < full; k += 4, a += step) {
    acc = eg_qdsp_smlad(eg_qdsp_read4(a), eg_qdsp_read4(row + k), acc);
    acc = eg_qdsp_smlad(eg_qdsp_read4(a + 2), eg_qdsp_read4(row + k + 2), acc);
  }
  for (k = full; k < K; k++) acc = eg_q_wrap_add(acc, (int32_t)tail[k - full] * (int32_t)row[k]);
  return acc;
}


/*
 * Two interleaved rows (buf) against widened rows w0 and w1: s holds the start values in and the
 * sums out (row 0 ch 0, row 0 ch 1, row 1 ch 0, row 1 ch 1).
 */
static void dot_2x2(const int16_t *a, const int16_t *w0, const int16_t *w1, int32_t K, int32_t s[4]) {
  const int32_t full = K & ~3;
  const int16_t *end = a + 2 * full, *tail = a + 2 * full;
  int32_t acc00 = s[0], acc01 = s[1], acc10 = s[2], acc11 = s[3], k;
#if EG_QDSP_ASM_LOOPS
  {
    const int16_t *pairs_end = a + 2 * (full & ~7);
    uint32_t x0e, x0o, x1e, x1o, we, wo;
    EG_W16_DOT_2X2(pairs_end, end);
  }
#endif
  while (a != end) {
    const uint32_t x0e = eg_qdsp_read4(a), x0o = eg_qdsp_read4(a + 2), x1e = eg_qdsp_read4(a + 4), x1o = eg_qdsp_read4(a + 6);
    const uint32_t ae = eg_qdsp_read4(w0), ao = eg_qdsp_read4(w0 + 2), be = eg_qdsp_read4(w1), bo = eg_qdsp_read4(w1 + 2);
    acc00 = eg_qdsp_smlad(x0o, ao, eg_qdsp_smlad(x0e, ae, acc00));
    acc10 = eg_qdsp_smlad(x1o, ao, eg_qdsp_smlad(x1e, ae, acc10));
    acc01 = eg_qdsp_smlad(x0o, bo, eg_qdsp_smlad(x0e, be, acc01));
    acc11 = eg_qdsp_smlad(x1o, bo, eg_qdsp_smlad(x1e, be, acc11));
    a += 8;
    w0 += 4;
    w1 += 4;
  }
  /* Tails: row 0's K - full values at `tail`, row 1's after them; w0/w1 now point at the rows' tails. */
  for (k = 0; k < K - full; k++) {
    const int32_t x0 = tail[k], x1 = tail[K - full + k], wx = w0[k], wy = w1[k];
    acc00 = eg_q_wrap_add(acc00, x0 * wx);
    acc01 = eg_q_wrap_add(acc01, x0 * wy);
    acc10 = eg_q_wrap_add(acc10, x1 * wx);
    acc11 = eg_q_wrap_add(acc11, x1 * wy);
  }
  s[0] = acc00;
  s[1] = acc01;
  s[2] = acc10;
  s[3] = acc11;
}

void eg_qdsp_gemm_w16(const int16_t *buf, int32_t lanes, int32_t K, const void *w, int32_t O, const eg_qdsp_requant *rq_in,
                      int8_t *y0, int8_t *y1) {
  /* A local copy: the int8 stores below may alias anything, which would force reloads of *rq_in. */
  const eg_qdsp_requant rq = *rq_in;
  const int32_t stride = (K + 1) & ~1, full = K & ~3;
  const int16_t *row = (const int16_t *)w;
  int32_t o = 0;
  if (lanes == 2) {
    const int32_t four = eg_qdsp_requant4_ok(&rq);
#if EG_QDSP_ASM_LOOPS
    /* The whole 2x2 blocks on the asm block path (qconv_i8_dsp_blk.h); the odd last channel below. */
    if (four && full == K && rq.bias != NULL) {
      o = O & ~1;
      row += (size_t)o * (size_t)stride;
      eg_qconv_blk_2x2(buf, K, (const int16_t *)w, o, &rq, y0, y1);
    }
#endif
    const uint32_t lo4 = eg_qdsp_bytes4(rq.act_min), hi4 = eg_qdsp_bytes4(rq.act_max);
    for (; o + 1 < O; o += 2, row += 2 * stride) {
      int32_t s[4];
      s[0] = s[2] = eg_qdsp_bias(&rq, o);
      s[1] = s[3] = eg_qdsp_bias(&rq, o + 1);
      dot_2x2(buf, row, row + stride, K, s);
      eg_qdsp_requant_2x2(s, &rq, o, four, lo4, hi4, y0, y1);
    }
    if (o < O) {
      const int32_t b = eg_qdsp_bias(&rq, o);
      y0[o] = eg_qdsp_requant_acc(dot_row(buf, 8, buf + 2 * full, row, K, b), &rq, o);
      y1[o] = eg_qdsp_requant_acc(dot_row(buf + 4, 8, buf + 2 * full + (K - full), row, K, b), &rq, o);
    }
    return;
  }
  for (; o < O; o++, row += stride) y0[o] = eg_qdsp_requant_acc(dot_row(buf, 4, buf + full, row, K, eg_qdsp_bias(&rq, o)), &rq, o);
}

void eg_qconv2d_i8_dsp_w16(const int8_t *x, const int16_t *w16, const int32_t *bias, int8_t *y, const int32_t *p,
                           const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = eg_qconv_dsp_requant(bias, p, table, mult, shift);
  eg_qconv2d_i8_dsp_gemm(x, w16, y, p, &rq, scratch, eg_qdsp_gemm_w16);
}

void eg_qconv2d_1x1_i8_dsp_w16(const int8_t *x, const int16_t *w16, const int32_t *bias, int8_t *y, const int32_t *p,
                               const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = eg_qconv_dsp_requant(bias, p, table, mult, shift);
#if EG_QDSP_ASM_LOOPS
  /* The block path (qconv_i8_dsp_blk.h) for all pixel pairs; an odd last pixel below. */
  if (eg_qdsp_requant4_ok(&rq) && rq.bias != NULL && (p[3] & 3) == 0 && (p[6] & 1) == 0) {
    const int32_t done = eg_qconv_blk_1x1(x, w16, y, p, &rq, (int16_t *)scratch);
    const int32_t pixels = p[0] * p[4] * p[5];
    if (done < pixels) {
      const int32_t q = pixels - 1, ox = q % p[5], oy = (q / p[5]) % p[4], b = q / (p[5] * p[4]);
      const int8_t *src = x + ((size_t)(b * p[1] + oy * p[10]) * (size_t)p[2] + (size_t)(ox * p[11])) * (size_t)p[3];
      eg_qdsp_widen(src, p[3], 0, p[3], 0, 1, p[16], (int16_t *)scratch);
      eg_qdsp_gemm_w16((const int16_t *)scratch, 1, p[3], w16, p[6], &rq, y + (size_t)q * (size_t)p[6], NULL);
    }
    return;
  }
#endif
  eg_qconv2d_1x1_i8_dsp_gemm(x, w16, y, p, &rq, scratch, eg_qdsp_gemm_w16);
}

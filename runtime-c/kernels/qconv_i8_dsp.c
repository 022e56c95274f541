#include "qconv_i8_dsp.h"
#include "qdsp_i8.h"

/* The requantization of an O-channel layer; its fast table takes the first 16 * O scratch bytes. */
static eg_qdsp_requant conv_requant(const int32_t *bias, const int32_t *p, const int32_t *mult, const int32_t *shift,
                                   int32_t O, void *scratch) {
  eg_qdsp_requant rq;
  rq.bias = p[20] == 1 ? bias : NULL;
  rq.mult = mult;
  rq.shift = shift;
  rq.per_channel = 1;
  rq.out_offset = p[17];
  rq.act_min = p[18];
  rq.act_max = p[19];
  eg_qdsp_requant_prepare(&rq, O, (eg_qdsp_rq_entry *)scratch);
  return rq;
}

/*
 * The im2col column of output pixel q (flattened over N, OH, OW) as row `lane` of a GEMM operand
 * buffer. With C % 4 == 0 every tap starts on a group boundary and is widened in place; otherwise
 * the column is first gathered as int8 into `stage` (K bytes; padding = the zero point, which
 * widens to 0) and widened in one pass, which beats placing C < 4 values per tap one by one.
 */
static void fill_column(const int8_t *x, const int32_t *p, int32_t q, int32_t lane, int32_t lanes, int16_t *buf, int8_t *stage) {
  const int32_t H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], KH = p[7], KW = p[8];
  const int32_t K = KH * KW * C;
  const int32_t ox = q % OW, oy = (q / OW) % OH, b = q / (OW * OH);
  const int32_t y0 = oy * p[10] - p[14], x0 = ox * p[11] - p[15];
  const int32_t aligned = (C & 3) == 0;
  int32_t ky, kx, c, at = 0;
  for (ky = 0; ky < KH; ky++) {
    const int32_t iy = y0 + ky * p[12];
    for (kx = 0; kx < KW; kx++) {
      const int32_t ix = x0 + kx * p[13];
      const int32_t inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
      const int8_t *src = inside ? x + ((size_t)(b * H + iy) * (size_t)W + (size_t)ix) * (size_t)C : NULL;
      if (aligned) {
        if (src != NULL) eg_qdsp_widen(src, C, at, K, lane, lanes, p[16], buf);
        else eg_qdsp_zero(C, at, K, lane, lanes, buf);
      } else {
        for (c = 0; c < C; c++) stage[at + c] = src != NULL ? src[c] : (int8_t)(-p[16]);
      }
      at += C;
    }
  }
  if (!aligned) eg_qdsp_widen(stage, K, 0, K, lane, lanes, p[16], buf);
}

void eg_qconv2d_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                       const int32_t *mult, const int32_t *shift, void *scratch) {
  const int32_t pixels = p[0] * p[4] * p[5], O = p[6], K = p[7] * p[8] * p[3];
  const eg_qdsp_requant rq = conv_requant(bias, p, mult, shift, O, scratch);
  int16_t *buf = (int16_t *)((eg_qdsp_rq_entry *)scratch + O);
  int8_t *stage = (int8_t *)(buf + 2 * K);
  int32_t q;
  for (q = 0; q + 1 < pixels; q += 2) {
    fill_column(x, p, q, 0, 2, buf, stage);
    fill_column(x, p, q + 1, 1, 2, buf, stage);
    eg_qdsp_gemm_i8(buf, 2, K, w, O, &rq, y + (size_t)q * (size_t)O, y + (size_t)(q + 1) * (size_t)O);
  }
  if (q < pixels) {
    fill_column(x, p, q, 0, 1, buf, stage);
    eg_qdsp_gemm_i8(buf, 1, K, w, O, &rq, y + (size_t)q * (size_t)O, NULL);
  }
}

/* Input pixel of output pixel q for a 1x1 kernel without padding. */
static const int8_t *pixel_1x1(const int8_t *x, const int32_t *p, int32_t q) {
  const int32_t H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5];
  const int32_t ox = q % OW, oy = (q / OW) % OH, b = q / (OW * OH);
  return x + ((size_t)(b * H + oy * p[10]) * (size_t)W + (size_t)(ox * p[11])) * (size_t)C;
}

void eg_qconv2d_1x1_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                           const int32_t *mult, const int32_t *shift, void *scratch) {
  const int32_t pixels = p[0] * p[4] * p[5], C = p[3], O = p[6];
  const eg_qdsp_requant rq = conv_requant(bias, p, mult, shift, O, scratch);
  int16_t *buf = (int16_t *)((eg_qdsp_rq_entry *)scratch + O);
  int32_t q;
  for (q = 0; q + 1 < pixels; q += 2) {
    eg_qdsp_widen(pixel_1x1(x, p, q), C, 0, C, 0, 2, p[16], buf);
    eg_qdsp_widen(pixel_1x1(x, p, q + 1), C, 0, C, 1, 2, p[16], buf);
    eg_qdsp_gemm_i8(buf, 2, C, w, O, &rq, y + (size_t)q * (size_t)O, y + (size_t)(q + 1) * (size_t)O);
  }
  if (q < pixels) {
    eg_qdsp_widen(pixel_1x1(x, p, q), C, 0, C, 0, 1, p[16], buf);
    eg_qdsp_gemm_i8(buf, 1, C, w, O, &rq, y + (size_t)q * (size_t)O, NULL);
  }
}

void eg_qdepthwise3x3_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                             const int32_t *mult, const int32_t *shift, void *scratch) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], offset = p[16];
  const int32_t groups = C >> 2;
  eg_qdsp_requant rq = conv_requant(bias, p, mult, shift, C, scratch);
  int32_t *folded = (int32_t *)((eg_qdsp_rq_entry *)scratch + C);
  uint32_t *wide = (uint32_t *)(folded + C);
  int8_t *pad = (int8_t *)(wide + 18 * groups);
  int32_t tap_offset[9];
  int32_t b, oy, ox, c, t, g;
  /* bias + offset * sum(w): a padded tap then adds w * zero_point = -w * offset, i.e. nothing. */
  for (c = 0; c < C; c++) {
    int32_t sum = 0;
    for (t = 0; t < 9; t++) sum += w[t * C + c];
    folded[c] = eg_q_wrap_add(rq.bias != NULL ? rq.bias[c] : 0, sum * offset);
    pad[c] = (int8_t)(-offset);
  }
  /* Weights of channel group g, tap t, sign-extended once per call: SXTB16 and SXTB16-ror-8 words. */
  for (g = 0; g < groups; g++)
    for (t = 0; t < 9; t++) {
      const uint32_t wv = eg_qdsp_read4(w + t * C + 4 * g);
      wide[18 * g + 2 * t] = eg_qdsp_sxtb16(wv);
      wide[18 * g + 2 * t + 1] = eg_qdsp_sxtb16_ror8(wv);
    }
  rq.bias = NULL;
  /* Interior pixels (no tap in the padding) reach their taps at fixed offsets from the window origin. */
  for (t = 0; t < 9; t++) tap_offset[t] = ((t / 3) * p[12] * W + (t % 3) * p[13]) * C;
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++)
      for (ox = 0; ox < OW; ox++) {
        const int32_t y0 = oy * p[10] - p[14], x0 = ox * p[11] - p[15];
        const int8_t *tap[9];
        const uint32_t *wq = wide;
        if (y0 >= 0 && y0 + 2 * p[12] < H && x0 >= 0 && x0 + 2 * p[13] < W) {
          const int8_t *origin = x + ((size_t)(b * H + y0) * (size_t)W + (size_t)x0) * (size_t)C;
          for (t = 0; t < 9; t++) tap[t] = origin + tap_offset[t];
        } else {
          for (t = 0; t < 9; t++) {
            const int32_t iy = y0 + (t / 3) * p[12], ix = x0 + (t % 3) * p[13];
            tap[t] = (iy < 0 || iy >= H || ix < 0 || ix >= W) ? pad : x + ((size_t)(b * H + iy) * (size_t)W + (size_t)ix) * (size_t)C;
          }
        }
        for (c = 0; c + 3 < C; c += 4) {
          int32_t a0 = folded[c], a1 = folded[c + 1], a2 = folded[c + 2], a3 = folded[c + 3];
          /* A rolled tap loop: unrolled, gcc hoists all 9 loads and spills their extensions. */
          for (t = 0; t < 9; t++, wq += 2) {
            const uint32_t xv = eg_qdsp_read4(tap[t] + c);
            const uint32_t xe = eg_qdsp_sxtb16(xv), xo = eg_qdsp_sxtb16_ror8(xv);
            const uint32_t we = wq[0], wo = wq[1];
            a0 = eg_qdsp_smlabb(xe, we, a0);
            a2 = eg_qdsp_smlatt(xe, we, a2);
            a1 = eg_qdsp_smlabb(xo, wo, a1);
            a3 = eg_qdsp_smlatt(xo, wo, a3);
          }
          y[c] = eg_qdsp_requant_acc(a0, &rq, c);
          y[c + 1] = eg_qdsp_requant_acc(a1, &rq, c + 1);
          y[c + 2] = eg_qdsp_requant_acc(a2, &rq, c + 2);
          y[c + 3] = eg_qdsp_requant_acc(a3, &rq, c + 3);
        }
        for (; c < C; c++) {
          int32_t acc = folded[c];
          for (t = 0; t < 9; t++) acc = eg_q_wrap_add(acc, (int32_t)tap[t][c] * (int32_t)w[t * C + c]);
          y[c] = eg_qdsp_requant_acc(acc, &rq, c);
        }
        y += C;
      }
}

#include "qconv_i8_dsp.h"
#include "qdsp_i8.h"

eg_qdsp_requant eg_qconv_dsp_requant(const int32_t *bias, const int32_t *p, const eg_qdsp_rq_entry *table, const int32_t *mult,
                                     const int32_t *shift) {
  eg_qdsp_requant rq;
  rq.bias = p[20] == 1 ? bias : NULL;
  rq.fast = table;
  rq.mult = mult;
  rq.shift = shift;
  rq.per_channel = 1;
  rq.out_offset = p[17];
  rq.act_min = p[18];
  rq.act_max = p[19];
  return rq;
}

/* The requantization of an O-channel layer; its fast table takes the first 16 * O scratch bytes. */
static eg_qdsp_requant conv_requant(const int32_t *bias, const int32_t *p, const int32_t *mult, const int32_t *shift,
                                   int32_t O, void *scratch) {
  eg_qdsp_requant rq = eg_qconv_dsp_requant(bias, p, NULL, mult, shift);
  eg_qdsp_requant_prepare(&rq, O, (eg_qdsp_rq_entry *)scratch);
  return rq;
}

/*
 * The im2col column of output pixel q (flattened over N, OH, OW) as row `lane` of a GEMM operand
 * buffer. With C % 4 == 0 every tap starts on a group boundary and is widened in place; otherwise
 * the column is first gathered as int8 into `stage` (K bytes; padding = the zero point, which
 * widens to 0) and widened in one pass, which beats placing C < 4 values per tap one by one.
 * A kernel row whose KW taps all lie inside the input with dilation 1 along W is KW * C contiguous
 * input bytes: one widen (or one copy) for the whole row instead of one per tap.
 */
static void fill_column(const int8_t *x, const int32_t *p, int32_t q, int32_t lane, int32_t lanes, int16_t *buf, int8_t *stage) {
  const int32_t H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], KH = p[7], KW = p[8];
  const int32_t K = KH * KW * C;
  const int32_t ox = q % OW, oy = (q / OW) % OH, b = q / (OW * OH);
  const int32_t y0 = oy * p[10] - p[14], x0 = ox * p[11] - p[15];
  const int32_t aligned = (C & 3) == 0;
  const int32_t rows_whole = p[13] == 1 && x0 >= 0 && x0 + KW <= W;
  int32_t ky, kx, c, at = 0;
  for (ky = 0; ky < KH; ky++) {
    const int32_t iy = y0 + ky * p[12];
    if (rows_whole && iy >= 0 && iy < H) {
      const int8_t *src = x + ((size_t)(b * H + iy) * (size_t)W + (size_t)x0) * (size_t)C;
      if (aligned) {
        eg_qdsp_widen(src, KW * C, at, K, lane, lanes, p[16], buf);
      } else {
        for (c = 0; c < KW * C; c++) stage[at + c] = src[c];
      }
      at += KW * C;
      continue;
    }
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

void eg_qconv2d_i8_dsp_gemm(const int8_t *x, const void *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq, void *work,
                            eg_qconv_gemm_fn gemm) {
  const int32_t pixels = p[0] * p[4] * p[5], O = p[6], K = p[7] * p[8] * p[3];
  int16_t *buf = (int16_t *)work;
  int8_t *stage = (int8_t *)(buf + 2 * K);
  int32_t q;
  for (q = 0; q + 1 < pixels; q += 2) {
    fill_column(x, p, q, 0, 2, buf, stage);
    fill_column(x, p, q + 1, 1, 2, buf, stage);
    gemm(buf, 2, K, w, O, rq, y + (size_t)q * (size_t)O, y + (size_t)(q + 1) * (size_t)O);
  }
  if (q < pixels) {
    fill_column(x, p, q, 0, 1, buf, stage);
    gemm(buf, 1, K, w, O, rq, y + (size_t)q * (size_t)O, NULL);
  }
}

/* eg_qdsp_gemm_i8 as an eg_qconv_gemm_fn. */
static void gemm_i8(const int16_t *buf, int32_t lanes, int32_t K, const void *w, int32_t O, const eg_qdsp_requant *rq,
                    int8_t *y0, int8_t *y1) {
  eg_qdsp_gemm_i8(buf, lanes, K, (const int8_t *)w, O, rq, y0, y1);
}

void eg_qconv2d_i8_dsp_rq(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                          void *work) {
  eg_qconv2d_i8_dsp_gemm(x, w, y, p, rq, work, gemm_i8);
}

void eg_qconv2d_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                       const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = conv_requant(bias, p, mult, shift, p[6], scratch);
  eg_qconv2d_i8_dsp_rq(x, w, y, p, &rq, (eg_qdsp_rq_entry *)scratch + p[6]);
}

/* Input pixel of output pixel q for a 1x1 kernel without padding. */
static const int8_t *pixel_1x1(const int8_t *x, const int32_t *p, int32_t q) {
  const int32_t H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5];
  const int32_t ox = q % OW, oy = (q / OW) % OH, b = q / (OW * OH);
  return x + ((size_t)(b * H + oy * p[10]) * (size_t)W + (size_t)(ox * p[11])) * (size_t)C;
}

void eg_qconv2d_1x1_i8_dsp_gemm(const int8_t *x, const void *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                                void *work, eg_qconv_gemm_fn gemm) {
  const int32_t pixels = p[0] * p[4] * p[5], C = p[3], O = p[6];
  int16_t *buf = (int16_t *)work;
  int32_t q;
  for (q = 0; q + 1 < pixels; q += 2) {
    eg_qdsp_widen(pixel_1x1(x, p, q), C, 0, C, 0, 2, p[16], buf);
    eg_qdsp_widen(pixel_1x1(x, p, q + 1), C, 0, C, 1, 2, p[16], buf);
    gemm(buf, 2, C, w, O, rq, y + (size_t)q * (size_t)O, y + (size_t)(q + 1) * (size_t)O);
  }
  if (q < pixels) {
    eg_qdsp_widen(pixel_1x1(x, p, q), C, 0, C, 0, 1, p[16], buf);
    gemm(buf, 1, C, w, O, rq, y + (size_t)q * (size_t)O, NULL);
  }
}

void eg_qconv2d_1x1_i8_dsp_rq(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                              void *work) {
  eg_qconv2d_1x1_i8_dsp_gemm(x, w, y, p, rq, work, gemm_i8);
}

void eg_qconv2d_1x1_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                           const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = conv_requant(bias, p, mult, shift, p[6], scratch);
  eg_qconv2d_1x1_i8_dsp_rq(x, w, y, p, &rq, (eg_qdsp_rq_entry *)scratch + p[6]);
}

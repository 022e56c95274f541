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

/*
 * One group of 4 channels (c..c+3) of one output pixel over its 9 taps: acc[k] += the 9 products of
 * channel c + k. tap[t] is the input pixel of tap t (or the zero-point pad); wq holds the group's 18
 * weight words (eg_qdepthwise3x3_i8_dsp's layout): taps 2j, 2j + 1 (j < 4) as one int16 pair per
 * channel (words 4j + k), so that SMLAD adds both products of channel k at once; tap 8 as the
 * SXTB16 (channels 0, 2) and SXTB16-ror-8 (channels 1, 3) words 16, 17. A tap pair's two input
 * words become four channel pairs by PKHBT/PKHTB (bytes 0-1 / 2-3 of both taps) and SXTB16: 16
 * instructions per 8 products (the weights by LDRD), tap 8 9: 73 for the group's 36 products.
 * Native: one asm block, because gcc, given the unrolled C, hoists the loads and spills; given the
 * rolled C, it spends 13 instructions per tap on loop and reloads.
 */
#if EG_QDSP_NATIVE
#define DW_PAIR(T, U, W0, W1)                                                                                  \
  "ldr %[p], [%[tap], #" T "]\n\t"                                                                             \
  "ldr %[xt], [%[p], %[c]]\n\t"                                                                                \
  "ldr %[p], [%[tap], #" U "]\n\t"                                                                             \
  "ldr %[xu], [%[p], %[c]]\n\t"                                                                                \
  "pkhbt %[p], %[xt], %[xu], lsl #16\n\t"                                                                      \
  "pkhtb %[xu], %[xu], %[xt], asr #16\n\t"                                                                     \
  "sxtb16 %[xt], %[p]\n\t"                                                                                     \
  "ldrd %[w0], %[w1], [%[wq], #" W0 "]\n\t"                                                                    \
  "smlad %[a0], %[xt], %[w0], %[a0]\n\t"                                                                       \
  "sxtb16 %[xt], %[p], ror #8\n\t"                                                                             \
  "smlad %[a1], %[xt], %[w1], %[a1]\n\t"                                                                       \
  "sxtb16 %[xt], %[xu]\n\t"                                                                                    \
  "ldrd %[w0], %[w1], [%[wq], #" W1 "]\n\t"                                                                    \
  "smlad %[a2], %[xt], %[w0], %[a2]\n\t"                                                                       \
  "sxtb16 %[xt], %[xu], ror #8\n\t"                                                                            \
  "smlad %[a3], %[xt], %[w1], %[a3]\n\t"
#define DW_LAST                                                                                                \
  "ldr %[p], [%[tap], #32]\n\t"                                                                                \
  "ldr %[xu], [%[p], %[c]]\n\t"                                                                                \
  "sxtb16 %[xt], %[xu]\n\t"                                                                                    \
  "sxtb16 %[xu], %[xu], ror #8\n\t"                                                                            \
  "ldrd %[w0], %[w1], [%[wq], #64]\n\t"                                                                        \
  "smlabb %[a0], %[xt], %[w0], %[a0]\n\t"                                                                      \
  "smlatt %[a2], %[xt], %[w0], %[a2]\n\t"                                                                      \
  "smlabb %[a1], %[xu], %[w1], %[a1]\n\t"                                                                      \
  "smlatt %[a3], %[xu], %[w1], %[a3]\n\t"
#endif

/* gcc prices the asm block by its line count and would call it out of line, acc through memory. */
#if defined(__GNUC__)
#define DW_ALWAYS_INLINE __attribute__((always_inline))
#else
#define DW_ALWAYS_INLINE
#endif
static inline DW_ALWAYS_INLINE void dw_group9(const int8_t *const *tap, int32_t c, const uint32_t *wq, int32_t acc[4]) {
#if EG_QDSP_NATIVE
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  const int8_t *p;
  uint32_t xt, xu, w0, w1;
  __asm__(DW_PAIR("0", "4", "0", "8") DW_PAIR("8", "12", "16", "24") DW_PAIR("16", "20", "32", "40")
          DW_PAIR("24", "28", "48", "56") DW_LAST
          : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [p] "=&r"(p), [xt] "=&r"(xt),
            [xu] "=&r"(xu), [w0] "=&r"(w0), [w1] "=&r"(w1)
          : [tap] "r"(tap), [c] "r"(c), [wq] "r"(wq)
          : "memory");
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
#else
  int32_t j;
  uint32_t xv, xe, xo;
  for (j = 0; j < 4; j++, wq += 4) {
    const uint32_t xt = eg_qdsp_read4(tap[2 * j] + c), xu = eg_qdsp_read4(tap[2 * j + 1] + c);
    const uint32_t lo = eg_qdsp_pkhbt((int32_t)xt, (int32_t)xu), hi = eg_qdsp_pkhtb(xt, xu);
    acc[0] = eg_qdsp_smlad(eg_qdsp_sxtb16(lo), wq[0], acc[0]);
    acc[1] = eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(lo), wq[1], acc[1]);
    acc[2] = eg_qdsp_smlad(eg_qdsp_sxtb16(hi), wq[2], acc[2]);
    acc[3] = eg_qdsp_smlad(eg_qdsp_sxtb16_ror8(hi), wq[3], acc[3]);
  }
  xv = eg_qdsp_read4(tap[8] + c);
  xe = eg_qdsp_sxtb16(xv);
  xo = eg_qdsp_sxtb16_ror8(xv);
  acc[0] = eg_qdsp_smlabb(xe, wq[0], acc[0]);
  acc[2] = eg_qdsp_smlatt(xe, wq[0], acc[2]);
  acc[1] = eg_qdsp_smlabb(xo, wq[1], acc[1]);
  acc[3] = eg_qdsp_smlatt(xo, wq[1], acc[3]);
#endif
}

/*
 * The groups of 4 channels of one output pixel on the eg_qdsp_requant4 path. A function of its
 * own so that the pixel loop's variables are not live here: inlined, gcc spills the group loop's
 * pointers and the requantization's operands around every group.
 */
#if defined(__GNUC__)
#define DW_NOINLINE __attribute__((noinline))
#else
#define DW_NOINLINE
#endif
static DW_NOINLINE void dw_pixel_groups4(const int8_t *const *tap, int32_t C, const int32_t *folded, const uint32_t *wq,
                             const eg_qdsp_requant *rq, uint32_t lo4, uint32_t hi4, int8_t *y) {
  int32_t c;
  for (c = 0; c + 3 < C; c += 4, wq += 18) {
    int32_t acc[4];
    acc[0] = folded[c];
    acc[1] = folded[c + 1];
    acc[2] = folded[c + 2];
    acc[3] = folded[c + 3];
    dw_group9(tap, c, wq, acc);
    eg_qdsp_requant4(acc, rq, c, lo4, hi4, y + c);
  }
}

void eg_qdepthwise3x3_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                             const int32_t *mult, const int32_t *shift, void *scratch) {
  const int32_t C = p[3], offset = p[16];
  const int32_t groups = C >> 2;
  eg_qdsp_requant rq = conv_requant(bias, p, mult, shift, C, scratch);
  int32_t *folded = (int32_t *)((eg_qdsp_rq_entry *)scratch + C);
  uint32_t *wide = (uint32_t *)(folded + C);
  int8_t *pad = (int8_t *)(wide + 18 * groups);
  int32_t c, t, g;
  /* bias + offset * sum(w): a padded tap then adds w * zero_point = -w * offset, i.e. nothing. */
  for (c = 0; c < C; c++) {
    int32_t sum = 0;
    for (t = 0; t < 9; t++) sum += w[t * C + c];
    folded[c] = eg_q_wrap_add(rq.bias != NULL ? rq.bias[c] : 0, sum * offset);
    pad[c] = (int8_t)(-offset);
  }
  /* Group g's words (dw_group9): per tap pair and channel the int16 pair, then tap 8's SXTB16 words. */
  for (g = 0; g < groups; g++) {
    const int8_t *wg = w + 4 * g;
    uint32_t *o = wide + 18 * g;
    for (t = 0; t < 8; t += 2)
      for (c = 0; c < 4; c++) *o++ = eg_qdsp_pack16(wg[t * C + c], wg[(t + 1) * C + c]);
    o[0] = eg_qdsp_sxtb16(eg_qdsp_read4(wg + 8 * C));
    o[1] = eg_qdsp_sxtb16_ror8(eg_qdsp_read4(wg + 8 * C));
  }
  rq.bias = NULL;
  eg_qdepthwise3x3_i8_dsp_run(x, w, y, p, &rq, folded, wide, pad);
}

void eg_qdepthwise3x3_i8_dsp_run(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                                 const int32_t *folded, const uint32_t *wide, const int8_t *pad) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5];
  const int32_t four = eg_qdsp_requant4_ok(rq);
  const uint32_t lo4 = eg_qdsp_bytes4(rq->act_min), hi4 = eg_qdsp_bytes4(rq->act_max);
  int32_t tap_offset[9];
  int32_t b, oy, ox, c, t;
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
        if (four) {
          dw_pixel_groups4(tap, C, folded, wq, rq, lo4, hi4, y);
          c = C & ~3;
        } else {
          for (c = 0; c + 3 < C; c += 4, wq += 18) {
            int32_t acc[4];
            acc[0] = folded[c];
            acc[1] = folded[c + 1];
            acc[2] = folded[c + 2];
            acc[3] = folded[c + 3];
            dw_group9(tap, c, wq, acc);
            y[c] = eg_qdsp_requant_acc(acc[0], rq, c);
            y[c + 1] = eg_qdsp_requant_acc(acc[1], rq, c + 1);
            y[c + 2] = eg_qdsp_requant_acc(acc[2], rq, c + 2);
            y[c + 3] = eg_qdsp_requant_acc(acc[3], rq, c + 3);
          }
        }
        for (; c < C; c++) {
          int32_t acc = folded[c];
          for (t = 0; t < 9; t++) acc = eg_q_wrap_add(acc, (int32_t)tap[t][c] * (int32_t)w[t * C + c]);
          y[c] = eg_qdsp_requant_acc(acc, rq, c);
        }
        y += C;
      }
}

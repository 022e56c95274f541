#ifndef EGRET_QDEPTHWISE3X3_I8_DSP_H_
#define EGRET_QDEPTHWISE3X3_I8_DSP_H_
#include "egret.h"
#include "qdsp_i8.h"
#include "qconv_i8_dsp.h"

/*
 * The pixel-major 3x3 depthwise kernels on Armv7E-M (op QDepthwiseConv2D3x3Dsp, emitted by
 * backends/cortex-m/ops/depthwise3x3-dsp-band.ts with every operand computed at compile time and
 * kept in flash: no scratch, no setup per call).
 * eg_qdepthwise3x3_i8_dsp_tab: 3x3 depthwise, depth multiplier 1, any stride, dilation and padding.
 *   The input offset is folded into the per-channel bias (`folded`: bias + offset * sum of the
 *   channel's 9 weights); padded taps read `pad`, C bytes of the input zero point (x + offset = 0
 *   there), so every output pixel runs the same 9-tap block, 4 channels at a time (dw_group9), on
 *   `wide`, the weight words (18 per group of 4 channels); `w` serves the C % 4 last channels. With
 *   an int8 activation range the 4 outputs are requantized together (SSAT, SSUB8/SEL clamp, one
 *   32-bit store: eg_qdsp_requant4); `table` is the requantization table (qdsp_i8.h).
 */
void eg_qdepthwise3x3_i8_dsp_tab(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_rq_entry *table,
                                 const int32_t *mult, const int32_t *shift, const int32_t *folded, const uint32_t *wide,
                                 const int8_t *pad);

/* Their multiply-accumulate core, shared with qdepthwise3x3_i8_2a.c. */

/*
 * One group of 4 channels (c..c+3) of one output pixel over its 9 taps: acc[k] += the 9 products of
 * channel c + k. tap[t] is the input pixel of tap t (or the zero-point pad); wq holds the group's 18
 * weight words (widenDepthwise3x3's layout): taps 2j, 2j + 1 (j < 4) as one int16 pair per
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

/* Offsets of the 9 taps from an interior pixel's window origin (p: qconv_i8.h's layout). */
static inline void dw_tap_offsets(const int32_t *p, int32_t tap_offset[9]) {
  int32_t t;
  for (t = 0; t < 9; t++) tap_offset[t] = ((t / 3) * p[12] * p[2] + (t % 3) * p[13]) * p[3];
}

/*
 * The 9 tap pointers of output pixel (b, oy, ox): an interior pixel (no tap in the padding) reaches
 * them at fixed offsets from its window origin; others check each tap, `pad` (C bytes of the input
 * zero point) standing for a tap in the padding.
 */
static inline void dw_taps(const int8_t *x, const int32_t *p, int32_t b, int32_t oy, int32_t ox, const int32_t tap_offset[9],
                           const int8_t *pad, const int8_t *tap[9]) {
  const int32_t H = p[1], W = p[2], C = p[3];
  const int32_t y0 = oy * p[10] - p[14], x0 = ox * p[11] - p[15];
  int32_t t;
  if (y0 >= 0 && y0 + 2 * p[12] < H && x0 >= 0 && x0 + 2 * p[13] < W) {
    const int8_t *origin = x + ((size_t)(b * H + y0) * (size_t)W + (size_t)x0) * (size_t)C;
    for (t = 0; t < 9; t++) tap[t] = origin + tap_offset[t];
  } else {
    int32_t ky, kx;
    /* Row by row: a tap row outside the input is 3 pads; no division per tap. */
    for (ky = 0, t = 0; ky < 3; ky++) {
      const int32_t iy = y0 + ky * p[12];
      const int8_t *row = iy < 0 || iy >= H ? NULL : x + (size_t)(b * H + iy) * (size_t)W * (size_t)C;
      for (kx = 0; kx < 3; kx++, t++) {
        const int32_t ix = x0 + kx * p[13];
        tap[t] = row == NULL || ix < 0 || ix >= W ? pad : row + (size_t)ix * (size_t)C;
      }
    }
  }
}

/* Out of line, so that a caller's pixel loop variables are not live around the group loop (gcc spills them). */
#if defined(__GNUC__)
#define DW_NOINLINE __attribute__((noinline))
#else
#define DW_NOINLINE
#endif

#endif

#include "qconv_i8_dsp_px.h"

/*
 * Exactness of the requantization (the record of qconv_i8_dsp_px.h). The accumulator a of TFLM's
 * kernel is B + sum_c W[c] * x[c] (the input offset folded into B at compile time); the record
 * holds 2W and 2B, so the SMLADs give 2a exactly (|a| < 2^30 by the emitter's bound: no wrap).
 * SMMLAR(2a, m, K) = K + floor((a * m + 2^30) / 2^31), and (SMMLAR - [a < 0]) >> r is TFLM's
 * RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(a, m), r) + out_offset for m >= 0 and r >= 1:
 * the identity of qdepthwise_i8_rows.c (rows_requant), K = 2^(r-1) + out_offset * 2^r. SSAT #8 then
 * the clamp to [act_min, act_max] equals the clamp alone, since that range lies inside int8.
 *
 * Fused form (the asm loops when act_min >= out_offset, and act_min = -128, act_max = 127, so
 * out_offset = -128: a ReLU on a [0, x] output range): the [a < 0] term is left out. It matters only
 * for a < 0. There a * m <= 0 (m >= 0), so SMMLAR - K = floor((a * m + 2^30) / 2^31) <= 0 and the
 * shortened value floor((SMMLAR - K + 2^(r-1)) / 2^r) <= 0; the exact one, RoundingDivideByPOT of
 * SRDHM(a, m) <= 0, is <= 0 too. Both outputs are <= out_offset = -128, which SSAT makes -128 =
 * act_min: the same byte.
 */

/* The portable channel loop: any record, any clamp (also the reference of the asm below). */
static void px_pixel_c(const uint32_t *xw, int32_t C2, const int32_t *rec, int8_t *y, int32_t O, int32_t lo, int32_t hi) {
  int32_t o, j;
  for (o = 0; o < O; o++, rec += C2 + 4) {
    int32_t acc = rec[2], v;
    for (j = 0; j < C2; j++) acc = eg_qdsp_smlad(xw[j], (uint32_t)rec[j < 2 ? j : j + 1], acc);
    v = eg_qdsp_requant_2a(acc, rec[C2 + 1], rec[C2 + 2], rec[C2 + 3] & 0xFF);
    y[o] = (int8_t)eg_q_clamp(eg_qdsp_sat8(v), lo, hi);
  }
}

/* The C / 2 input pairs of one pixel: word g of the input split into bytes (0, 2) and (1, 3). */
static inline void px_widen(const int8_t *src, int32_t C, uint32_t *xw) {
  int32_t g;
  for (g = 0; g < C / 4; g++) {
    const uint32_t v = eg_qdsp_read4(src + 4 * g);
    xw[2 * g] = eg_qdsp_sxtb16(v);
    xw[2 * g + 1] = eg_qdsp_sxtb16_ror8(v);
  }
}

#if EG_QDSP_ASM_LOOPS
#define PX_INLINE static inline __attribute__((always_inline))
#define PX_SIGNED(R, A) "sub %[" R "], %[" R "], %[" A "], lsr #31\n\t"
#define PX_FUSED(R, A) ""

/*
 * C = 8, one channel: LDM of w(0), w(1), 2B, w(2), w(3) into r8..r12 (LDM fills registers in
 * ascending order, hence the pinned registers), 4 SMLADs, LDM of m, K, rf, then SMMLAR, [SUB],
 * ASR, SSAT, STRB: 12 instructions (13 signed) per 8 MACs; the loop test is paid per 2 channels.
 */
#define PX8_CHANNEL(SIGN)                                    \
  "ldm %[rec]!, {%[a], %[b], %[c], %[d], %[e]}\n\t"          \
  "smlad %[c], %[x0], %[a], %[c]\n\t"                        \
  "smlad %[c], %[x1], %[b], %[c]\n\t"                        \
  "smlad %[c], %[x2], %[d], %[c]\n\t"                        \
  "smlad %[c], %[x3], %[e], %[c]\n\t"                        \
  "ldm %[rec]!, {%[a], %[b], %[d]}\n\t"                      \
  "smmlar %[e], %[c], %[a], %[b]\n\t" SIGN("e", "c")          \
  "asr %[e], %[e], %[d]\n\t"                                 \
  "ssat %[e], #8, %[e]\n\t"                                  \
  "strb %[e], [%[y]], #1\n\t"

/* Widening of the pixel at %[c] (LDR takes any alignment): word g's bytes (0, 2) and (1, 3). */
#define PX_WIDEN2(XA, XB, XC, XD, OFF)                 \
  "ldr %[a], [%[c], #" OFF "]\n\t"                     \
  "ldr %[b], [%[c], #" OFF " + 4]\n\t"                 \
  "sxtb16 %[" XA "], %[a]\n\t"                         \
  "sxtb16 %[" XB "], %[a], ror #8\n\t"                 \
  "sxtb16 %[" XC "], %[b]\n\t"                         \
  "sxtb16 %[" XD "], %[b], ror #8\n\t"

#define PX8_LOOP(SIGN)                                                                                        \
  __asm__ volatile(PX_WIDEN2("x0", "x1", "x2", "x3", "0") "1:\n\t" PX8_CHANNEL(SIGN) PX8_CHANNEL(SIGN)         \
                   "tst %[d], #256\n\t"                                                                      \
                   "beq 1b\n\t"                                                                              \
                   : [a] "=&r"(a), [b] "=&r"(b), [c] "+r"(c), [d] "=&r"(d), [e] "=&r"(e), [rec] "+r"(rec),     \
                     [y] "+r"(y), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3)              \
                   :                                                                                          \
                   : "cc", "memory")

/* The pixel's output channels; the input pointer enters in r10 (the accumulator's register). */
PX_INLINE int8_t *px_pixel8(const int8_t *src, const int32_t *rec, int8_t *y, int32_t sign) {
  register uint32_t a __asm__("r8");
  register uint32_t b __asm__("r9");
  register const void *c __asm__("r10") = src;
  register uint32_t d __asm__("r11");
  register int32_t e __asm__("r12");
  uint32_t x0, x1, x2, x3;
  if (sign) PX8_LOOP(PX_SIGNED);
  else PX8_LOOP(PX_FUSED);
  (void)a;
  (void)b;
  (void)c;
  (void)d;
  (void)e;
  return y;
}

/*
 * C = 16, one channel: the 8 input pairs take 8 registers, so the record streams through three:
 * LDM w(0), w(1), 2B; three LDMs of two pairs; 8 SMLADs; LDM m, K; SMMLAR, [SUB]; LDR rf; ASR,
 * SSAT, STRB: 18 instructions (19 signed) per 16 MACs.
 */
#define PX16_PAIRS(XA, XB)                 \
  "ldm %[rec]!, {%[a], %[b]}\n\t"          \
  "smlad %[c], %[" XA "], %[a], %[c]\n\t"  \
  "smlad %[c], %[" XB "], %[b], %[c]\n\t"
#define PX16_CHANNEL(SIGN)                                          \
  "ldm %[rec]!, {%[a], %[b], %[c]}\n\t"                             \
  "smlad %[c], %[x0], %[a], %[c]\n\t"                               \
  "smlad %[c], %[x1], %[b], %[c]\n\t" PX16_PAIRS("x2", "x3")         \
      PX16_PAIRS("x4", "x5") PX16_PAIRS("x6", "x7")                  \
  "ldm %[rec]!, {%[a], %[b]}\n\t"                                   \
  "smmlar %[a], %[c], %[a], %[b]\n\t" SIGN("a", "c")                 \
  "ldr %[b], [%[rec]], #4\n\t"                                      \
  "asr %[a], %[a], %[b]\n\t"                                        \
  "ssat %[a], #8, %[a]\n\t"                                         \
  "strb %[a], [%[y]], #1\n\t"

#define PX16_LOOP(SIGN)                                                                                       \
  __asm__ volatile(PX_WIDEN2("x0", "x1", "x2", "x3", "0") PX_WIDEN2("x4", "x5", "x6", "x7", "8")                \
                   "1:\n\t" PX16_CHANNEL(SIGN) PX16_CHANNEL(SIGN) "tst %[b], #256\n\t"                       \
                   "beq 1b\n\t"                                                                              \
                   : [a] "=&r"(a), [b] "=&r"(b), [c] "+r"(c), [rec] "+r"(rec), [y] "+r"(y), [x0] "=&r"(x0),    \
                     [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [x4] "=&r"(x4), [x5] "=&r"(x5),            \
                     [x6] "=&r"(x6), [x7] "=&r"(x7)                                                           \
                   :                                                                                          \
                   : "cc", "memory")

/* The pixel's output channels; the input pointer enters in r12 (the accumulator's register). */
PX_INLINE int8_t *px_pixel16(const int8_t *src, const int32_t *rec, int8_t *y, int32_t sign) {
  register uint32_t a __asm__("r10");
  register uint32_t b __asm__("r11");
  register const void *c __asm__("r12") = src;
  uint32_t x0, x1, x2, x3, x4, x5, x6, x7;
  if (sign) PX16_LOOP(PX_SIGNED);
  else PX16_LOOP(PX_FUSED);
  (void)a;
  (void)b;
  (void)c;
  return y;
}

/* Every output pixel through one of the asm channel loops (C and sign constant after inlining). */
PX_INLINE void px_layer_asm(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p, int32_t C, int32_t sign) {
  const int32_t H = p[1], W = p[2], OH = p[4], OW = p[5], sh = p[10], step = p[11] * C;
  int32_t b, oy, ox;
  for (b = 0; b < p[0]; b++) {
    for (oy = 0; oy < OH; oy++) {
      const int8_t *src = x + ((size_t)(b * H + oy * sh) * (size_t)W) * (size_t)C;
      for (ox = 0; ox < OW; ox++, src += step) y = C == 8 ? px_pixel8(src, rec, y, sign) : px_pixel16(src, rec, y, sign);
    }
  }
}
#endif

void eg_qconv2d_1x1_i8_px(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p) {
  const int32_t H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], sh = p[10], sw = p[11];
  const int32_t out = p[17], lo = p[18], hi = p[19];
  int32_t b, oy, ox;
#if EG_QDSP_ASM_LOOPS
  /* The asm loops: full int8 clamp (SSAT alone), channels in pairs, C = 8 or 16. */
  if (lo == -128 && hi == 127 && (O & 1) == 0 && (C == 8 || C == 16)) {
    const int32_t sign = lo < out;
    if (C == 8 && sign) px_layer_asm(x, rec, y, p, 8, 1);
    else if (C == 8) px_layer_asm(x, rec, y, p, 8, 0);
    else if (sign) px_layer_asm(x, rec, y, p, 16, 1);
    else px_layer_asm(x, rec, y, p, 16, 0);
    return;
  }
#endif
  (void)out;
  for (b = 0; b < p[0]; b++) {
    for (oy = 0; oy < OH; oy++) {
      const int8_t *src = x + ((size_t)(b * H + oy * sh) * (size_t)W) * (size_t)C;
      for (ox = 0; ox < OW; ox++, src += (size_t)sw * (size_t)C, y += O) {
        uint32_t xw[8];
        px_widen(src, C, xw);
        px_pixel_c(xw, C / 2, rec, y, O, lo, hi);
      }
    }
  }
}

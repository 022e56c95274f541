#include "qconv_i8_dsp_px3.h"

/* Words of one output channel's record (qconv_i8_dsp_px3.h). */
#define PX3_RECORD 10

/* The portable channel loop: any clamp, any O; the reference of the asm loop below. */
static void px3_channels_c(const uint32_t xw[6], const int32_t *rec, int8_t *y, int32_t O, int32_t lo, int32_t hi) {
  static const int32_t at[6] = {0, 1, 3, 4, 5, 6};
  int32_t o, j;
  for (o = 0; o < O; o++, rec += PX3_RECORD) {
    int32_t acc = rec[2], v;
    for (j = 0; j < 6; j++) acc = eg_qdsp_smlad(xw[j], (uint32_t)rec[at[j]], acc);
    v = eg_qdsp_requant_2a(acc, rec[7], rec[8], rec[9] & 0xFF);
    y[o] = (int8_t)eg_q_clamp(eg_qdsp_sat8(v), lo, hi);
  }
}

#if EG_QDSP_ASM_LOOPS
#define PX3_SIGNED(R, A) "sub %[" R "], %[" R "], %[" A "], lsr #31\n\t"
#define PX3_FUSED(R, A) ""

/*
 * One channel: LDM v(0), v(1), 2B, v(2), v(3) into r8..r12 (LDM fills registers in ascending
 * order, hence the pinned registers), 4 SMLADs, LDM v(4), v(5), m, K, 2 SMLADs, SMMLAR, [SUB],
 * LDR rf, ASR, SSAT, STRB: 14 instructions (15 signed) per 9 MACs.
 */
#define PX3_CHANNEL(SIGN)                                  \
  "ldm %[rec]!, {%[a], %[b], %[c], %[d], %[e]}\n\t"        \
  "smlad %[c], %[x0], %[a], %[c]\n\t"                      \
  "smlad %[c], %[x1], %[b], %[c]\n\t"                      \
  "smlad %[c], %[x2], %[d], %[c]\n\t"                      \
  "smlad %[c], %[x3], %[e], %[c]\n\t"                      \
  "ldm %[rec]!, {%[a], %[b], %[d], %[e]}\n\t"              \
  "smlad %[c], %[x4], %[a], %[c]\n\t"                      \
  "smlad %[c], %[x5], %[b], %[c]\n\t"                      \
  "smmlar %[a], %[c], %[d], %[e]\n\t" SIGN("a", "c")        \
  "ldr %[b], [%[rec]], #4\n\t"                             \
  "asr %[a], %[a], %[b]\n\t"                               \
  "ssat %[a], #8, %[a]\n\t"                                \
  "strb %[a], [%[y]], #1\n\t"

/* The kernel row at address ADDR widened into pairs XE (columns 0, 2) and XO (columns 1, 3). */
#define PX3_ROW(ADDR, XE, XO)              \
  "ldr %[" XO "], " ADDR "\n\t"            \
  "sxtb16 %[" XE "], %[" XO "]\n\t"        \
  "sxtb16 %[" XO "], %[" XO "], ror #8\n\t"

#define PX3_LOOP(SIGN)                                                                                         \
  __asm__ volatile(PX3_ROW("[%[a]]", "x0", "x1") PX3_ROW("[%[a], %[b]]", "x2", "x3")          \
                   PX3_ROW("[%[a], %[b], lsl #1]", "x4", "x5")                  \
                   "1:\n\t" PX3_CHANNEL(SIGN) PX3_CHANNEL(SIGN) "tst %[b], #256\n\t"                            \
                   "beq 1b\n\t"                                                                                \
                   : [a] "+r"(a), [b] "+r"(b), [c] "=&r"(c), [d] "=&r"(d), [e] "=&r"(e), [rec] "+r"(rec),        \
                     [y] "+r"(y), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3),                \
                     [x4] "=&r"(x4), [x5] "=&r"(x5)                                                             \
                   :                                                                                           \
                   : "cc", "memory")

/* The pixel's output channels; its first kernel row enters in r8, the row stride in r9. */
static inline __attribute__((always_inline)) int8_t *px3_pixel(const int8_t *src, int32_t stride, const int32_t *rec, int8_t *y, int32_t sign) {
  register const void *a __asm__("r8") = src;
  register int32_t b __asm__("r9") = stride;
  register int32_t c __asm__("r10");
  register int32_t d __asm__("r11");
  register int32_t e __asm__("r12");
  uint32_t x0, x1, x2, x3, x4, x5;
  if (sign) PX3_LOOP(PX3_SIGNED);
  else PX3_LOOP(PX3_FUSED);
  (void)a;
  (void)b;
  (void)c;
  (void)d;
  (void)e;
  return y;
}
#endif

/*
 * The 3x4 window of output pixel (b, oy, ox) copied into `patch` (rows 4 apart), the input zero
 * point (-p[16]: it adds 0 to the offset-folded sums) in place of the padding.
 */
static const int8_t *px3_patch(const int8_t *x, const int32_t *p, int32_t b, int32_t oy, int32_t ox, int8_t patch[12]) {
  const int32_t H = p[1], W = p[2], iy = oy * p[10] - p[14], ix = ox * p[11] - p[15];
  const int8_t *base = x + (size_t)b * (size_t)H * (size_t)W;
  int32_t ky, kx;
  for (ky = 0; ky < 3; ky++) {
    for (kx = 0; kx < 4; kx++) {
      const int32_t yy = iy + ky, xx = ix + kx;
      patch[4 * ky + kx] = (int8_t)(yy >= 0 && yy < H && xx >= 0 && xx < W ? base[(size_t)yy * (size_t)W + (size_t)xx] : -p[16]);
    }
  }
  return patch;
}

/* One pixel from its first kernel row `src` (rows `stride` apart): the asm loop (mode 1 fused, 2 signed) or the C one. */
static inline __attribute__((always_inline)) int8_t *px3_run(const int8_t *src, int32_t stride, const int32_t *rec, int8_t *y,
                                                            const int32_t *p, int32_t mode) {
#if EG_QDSP_ASM_LOOPS
  if (mode != 0) return px3_pixel(src, stride, rec, y, mode == 2);
#endif
  {
    uint32_t xw[6];
    int32_t ky;
    for (ky = 0; ky < 3; ky++) {
      const uint32_t v = eg_qdsp_read4(src + (size_t)ky * (size_t)stride);
      xw[2 * ky] = eg_qdsp_sxtb16(v);
      xw[2 * ky + 1] = eg_qdsp_sxtb16_ror8(v);
    }
    px3_channels_c(xw, rec, y, p[6], p[18], p[19]);
    (void)mode;
    return y + p[6];
  }
}

/*
 * Every output pixel: those whose 3x4 window lies inside the input (columns ox_lo..ox_hi-1 of the
 * rows whose three kernel rows do) straight from x with the pointer stepped by the stride, the
 * others through the patch.
 */
static inline __attribute__((always_inline)) void px3_walk(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p, int32_t mode) {
  const int32_t H = p[1], W = p[2], OH = p[4], OW = p[5], sh = p[10], sw = p[11], pt = p[14], pl = p[15];
  int8_t patch[12];
  int32_t b, oy, ox, ox_lo = 0, ox_hi;
  while (ox_lo < OW && ox_lo * sw - pl < 0) ox_lo++;
  ox_hi = ox_lo;
  while (ox_hi < OW && ox_hi * sw - pl + 3 < W) ox_hi++;
  for (b = 0; b < p[0]; b++) {
    for (oy = 0; oy < OH; oy++) {
      const int32_t iy = oy * sh - pt;
      const int32_t inside = iy >= 0 && iy + 2 < H;
      const int32_t lo = inside ? ox_lo : OW, hi = inside ? ox_hi : OW;
      for (ox = 0; ox < lo; ox++) y = px3_run(px3_patch(x, p, b, oy, ox, patch), 4, rec, y, p, mode);
      if (ox < hi) {
        const int8_t *src = x + ((size_t)(b * H + iy) * (size_t)W) + (size_t)(ox * sw - pl);
        for (; ox < hi; ox++, src += sw) y = px3_run(src, W, rec, y, p, mode);
      }
      for (; ox < OW; ox++) y = px3_run(px3_patch(x, p, b, oy, ox, patch), 4, rec, y, p, mode);
    }
  }
}

void eg_qconv2d_3x3c1_i8_px(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p) {
#if EG_QDSP_ASM_LOOPS
  /* The asm loop: full int8 clamp (SSAT alone), channels in pairs. */
  if (p[18] == -128 && p[19] == 127 && (p[6] & 1) == 0) {
    if (p[18] < p[17]) px3_walk(x, rec, y, p, 2);
    else px3_walk(x, rec, y, p, 1);
    return;
  }
#endif
  px3_walk(x, rec, y, p, 0);
}

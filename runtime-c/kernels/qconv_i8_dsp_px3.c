#include "qconv_i8_dsp_px3.h"

/* Words of one output channel's record (qconv_i8_dsp_px3.h). */
#define PX3_RECORD 9

/*
 * The window's 5 int16 pairs from its three kernel rows read as words r0, r1, r2 (columns
 * ix..ix+3): (r0[0], r0[2]), (r1[0], r1[2]), (r0[1], r1[1]), (r2[0], r2[2]), (r2[1], r2[3]).
 * Columns 3 of rows 0 and 1 drop out (PKHBT keeps bytes 0-1 of each), column 3 of row 2 meets a
 * 0 weight. The asm loop builds the same pairs with the same five instructions.
 */
static void px3_pairs(const int8_t *src, int32_t stride, uint32_t xw[5]) {
  const uint32_t r0 = eg_qdsp_read4(src), r1 = eg_qdsp_read4(src + stride), r2 = eg_qdsp_read4(src + 2 * (size_t)stride);
  xw[0] = eg_qdsp_sxtb16(r0);
  xw[1] = eg_qdsp_sxtb16(r1);
  xw[2] = eg_qdsp_sxtb16_ror8(eg_qdsp_pkhbt((int32_t)r0, (int32_t)r1));
  xw[3] = eg_qdsp_sxtb16(r2);
  xw[4] = eg_qdsp_sxtb16_ror8(r2);
}

/* The portable channel loop: any clamp, any O; the reference of the asm loop below. */
static int8_t *px3_channels_c(const uint32_t xw[5], const int32_t *rec, int8_t *y, int32_t O, int32_t lo, int32_t hi) {
  static const int32_t at[5] = {0, 1, 3, 4, 5};
  int32_t o, j;
  for (o = 0; o < O; o++, rec += PX3_RECORD) {
    int32_t acc = rec[2], v;
    for (j = 0; j < 5; j++) acc = eg_qdsp_smlad(xw[j], (uint32_t)rec[at[j]], acc);
    v = eg_qdsp_requant_2a(acc, rec[6], rec[7], rec[8] & 0xFF);
    *y++ = (int8_t)eg_q_clamp(eg_qdsp_sat8(v), lo, hi);
  }
  return y;
}

#if EG_QDSP_ASM_LOOPS
#define PX3_SIGNED "sub %[a], %[a], %[c], lsr #31\n\t"
#define PX3_FUSED ""

/*
 * One channel: LDM v(0), v(1), 2B, v(2), v(3) into r8..r12 (LDM fills registers in ascending
 * order, hence the pinned registers), 4 SMLADs, LDM v(4), m, K, rf, SMLAD, SMMLAR, [SUB], ASR,
 * SSAT, STRB: 11 instructions (12 signed) per 9 MACs. ASR reads rf's low byte only (r <= 31).
 */
#define PX3_CHANNEL(SIGN)                           \
  "ldm %[rec]!, {%[a], %[b], %[c], %[d], %[e]}\n\t" \
  "smlad %[c], %[x0], %[a], %[c]\n\t"               \
  "smlad %[c], %[x1], %[b], %[c]\n\t"               \
  "smlad %[c], %[x2], %[d], %[c]\n\t"               \
  "smlad %[c], %[x3], %[e], %[c]\n\t"               \
  "ldm %[rec]!, {%[a], %[b], %[d], %[e]}\n\t"       \
  "smlad %[c], %[x4], %[a], %[c]\n\t"               \
  "smmlar %[a], %[c], %[b], %[d]\n\t" SIGN          \
  "asr %[a], %[a], %[e]\n\t"                        \
  "ssat %[a], #8, %[a]\n\t"                         \
  "strb %[a], [%[y]], #1\n\t"

#define PX3_PAIR(SIGN) PX3_CHANNEL(SIGN) PX3_CHANNEL(SIGN)
#define PX3_QUAD(SIGN) PX3_PAIR(SIGN) PX3_PAIR(SIGN)

/*
 * Pixels src, src + step, ... up to `end` (exclusive, reached exactly): the row stride, the step
 * and `end` live in a 16-byte stack slot (sp, sp + 4, sp + 8) since the channel loop holds 14
 * registers. Per pixel: 3 LDRs and 5 SXTB16/PKHBT build the pairs (px3_pairs), the records run
 * from rec0 in GROUPs of 2 or 4 channels until rf's bit 8 (the last channel) is met, then the
 * step: 16 instructions of overhead per pixel.
 */
#define PX3_LOOP(GROUP)                                                                                            \
  __asm__ volatile("sub sp, sp, #16\n\t"                                                                          \
                   "str %[a], [sp]\n\t"                                                                            \
                   "strd %[b], %[d], [sp, #4]\n\t"                                                                 \
                   "2:\n\t"                                                                                        \
                   "ldr %[a], [sp]\n\t"                                                                            \
                   "ldr %[x0], [%[src]]\n\t"                                                                       \
                   "ldr %[x1], [%[src], %[a]]\n\t"                                                                 \
                   "ldr %[x4], [%[src], %[a], lsl #1]\n\t"                                                         \
                   "pkhbt %[x2], %[x0], %[x1], lsl #16\n\t"                                                        \
                   "sxtb16 %[x0], %[x0]\n\t"                                                                       \
                   "sxtb16 %[x1], %[x1]\n\t"                                                                       \
                   "sxtb16 %[x2], %[x2], ror #8\n\t"                                                               \
                   "sxtb16 %[x3], %[x4]\n\t"                                                                       \
                   "sxtb16 %[x4], %[x4], ror #8\n\t"                                                               \
                   "mov %[rec], %[rec0]\n\t"                                                                       \
                   "1:\n\t" GROUP "tst %[e], #256\n\t"                                                             \
                   "beq 1b\n\t"                                                                                    \
                   "ldrd %[a], %[b], [sp, #4]\n\t"                                                                 \
                   "add %[src], %[src], %[a]\n\t"                                                                  \
                   "cmp %[src], %[b]\n\t"                                                                          \
                   "bne 2b\n\t"                                                                                    \
                   "add sp, sp, #16\n\t"                                                                           \
                   : [a] "+r"(a), [b] "+r"(b), [c] "=&r"(c), [d] "+r"(d), [e] "=&r"(e), [rec] "=&r"(rec),           \
                     [y] "+r"(y), [src] "+r"(src), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3),  \
                     [x4] "=&r"(x4)                                                                                \
                   : [rec0] "r"(rec0)                                                                              \
                   : "cc", "memory")

/* n >= 1 pixels from `src` (kernel rows `stride` apart, pixels `step` apart); mode 1 fused, 2 signed; O even. */
static int8_t *px3_pixels_asm(const int8_t *src, int32_t stride, int32_t step, int32_t n, const int32_t *rec0, int8_t *y, int32_t O,
                              int32_t mode) {
  register int32_t a __asm__("r8") = stride;
  register int32_t b __asm__("r9") = step;
  register int32_t c __asm__("r10");
  register const int8_t *d __asm__("r11") = src + (size_t)n * (size_t)step;
  register int32_t e __asm__("r12");
  const int32_t *rec;
  uint32_t x0, x1, x2, x3, x4;
  if ((O & 3) == 0) {
    if (mode == 2) PX3_LOOP(PX3_QUAD(PX3_SIGNED));
    else PX3_LOOP(PX3_QUAD(PX3_FUSED));
  } else {
    if (mode == 2) PX3_LOOP(PX3_PAIR(PX3_SIGNED));
    else PX3_LOOP(PX3_PAIR(PX3_FUSED));
  }
  (void)a;
  (void)b;
  (void)c;
  (void)d;
  (void)e;
  (void)rec;
  return y;
}
#endif

/* n >= 1 pixels from `src` (kernel rows `stride` apart, pixels `step` apart): the asm loop (mode 1 fused, 2 signed) or the C one. */
static int8_t *px3_pixels(const int8_t *src, int32_t stride, int32_t step, int32_t n, const int32_t *rec, int8_t *y, const int32_t *p,
                          int32_t mode) {
  uint32_t xw[5];
#if EG_QDSP_ASM_LOOPS
  if (mode != 0) return px3_pixels_asm(src, stride, step, n, rec, y, p[6], mode);
#endif
  for (; n > 0; n--, src += step) {
    px3_pairs(src, stride, xw);
    y = px3_channels_c(xw, rec, y, p[6], p[18], p[19]);
  }
  (void)mode;
  return y;
}

/*
 * The 3x4 window of output pixel (b, oy, ox) copied into `patch` (rows 4 apart), the input zero
 * point (-p[16]: it adds 0 to the offset-folded sums) in place of the padding: the zero point is
 * stored as three words, then the window's columns inside the input copied over it row by row.
 */
static const int8_t *px3_patch(const int8_t *x, const int32_t *p, int32_t b, int32_t oy, int32_t ox, uint32_t patch[3]) {
  const int32_t H = p[1], W = p[2], iy = oy * p[10] - p[14], ix = ox * p[11] - p[15];
  const int32_t kx_lo = ix < 0 ? -ix : 0, kx_hi = W - ix < 4 ? W - ix : 4;
  const uint32_t zp = ((uint32_t)-p[16] & 0xFFu) * 0x01010101u;
  int8_t *bytes = (int8_t *)patch;
  int32_t ky, kx;
  patch[0] = patch[1] = patch[2] = zp;
  for (ky = 0; ky < 3; ky++) {
    const int32_t yy = iy + ky;
    if (yy < 0 || yy >= H) continue;
    {
      const int8_t *row = x + ((size_t)b * (size_t)H + (size_t)yy) * (size_t)W;
      for (kx = kx_lo; kx < kx_hi; kx++) bytes[4 * ky + kx] = row[ix + kx];
    }
  }
  return bytes;
}

/*
 * Every output pixel: those whose 3x4 window lies inside the input (columns ox_lo..ox_hi-1 of the
 * rows whose three kernel rows do) straight from x as one run per row, the others through the patch.
 */
static void px3_walk(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p, int32_t mode) {
  const int32_t H = p[1], W = p[2], OH = p[4], OW = p[5], sh = p[10], sw = p[11], pt = p[14], pl = p[15];
  uint32_t patch[3];
  int32_t b, oy, ox, ox_lo = 0, ox_hi;
  while (ox_lo < OW && ox_lo * sw - pl < 0) ox_lo++;
  ox_hi = ox_lo;
  while (ox_hi < OW && ox_hi * sw - pl + 3 < W) ox_hi++;
  for (b = 0; b < p[0]; b++) {
    for (oy = 0; oy < OH; oy++) {
      const int32_t iy = oy * sh - pt;
      const int32_t inside = iy >= 0 && iy + 2 < H;
      const int32_t lo = inside ? ox_lo : OW, hi = inside ? ox_hi : OW;
      for (ox = 0; ox < lo; ox++) y = px3_pixels(px3_patch(x, p, b, oy, ox, patch), 4, 4, 1, rec, y, p, mode);
      if (ox < hi) {
        const int8_t *src = x + ((size_t)(b * H + iy) * (size_t)W) + (size_t)(ox * sw - pl);
        y = px3_pixels(src, W, sw, hi - ox, rec, y, p, mode);
        ox = hi;
      }
      for (; ox < OW; ox++) y = px3_pixels(px3_patch(x, p, b, oy, ox, patch), 4, 4, 1, rec, y, p, mode);
    }
  }
}

void eg_qconv2d_3x3c1_i8_px(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p) {
#if EG_QDSP_ASM_LOOPS
  /* The asm loop: full int8 clamp (SSAT alone), channels in pairs (in fours when O % 4 == 0). */
  if (p[18] == -128 && p[19] == 127 && (p[6] & 1) == 0) {
    px3_walk(x, rec, y, p, p[18] < p[17] ? 2 : 1);
    return;
  }
#endif
  px3_walk(x, rec, y, p, 0);
}

#include "qconv_i8_dsp_px3c3.h"

/* Words per channel of each pass's record section (qconv_i8_dsp_px3c3.h). */
#define PXC3_FIRST 6
#define PXC3_MIDDLE 5
#define PXC3_LAST 8

/*
 * The 5 int16 pairs of one kernel row (the 9 bytes from src). Byte 8 is loaded sign-extended to 32
 * bits: its high half meets the record's 0 weight, so SMLAD adds byte 8 times its weight alone.
 */
static inline void pxc3_widen(const int8_t *src, uint32_t xw[5]) {
  const uint32_t a = eg_qdsp_read4(src), b = eg_qdsp_read4(src + 4);
  xw[0] = eg_qdsp_sxtb16(a);
  xw[1] = eg_qdsp_sxtb16_ror8(a);
  xw[2] = eg_qdsp_sxtb16(b);
  xw[3] = eg_qdsp_sxtb16_ror8(b);
  xw[4] = (uint32_t)(int32_t)src[8];
}

static inline int32_t pxc3_dot(const uint32_t xw[5], const int32_t *w, int32_t acc) {
  acc = eg_qdsp_smlad(xw[0], (uint32_t)w[0], acc);
  acc = eg_qdsp_smlad(xw[1], (uint32_t)w[1], acc);
  acc = eg_qdsp_smlad(xw[2], (uint32_t)w[2], acc);
  acc = eg_qdsp_smlad(xw[3], (uint32_t)w[3], acc);
  return eg_qdsp_smlad(xw[4], (uint32_t)w[4], acc);
}

#if EG_QDSP_ASM_LOOPS
/*
 * The asm passes (full int8 clamp: SSAT alone). Registers a..d are pinned to r8..r11 because LDM
 * fills registers in ascending order. Per channel: pass 0 LDM w0 w1 w2 2B, 3 SMLADs, LDM w3 w4,
 * 2 SMLADs, STR, CMP, BNE (10); pass 1 the same with LDR of the sum (11); pass 2 LDR, the 5
 * weights, LDM m K r, SMMLAR, [SUB], ASR, SSAT, STRB, CMP, BNE (15, 16 with the sign term).
 */
#define PXC3_FIVE                                  \
  "smlad %[d], %[x0], %[a], %[d]\n\t"              \
  "smlad %[d], %[x1], %[b], %[d]\n\t"              \
  "smlad %[d], %[x2], %[c], %[d]\n\t"              \
  "ldm %[rec]!, {%[a], %[b]}\n\t"                  \
  "smlad %[d], %[x3], %[a], %[d]\n\t"              \
  "smlad %[d], %[x4], %[b], %[d]\n\t"
#define PXC3_SIGNED "sub %[a], %[a], %[d], lsr #31\n\t"
#define PXC3_FUSED ""
#define PXC3_ASM(BODY, YOUT)                                                                                  \
  __asm__ volatile("1:\n\t" BODY "cmp %[accp], %[end]\n\t"                                                    \
                   "bne 1b\n\t"                                                                               \
                   : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d), [rec] "+r"(rec), [accp] "+r"(accp), \
                     [y] "+r"(YOUT)                                                                           \
                   : [x0] "r"(xw[0]), [x1] "r"(xw[1]), [x2] "r"(xw[2]), [x3] "r"(xw[3]), [x4] "r"(xw[4]),          \
                     [end] "r"(end)                                                                           \
                   : "cc", "memory")
#define PXC3_PASS0 "ldm %[rec]!, {%[a], %[b], %[c], %[d]}\n\t" PXC3_FIVE "str %[d], [%[accp]], #4\n\t"
#define PXC3_PASS1 "ldr %[d], [%[accp]]\n\t" "ldm %[rec]!, {%[a], %[b], %[c]}\n\t" PXC3_FIVE "str %[d], [%[accp]], #4\n\t"
#define PXC3_PASS2(SIGN)                                              \
  "ldr %[d], [%[accp]], #4\n\t"                                       \
  "ldm %[rec]!, {%[a], %[b], %[c]}\n\t" PXC3_FIVE                     \
  "ldm %[rec]!, {%[a], %[b], %[c]}\n\t"                               \
  "smmlar %[a], %[d], %[a], %[b]\n\t" SIGN                             \
  "asr %[a], %[a], %[c]\n\t"                                          \
  "ssat %[a], #8, %[a]\n\t"                                           \
  "strb %[a], [%[y]], #1\n\t"

/* One pixel on the asm passes; `sign`: the exact form's sign term (act_min < out_offset). */
static inline __attribute__((always_inline)) int8_t *pxc3_pixel_asm(const int8_t *src, int32_t stride, const int32_t *rec, int8_t *y, int32_t O, int32_t sign) {
  register int32_t a __asm__("r8");
  register int32_t b __asm__("r9");
  register int32_t c __asm__("r10");
  register int32_t d __asm__("r11");
  int32_t acc[EG_PX3C3_MAX_O];
  int32_t *const end = acc + O;
  int32_t *accp = acc;
  uint32_t xw[5];
  pxc3_widen(src, xw);
  PXC3_ASM(PXC3_PASS0, y);
  accp = acc;
  pxc3_widen(src + stride, xw);
  PXC3_ASM(PXC3_PASS1, y);
  accp = acc;
  pxc3_widen(src + 2 * stride, xw);
  if (sign) PXC3_ASM(PXC3_PASS2(PXC3_SIGNED), y);
  else PXC3_ASM(PXC3_PASS2(PXC3_FUSED), y);
  (void)a;
  (void)b;
  (void)c;
  (void)d;
  return y;
}
#endif

/*
 * One output pixel from its first kernel row `src` (rows `stride` apart). `fused`: the sign term
 * left out and the clamp SSAT alone (the fused form of qconv_i8_dsp_px.c, exact when act_min >=
 * out_offset, act_min = -128 and act_max = 127); otherwise the exact form with any clamp.
 */
static inline int8_t *pxc3_pixel(const int8_t *src, int32_t stride, const int32_t *rec, int8_t *y, const int32_t *p, int32_t fused) {
  const int32_t O = p[6];
#if EG_QDSP_ASM_LOOPS
  if (p[18] == -128 && p[19] == 127) return pxc3_pixel_asm(src, stride, rec, y, O, !fused);
#endif
  {
    int32_t acc[EG_PX3C3_MAX_O];
    uint32_t xw[5];
    int32_t o;
    pxc3_widen(src, xw);
    for (o = 0; o < O; o++, rec += PXC3_FIRST) {
      const int32_t w[5] = {rec[0], rec[1], rec[2], rec[4], rec[5]};
      acc[o] = pxc3_dot(xw, w, rec[3]);
    }
    pxc3_widen(src + stride, xw);
    for (o = 0; o < O; o++, rec += PXC3_MIDDLE) acc[o] = pxc3_dot(xw, rec, acc[o]);
    pxc3_widen(src + 2 * stride, xw);
    for (o = 0; o < O; o++, rec += PXC3_LAST) {
      const int32_t a = pxc3_dot(xw, rec, acc[o]);
      if (fused) {
        y[o] = (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a, rec[5], rec[6]) >> rec[7]);
      } else {
        const int32_t v = eg_qdsp_requant_2a(a, rec[5], rec[6], rec[7]);
        y[o] = (int8_t)eg_q_clamp(eg_qdsp_sat8(v), p[18], p[19]);
      }
    }
    return y + O;
  }
}

/*
 * The 3x3 window (9 bytes a row) of output pixel (b, oy, ox) copied into `patch`, the input zero
 * point (-p[16]: it adds 0 to the offset-folded sums) in place of the padding.
 */
static const int8_t *pxc3_patch(const int8_t *x, const int32_t *p, int32_t b, int32_t oy, int32_t ox, int8_t patch[27]) {
  const int32_t H = p[1], W = p[2], iy = oy * p[10] - p[14], ix = ox * p[11] - p[15];
  const int8_t *base = x + (size_t)b * (size_t)H * (size_t)W * 3u;
  int32_t ky, kx, c;
  for (ky = 0; ky < 3; ky++) {
    for (kx = 0; kx < 3; kx++) {
      const int32_t yy = iy + ky, xx = ix + kx;
      const int32_t inside = yy >= 0 && yy < H && xx >= 0 && xx < W;
      for (c = 0; c < 3; c++) patch[9 * ky + 3 * kx + c] = (int8_t)(inside ? base[((size_t)yy * (size_t)W + (size_t)xx) * 3u + (size_t)c] : -p[16]);
    }
  }
  return patch;
}

/*
 * Every output pixel: those whose 3x3 window lies inside the input (columns ox_lo..ox_hi-1 of the
 * rows whose three kernel rows do) straight from x, the others through the patch.
 */
static inline void pxc3_walk(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p, int32_t fused) {
  const int32_t H = p[1], W = p[2], OH = p[4], OW = p[5], sh = p[10], sw = p[11], pt = p[14], pl = p[15];
  int8_t patch[27];
  int32_t b, oy, ox, ox_lo = 0, ox_hi;
  while (ox_lo < OW && ox_lo * sw - pl < 0) ox_lo++;
  ox_hi = ox_lo;
  while (ox_hi < OW && ox_hi * sw - pl + 2 < W) ox_hi++;
  for (b = 0; b < p[0]; b++) {
    for (oy = 0; oy < OH; oy++) {
      const int32_t iy = oy * sh - pt;
      const int32_t inside = iy >= 0 && iy + 2 < H;
      const int32_t lo = inside ? ox_lo : OW, hi = inside ? ox_hi : OW;
      for (ox = 0; ox < lo; ox++) y = pxc3_pixel(pxc3_patch(x, p, b, oy, ox, patch), 9, rec, y, p, fused);
      if (ox < hi) {
        const int8_t *src = x + ((size_t)(b * H + iy) * (size_t)W + (size_t)(ox * sw - pl)) * 3u;
        for (; ox < hi; ox++, src += 3 * sw) y = pxc3_pixel(src, 3 * W, rec, y, p, fused);
      }
      for (; ox < OW; ox++) y = pxc3_pixel(pxc3_patch(x, p, b, oy, ox, patch), 9, rec, y, p, fused);
    }
  }
}

void eg_qconv2d_3x3c3_i8_px(const int8_t *x, const int32_t *rec, int8_t *y, const int32_t *p) {
  if (p[18] == -128 && p[19] == 127 && p[18] >= p[17]) pxc3_walk(x, rec, y, p, 1);
  else pxc3_walk(x, rec, y, p, 0);
}

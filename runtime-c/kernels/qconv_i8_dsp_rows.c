#include "qconv_i8_dsp_rows.h"
#include "qconv_i8_dsp.h"
#include "qconv_i8_dsp_w16.h"
#include "qconv_i8_dsp_blk.h"

/* n bytes of v at dst. */
static void fill_bytes(int8_t *dst, int32_t n, int8_t v) {
  int32_t i;
  for (i = 0; i < n; i++) dst[i] = v;
}

/*
 * The int8 column (K4 bytes, zero point `zp` for padding) of the output pixel whose window starts
 * at input row y0, column x0 of image b.
 */
static void gather_column(const int8_t *x, const int32_t *p, int32_t b, int32_t y0, int32_t x0, int32_t k4, int8_t *stage) {
  const int32_t H = p[1], W = p[2], C = p[3], KH = p[7], KW = p[8], dh = p[12], dw = p[13];
  const int32_t row_len = KW * C;
  const int8_t zp = (int8_t)(-p[16]);
  int32_t ky, kx, c;
  int8_t *at = stage;
  /* Taps kx_lo..kx_hi - 1 of a row lie inside the input (dilation 1 along W). */
  const int32_t kx_lo = x0 >= 0 ? 0 : -x0;
  const int32_t kx_hi = x0 + KW <= W ? KW : W - x0;
  if (dw == 1 && kx_lo == 0 && kx_hi == KW && y0 >= 0 && y0 + (KH - 1) * dh < H) {
    /*
     * The whole window inside the input (most pixels): KH runs of row_len bytes, dh input rows
     * apart. Every run but the last is copied in words (LDR/STR allow any alignment on
     * Armv7-M; memcpy of 4 bytes is one each), spilling up to 3 bytes into the next run, which
     * its own copy then overwrites; the last run byte by byte, so nothing lands past the column.
     */
    const size_t rstep = (size_t)dh * (size_t)W * (size_t)C;
    const int8_t *src = x + ((size_t)(b * H + y0) * (size_t)W + (size_t)x0) * (size_t)C;
    for (ky = 0; ky + 1 < KH; ky++, at += row_len, src += rstep) {
      for (c = 0; c < row_len; c += 4) memcpy(at + c, src + c, 4);
    }
    for (c = 0; c < row_len; c++) at[c] = src[c];
    fill_bytes(stage + KH * row_len, k4 - KH * row_len, zp);
    return;
  }
  for (ky = 0; ky < KH; ky++, at += row_len) {
    const int32_t iy = y0 + ky * dh;
    const int8_t *src;
    if (iy < 0 || iy >= H) {
      fill_bytes(at, row_len, zp);
      continue;
    }
    src = x + ((size_t)(b * H + iy) * (size_t)W) * (size_t)C;
    if (dw != 1) {
      for (kx = 0; kx < KW; kx++) {
        const int32_t ix = x0 + kx * dw;
        for (c = 0; c < C; c++) at[kx * C + c] = ix >= 0 && ix < W ? src[(size_t)ix * (size_t)C + (size_t)c] : zp;
      }
      continue;
    }
    if (kx_hi <= kx_lo) {
      fill_bytes(at, row_len, zp);
      continue;
    }
    fill_bytes(at, kx_lo * C, zp);
    {
      const int8_t *s = src + (size_t)(x0 + kx_lo) * (size_t)C;
      const int32_t n = (kx_hi - kx_lo) * C;
      for (c = 0; c < n; c++) at[kx_lo * C + c] = s[c];
    }
    fill_bytes(at + kx_hi * C, (KW - kx_hi) * C, zp);
  }
  fill_bytes(stage + KH * row_len, k4 - KH * row_len, zp);
}

void eg_qconv2d_i8_dsp_rows(const int8_t *x, const int16_t *w16, const int32_t *bias, int8_t *y, const int32_t *p,
                            const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = eg_qconv_dsp_requant(bias, p, table, mult, shift);
  const int32_t OH = p[4], OW = p[5], O = p[6], k4 = (p[7] * p[8] * p[3] + 3) & ~3;
  const int32_t pixels = p[0] * OH * OW;
  int16_t *buf = (int16_t *)scratch;
  int8_t *stage = (int8_t *)(buf + 2 * k4);
  int32_t q, lane = 0, b = 0, oy = 0, ox = 0;
#if EG_QDSP_ASM_LOOPS
  const int32_t blk = eg_qdsp_requant4_ok(&rq) && rq.bias != NULL && (O & 1) == 0;
#endif
  for (q = 0; q < pixels; q++) {
    /* Pixel q's column into lane q % 2; the GEMM runs when a pair is complete or at the end. */
    gather_column(x, p, b, oy * p[10] - p[14], ox * p[11] - p[15], k4, stage);
    eg_qdsp_widen(stage, k4, 0, k4, lane, q + 1 < pixels || lane == 1 ? 2 : 1, p[16], buf);
    if (lane == 1) {
      int8_t *y0 = y + (size_t)(q - 1) * (size_t)O, *y1 = y + (size_t)q * (size_t)O;
#if EG_QDSP_ASM_LOOPS
      /* Straight to the block path when it applies (eg_qdsp_gemm_w16 would test this per pair). */
      if (blk) eg_qconv_blk_2x2(buf, k4, w16, O, &rq, y0, y1);
      else eg_qdsp_gemm_w16(buf, 2, k4, w16, O, &rq, y0, y1);
#else
      eg_qdsp_gemm_w16(buf, 2, k4, w16, O, &rq, y0, y1);
#endif
    } else if (q + 1 == pixels) {
      eg_qdsp_gemm_w16(buf, 1, k4, w16, O, &rq, y + (size_t)q * (size_t)O, NULL);
    }
    lane ^= 1;
    if (++ox == OW) {
      ox = 0;
      if (++oy == OH) {
        oy = 0;
        b++;
      }
    }
  }
}

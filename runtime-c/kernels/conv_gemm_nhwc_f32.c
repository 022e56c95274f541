#include "conv_gemm_nhwc_f32.h"
#include "matmul_packed_f32.h"

/* Panel width of the packed weights (matmul_packed_f32.h's layout). */
#define PANEL 8

/*
 * The patches of output pixels p0 .. p0 + rows - 1 (rows <= 4) as the tile operand:
 * apk[k * 4 + i] = input under tap k of pixel p0 + i, or 0 in the padding and for i >= rows.
 * One tap of one pixel is C contiguous input floats.
 */
static void gather_patches(const float *x, const int32_t *p, int32_t p0, int32_t rows, float *EG_RESTRICT apk) {
  const int32_t C = p[1], IH = p[2], IW = p[3], OH = p[5], OW = p[6];
  const int32_t KH = p[7], KW = p[8], SH = p[9], SW = p[10], DH = p[11], DW = p[12], PT = p[13], PL = p[14];
  const int32_t K = KH * KW * C;
  int32_t i, kh, kw, c;
  for (i = 0; i < 4; i++) {
    const int32_t pix = p0 + i;
    const int32_t n = pix / (OH * OW), oh = pix / OW % OH, ow = pix % OW;
    float *dst = apk + i;
    if (i >= rows) {
      int32_t k;
      for (k = 0; k < K; k++) dst[(size_t)k * 4] = 0.0f;
      continue;
    }
    for (kh = 0; kh < KH; kh++) {
      const int32_t ih = oh * SH - PT + kh * DH;
      for (kw = 0; kw < KW; kw++) {
        const int32_t iw = ow * SW - PL + kw * DW;
        float *d = dst + (size_t)(kh * KW + kw) * C * 4;
        if (ih < 0 || ih >= IH || iw < 0 || iw >= IW) {
          for (c = 0; c < C; c++) d[(size_t)c * 4] = 0.0f;
        } else {
          const float *s = x + (((size_t)n * IH + ih) * IW + iw) * C;
          for (c = 0; c < C; c++) d[(size_t)c * 4] = s[c];
        }
      }
    }
  }
}

void eg_conv2d_gemm_nhwc_f32(const float *x, const float *wp, const float *bias, float *y, const int32_t *p, void *scratch) {
  const int32_t N = p[0], C = p[1], M = p[4], OH = p[5], OW = p[6], KH = p[7], KW = p[8];
  const int32_t K = KH * KW * C, P = N * OH * OW;
  float *apk = (float *)scratch;
  float *tail = apk + (size_t)4 * K;
  int32_t *off = (int32_t *)(tail + (size_t)PANEL * K);
  int32_t p0;
  if (p[15] != 0) {
    eg_matmul_packed_f32(x, wp, bias, y, P, M, C, scratch);
    return;
  }
  eg_matmul_packed_prepare(wp, M, K, tail, off);
  for (p0 = 0; p0 < P; p0 += 4) {
    const int32_t rows = P - p0 < 4 ? P - p0 : 4;
    gather_patches(x, p, p0, rows, apk);
    eg_matmul_packed_rows4(apk, wp, tail, off, bias, y + (size_t)p0 * M, rows, M, K);
  }
}

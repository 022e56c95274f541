#include "qtconv_i8.h"
#include "qfixed_i8.h"

/* Offset of filter tap (oc, ky, kx, ic) in OHWI weights, and of output cell (b, oy, ox, 0) in NHWC. */
#define EG_QTCONV_W(oc, ky, kx, ic) ((((int64_t)(oc) * p[7] + (ky)) * p[8] + (kx)) * p[3] + (ic))
#define EG_QTCONV_Y(b, oy, ox) ((((int64_t)(b) * p[4] + (oy)) * p[5] + (ox)) * p[6])

void eg_qtransposeconv_i8(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, void *scratch,
                          const int32_t *p, const int32_t *mult, const int32_t *shift) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], KH = p[7], KW = p[8];
  const int64_t count = (int64_t)N * OH * OW * O;
  int32_t *acc = (int32_t *)scratch;
  int32_t b, iy, ix, ic, ky, kx, oc;
  int64_t i;
  for (i = 0; i < count; i++) acc[i] = 0;
  for (b = 0; b < N; b++)
    for (iy = 0; iy < H; iy++)
      for (ix = 0; ix < W; ix++) {
        const int32_t y0 = iy * p[9] - p[11], x0 = ix * p[10] - p[12];
        for (ic = 0; ic < C; ic++) {
          const int32_t v = (int32_t)x[(((int64_t)b * H + iy) * W + ix) * C + ic] + p[13];
          for (ky = 0; ky < KH; ky++) {
            const int32_t oy = y0 + ky;
            if (oy < 0 || oy >= OH) continue;
            for (kx = 0; kx < KW; kx++) {
              const int32_t ox = x0 + kx;
              int32_t *out;
              if (ox < 0 || ox >= OW) continue;
              out = acc + EG_QTCONV_Y(b, oy, ox);
              for (oc = 0; oc < O; oc++) out[oc] = eg_q_wrap_add(out[oc], v * (int32_t)w[EG_QTCONV_W(oc, ky, kx, ic)]);
            }
          }
        }
      }
  for (i = 0; i < count; i++) {
    const int32_t c = (int32_t)(i % O);
    const int32_t v = bias ? eg_q_wrap_add(acc[i], bias[c]) : acc[i];
    y[i] = (int8_t)eg_q_clamp(eg_q_mul(v, mult[c], shift[c]) + p[14], p[15], p[16]);
  }
}

void eg_qtransposeconv_i16(const int16_t *x, const int8_t *w, const int64_t *bias, int16_t *y, void *scratch,
                           const int32_t *p, const int32_t *mult, const int32_t *shift) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], KH = p[7], KW = p[8];
  const int64_t count = (int64_t)N * OH * OW * O;
  int64_t *acc = (int64_t *)scratch;
  int32_t b, iy, ix, ic, ky, kx, oc;
  int64_t i;
  for (i = 0; i < count; i++) acc[i] = 0;
  for (b = 0; b < N; b++)
    for (iy = 0; iy < H; iy++)
      for (ix = 0; ix < W; ix++) {
        const int32_t y0 = iy * p[9] - p[11], x0 = ix * p[10] - p[12];
        for (ic = 0; ic < C; ic++) {
          const int32_t v = (int32_t)x[(((int64_t)b * H + iy) * W + ix) * C + ic];
          for (ky = 0; ky < KH; ky++) {
            const int32_t oy = y0 + ky;
            if (oy < 0 || oy >= OH) continue;
            for (kx = 0; kx < KW; kx++) {
              const int32_t ox = x0 + kx;
              int64_t *out;
              if (ox < 0 || ox >= OW) continue;
              out = acc + EG_QTCONV_Y(b, oy, ox);
              for (oc = 0; oc < O; oc++) out[oc] += v * (int32_t)w[EG_QTCONV_W(oc, ky, kx, ic)];
            }
          }
        }
      }
  for (i = 0; i < count; i++) {
    const int32_t c = (int32_t)(i % O);
    const int64_t v = bias ? acc[i] + bias[c] : acc[i];
    y[i] = (int16_t)eg_q_clamp(eg_q_mul64(v, mult[c], shift[c]), p[15], p[16]);
  }
}

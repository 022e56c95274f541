#include "qconv_i8.h"
#include "qfixed_i8.h"

/* Adds the bias and requantizes one int32 accumulator (int8 path, or 16x8 with int32 bias). */
static int32_t requant32(int32_t acc, const void *bias, int32_t kind, int32_t oc, int32_t m, int32_t s, int32_t out_offset,
                         int32_t lo, int32_t hi) {
  if (kind == 1) acc = eg_q_wrap_add(acc, ((const int32_t *)bias)[oc]);
  return eg_q_clamp(eg_q_mul(acc, m, s) + out_offset, lo, hi);
}

/* 16x8 with an int64 (or no) bias: int64 accumulator and the int64 multiply. */
static int32_t requant64(int64_t acc, const void *bias, int32_t kind, int32_t oc, int32_t m, int32_t s, int32_t lo, int32_t hi) {
  if (kind == 1) return requant32((int32_t)acc, bias, kind, oc, m, s, 0, lo, hi);
  if (kind == 2) acc += ((const int64_t *)bias)[oc];
  return eg_q_clamp(eg_q_mul64(acc, m, s), lo, hi);
}

void eg_qconv2d_i8(const int8_t *x, const int8_t *w, const void *bias, int8_t *y, const int32_t *p,
                   const int32_t *mult, const int32_t *shift) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], KH = p[7], KW = p[8], CG = p[9];
  const int32_t per_group = O / (C / CG);
  int32_t b, oy, ox, oc, ky, kx, ic;
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++)
      for (ox = 0; ox < OW; ox++) {
        const int32_t y0 = oy * p[10] - p[14], x0 = ox * p[11] - p[15];
        for (oc = 0; oc < O; oc++) {
          const int32_t in_base = (oc / per_group) * CG;
          int32_t acc = 0;
          for (ky = 0; ky < KH; ky++) {
            const int32_t iy = y0 + ky * p[12];
            if (iy < 0 || iy >= H) continue;
            for (kx = 0; kx < KW; kx++) {
              const int32_t ix = x0 + kx * p[13];
              const int8_t *xp;
              const int8_t *wp;
              if (ix < 0 || ix >= W) continue;
              xp = x + ((int64_t)(b * H + iy) * W + ix) * C + in_base;
              wp = w + ((int64_t)(oc * KH + ky) * KW + kx) * CG;
              for (ic = 0; ic < CG; ic++) acc += (int32_t)wp[ic] * ((int32_t)xp[ic] + p[16]);
            }
          }
          *y++ = (int8_t)requant32(acc, bias, p[20], oc, mult[oc], shift[oc], p[17], p[18], p[19]);
        }
      }
}

void eg_qconv2d_i16(const int16_t *x, const int8_t *w, const void *bias, int16_t *y, const int32_t *p,
                    const int32_t *mult, const int32_t *shift) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], KH = p[7], KW = p[8], CG = p[9];
  const int32_t per_group = O / (C / CG);
  int32_t b, oy, ox, oc, ky, kx, ic;
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++)
      for (ox = 0; ox < OW; ox++) {
        const int32_t y0 = oy * p[10] - p[14], x0 = ox * p[11] - p[15];
        for (oc = 0; oc < O; oc++) {
          const int32_t in_base = (oc / per_group) * CG;
          int64_t acc = 0;
          for (ky = 0; ky < KH; ky++) {
            const int32_t iy = y0 + ky * p[12];
            if (iy < 0 || iy >= H) continue;
            for (kx = 0; kx < KW; kx++) {
              const int32_t ix = x0 + kx * p[13];
              const int16_t *xp;
              const int8_t *wp;
              if (ix < 0 || ix >= W) continue;
              xp = x + ((int64_t)(b * H + iy) * W + ix) * C + in_base;
              wp = w + ((int64_t)(oc * KH + ky) * KW + kx) * CG;
              for (ic = 0; ic < CG; ic++) acc += (int32_t)wp[ic] * (int32_t)xp[ic];
            }
          }
          *y++ = (int16_t)requant64(acc, bias, p[20], oc, mult[oc], shift[oc], p[18], p[19]);
        }
      }
}

void eg_qdepthwise_i8(const int8_t *x, const int8_t *w, const void *bias, int8_t *y, const int32_t *p,
                      const int32_t *mult, const int32_t *shift) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], KH = p[7], KW = p[8], M = p[9];
  int32_t b, oy, ox, oc, ky, kx;
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++)
      for (ox = 0; ox < OW; ox++) {
        const int32_t y0 = oy * p[10] - p[14], x0 = ox * p[11] - p[15];
        for (oc = 0; oc < O; oc++) {
          const int32_t ic = oc / M;
          int32_t acc = 0;
          for (ky = 0; ky < KH; ky++) {
            const int32_t iy = y0 + ky * p[12];
            if (iy < 0 || iy >= H) continue;
            for (kx = 0; kx < KW; kx++) {
              const int32_t ix = x0 + kx * p[13];
              if (ix < 0 || ix >= W) continue;
              acc += (int32_t)w[(ky * KW + kx) * O + oc] * ((int32_t)x[((int64_t)(b * H + iy) * W + ix) * C + ic] + p[16]);
            }
          }
          *y++ = (int8_t)requant32(acc, bias, p[20], oc, mult[oc], shift[oc], p[17], p[18], p[19]);
        }
      }
}

void eg_qdepthwise_i16(const int16_t *x, const int8_t *w, const void *bias, int16_t *y, const int32_t *p,
                       const int32_t *mult, const int32_t *shift) {
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5], O = p[6], KH = p[7], KW = p[8], M = p[9];
  int32_t b, oy, ox, oc, ky, kx;
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++)
      for (ox = 0; ox < OW; ox++) {
        const int32_t y0 = oy * p[10] - p[14], x0 = ox * p[11] - p[15];
        for (oc = 0; oc < O; oc++) {
          const int32_t ic = oc / M;
          int64_t acc = 0;
          for (ky = 0; ky < KH; ky++) {
            const int32_t iy = y0 + ky * p[12];
            if (iy < 0 || iy >= H) continue;
            for (kx = 0; kx < KW; kx++) {
              const int32_t ix = x0 + kx * p[13];
              if (ix < 0 || ix >= W) continue;
              acc += (int32_t)w[(ky * KW + kx) * O + oc] * (int32_t)x[((int64_t)(b * H + iy) * W + ix) * C + ic];
            }
          }
          *y++ = (int16_t)requant64(acc, bias, p[20], oc, mult[oc], shift[oc], p[18], p[19]);
        }
      }
}

void eg_qfc_i8(const int8_t *x, const int8_t *w, const void *bias, int8_t *y, const int32_t *p,
               const int32_t *mult, const int32_t *shift) {
  const int32_t R = p[0], K = p[1], O = p[2];
  int32_t r, o, k;
  for (r = 0; r < R; r++) {
    const int8_t *xr = x + (int64_t)r * K;
    for (o = 0; o < O; o++) {
      const int8_t *wr = w + (int64_t)o * K;
      const int32_t ch = p[8] ? o : 0;
      int32_t acc = 0;
      for (k = 0; k < K; k++) acc += (int32_t)wr[k] * ((int32_t)xr[k] + p[3]);
      *y++ = (int8_t)requant32(acc, bias, p[7], o, mult[ch], shift[ch], p[4], p[5], p[6]);
    }
  }
}

void eg_qfc_i16(const int16_t *x, const int8_t *w, const void *bias, int16_t *y, const int32_t *p,
                const int32_t *mult, const int32_t *shift) {
  const int32_t R = p[0], K = p[1], O = p[2];
  int32_t r, o, k;
  for (r = 0; r < R; r++) {
    const int16_t *xr = x + (int64_t)r * K;
    for (o = 0; o < O; o++) {
      const int8_t *wr = w + (int64_t)o * K;
      const int32_t ch = p[8] ? o : 0;
      int64_t acc = 0;
      for (k = 0; k < K; k++) acc += (int32_t)wr[k] * (int32_t)xr[k];
      *y++ = (int16_t)requant64(acc, bias, p[7], o, mult[ch], shift[ch], p[5], p[6]);
    }
  }
}

#include "qpool_i8.h"

/* The loop nest is shared by both element types; T is the stored type. */
#define EG_QPOOL_BODY(T)                                                                            \
  const int32_t N = p[0], H = p[1], W = p[2], C = p[3], OH = p[4], OW = p[5];                      \
  int32_t b, oy, ox, ch, ky, kx;                                                                   \
  for (b = 0; b < N; b++)                                                                          \
    for (oy = 0; oy < OH; oy++)                                                                    \
      for (ox = 0; ox < OW; ox++) {                                                                \
        const int32_t y0 = oy * p[8] - p[10], x0 = ox * p[9] - p[11];                              \
        const int32_t ky0 = y0 < 0 ? -y0 : 0, kx0 = x0 < 0 ? -x0 : 0;                              \
        const int32_t ky1 = p[6] < H - y0 ? p[6] : H - y0, kx1 = p[7] < W - x0 ? p[7] : W - x0;    \
        for (ch = 0; ch < C; ch++) {                                                               \
          int32_t acc = p[14] ? -2147483647 - 1 : 0, count = 0, r;                                 \
          for (ky = ky0; ky < ky1; ky++)                                                           \
            for (kx = kx0; kx < kx1; kx++) {                                                       \
              const int32_t v = x[((int64_t)(b * H + y0 + ky) * W + x0 + kx) * C + ch];           \
              if (p[14]) acc = v > acc ? v : acc;                                                  \
              else acc += v;                                                                       \
              count++;                                                                             \
            }                                                                                      \
          if (count == 0) r = 0;                                                                   \
          else if (p[14]) r = acc;                                                                 \
          else r = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;                \
          r = r < p[12] ? p[12] : (r > p[13] ? p[13] : r);                                         \
          *y++ = (T)r;                                                                             \
        }                                                                                          \
      }

void eg_qpool_i8(const int8_t *x, int8_t *y, const int32_t *p) { EG_QPOOL_BODY(int8_t) }

void eg_qpool_i16(const int16_t *x, int16_t *y, const int32_t *p) { EG_QPOOL_BODY(int16_t) }

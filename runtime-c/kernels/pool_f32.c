#include "pool_f32.h"

/* Whether tap position i lies inside [lo, hi). */
static int inside(int32_t i, int32_t lo, int32_t hi) {
  return i >= lo && i < hi;
}

void eg_pool_f32(const float *x, float *y, int64_t *indices, const int32_t *p) {
  const int32_t planes = p[0], mode = p[1], column_major = p[2];
  const int32_t ID = p[3], IH = p[4], IW = p[5], OD = p[6], OH = p[7], OW = p[8];
  const int32_t KD = p[9], KH = p[10], KW = p[11], SD = p[12], SH = p[13], SW = p[14];
  const int32_t DD = p[15], DH = p[16], DW = p[17], PD = p[18], PH = p[19], PW = p[20];
  const int32_t ED = p[21], EH = p[22], EW = p[23];
  const size_t in_plane = (size_t)ID * IH * IW;
  int32_t c, od, oh, ow, kd, kh, kw;
  for (c = 0; c < planes; c++) {
    const float *xp = x + (size_t)c * in_plane;
    for (od = 0; od < OD; od++) {
      for (oh = 0; oh < OH; oh++) {
        for (ow = 0; ow < OW; ow++) {
          float best = 0.0f, sum = 0.0f;
          int64_t best_at = -1;
          int32_t count = 0, padded_count = 0;
          for (kd = 0; kd < KD; kd++) {
            const int32_t id = od * SD - PD + kd * DD;
            for (kh = 0; kh < KH; kh++) {
              const int32_t ih = oh * SH - PH + kh * DH;
              for (kw = 0; kw < KW; kw++) {
                const int32_t iw = ow * SW - PW + kw * DW;
                float v;
                if (inside(id, -PD, ID + ED) && inside(ih, -PH, IH + EH) && inside(iw, -PW, IW + EW)) padded_count++;
                if (!inside(id, 0, ID) || !inside(ih, 0, IH) || !inside(iw, 0, IW)) continue;
                v = xp[((size_t)id * IH + ih) * IW + iw];
                count++;
                sum += v;
                /* A NaN tap makes the maximum NaN wherever it sits in the window (the first wins). */
                if (best_at < 0 || v > best || (v != v && best == best)) {
                  best = v;
                  best_at = column_major ? ((int64_t)iw * IH + ih) * ID + id : ((int64_t)id * IH + ih) * IW + iw;
                }
              }
            }
          }
          {
            const size_t o = (((size_t)c * OD + od) * OH + oh) * OW + ow;
            if (mode == EG_POOL_MAX) {
              y[o] = best;
              if (indices != NULL) indices[o] = (int64_t)c * (int64_t)in_plane + best_at;
            } else {
              const int32_t divisor = mode == EG_POOL_AVG_INCLUDE_PAD ? padded_count : count;
              y[o] = divisor > 0 ? sum / (float)divisor : 0.0f;
            }
          }
        }
      }
    }
  }
}

/*
 * Channels innermost: for each output pixel the channel-independent tap counts are taken once and
 * every valid tap updates the pixel's C channels contiguously.
 */
void eg_pool_nhwc_f32(const float *x, float *y, const int32_t *p) {
  const int32_t N = p[0], C = p[1], mode = p[2];
  const int32_t ID = p[3], IH = p[4], IW = p[5], OD = p[6], OH = p[7], OW = p[8];
  const int32_t KD = p[9], KH = p[10], KW = p[11], SD = p[12], SH = p[13], SW = p[14];
  const int32_t DD = p[15], DH = p[16], DW = p[17], PD = p[18], PH = p[19], PW = p[20];
  const int32_t ED = p[21], EH = p[22], EW = p[23];
  int32_t n, c, od, oh, ow, kd, kh, kw;
  for (n = 0; n < N; n++) {
    for (od = 0; od < OD; od++) {
      for (oh = 0; oh < OH; oh++) {
        for (ow = 0; ow < OW; ow++) {
          float *yp = y + ((((size_t)n * OD + od) * OH + oh) * OW + ow) * C;
          int32_t count = 0, padded_count = 0;
          for (c = 0; c < C; c++) yp[c] = 0.0f;
          for (kd = 0; kd < KD; kd++) {
            const int32_t id = od * SD - PD + kd * DD;
            for (kh = 0; kh < KH; kh++) {
              const int32_t ih = oh * SH - PH + kh * DH;
              for (kw = 0; kw < KW; kw++) {
                const int32_t iw = ow * SW - PW + kw * DW;
                const float *xp;
                if (inside(id, -PD, ID + ED) && inside(ih, -PH, IH + EH) && inside(iw, -PW, IW + EW)) padded_count++;
                if (!inside(id, 0, ID) || !inside(ih, 0, IH) || !inside(iw, 0, IW)) continue;
                xp = x + ((((size_t)n * ID + id) * IH + ih) * IW + iw) * C;
                if (mode != EG_POOL_MAX) {
                  for (c = 0; c < C; c++) yp[c] += xp[c];
                } else if (count == 0) {
                  for (c = 0; c < C; c++) yp[c] = xp[c];
                } else {
                  for (c = 0; c < C; c++) yp[c] = (xp[c] > yp[c] || (xp[c] != xp[c] && yp[c] == yp[c])) ? xp[c] : yp[c];
                }
                count++;
              }
            }
          }
          if (mode != EG_POOL_MAX) {
            const int32_t divisor = mode == EG_POOL_AVG_INCLUDE_PAD ? padded_count : count;
            for (c = 0; c < C; c++) yp[c] = divisor > 0 ? yp[c] / (float)divisor : 0.0f;
          }
        }
      }
    }
  }
}

void eg_global_pool_f32(const float *x, float *y, int32_t planes, int32_t size, int32_t is_max) {
  int32_t c, i;
  for (c = 0; c < planes; c++) {
    const float *xp = x + (size_t)c * size;
    float acc = xp[0];
    if (is_max) {
      for (i = 1; i < size; i++) acc = xp[i] > acc ? xp[i] : acc;
      y[c] = acc;
    } else {
      for (i = 1; i < size; i++) acc += xp[i];
      y[c] = acc / (float)size;
    }
  }
}

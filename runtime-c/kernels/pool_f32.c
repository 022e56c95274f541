#include <math.h>

#include "pool_f32.h"

/* Whether tap position i lies inside [lo, hi). */
static int inside(int32_t i, int32_t lo, int32_t hi) {
  return i >= lo && i < hi;
}

/*
 * Mean of a window's valid taps summed in double, in the float loop's tap order. The averaging
 * kernels sum in float (fast on single-precision FPUs) and call this only for a window whose float
 * mean is not finite: taps near +-FLT_MAX overflow a float sum, never a double one (at most 2^31
 * taps), so the result then matches the float64 reference; an Inf or NaN input stays Inf or NaN.
 * o: the output position (d, h, w); p: as eg_pool_f32's. Tap (id, ih, iw) of the window is
 * x0[((id * IH + ih) * IW + iw) * stride].
 */
static float window_mean_f64(const float *x0, int32_t stride, const int32_t *p, const int32_t o[3], int32_t divisor) {
  int32_t first[3], lo[3], hi[3], axis, k, kd, kh, kw;
  double sum = 0.0;
  /* Along each axis the taps inside the input are one run of k: [lo, hi). */
  for (axis = 0; axis < 3; axis++) {
    const int32_t size = p[3 + axis], taps = p[9 + axis], dilation = p[15 + axis];
    first[axis] = o[axis] * p[12 + axis] - p[18 + axis];
    lo[axis] = taps;
    hi[axis] = 0;
    for (k = 0; k < taps; k++) {
      if (!inside(first[axis] + k * dilation, 0, size)) continue;
      if (lo[axis] > k) lo[axis] = k;
      hi[axis] = k + 1;
    }
  }
  for (kd = lo[0]; kd < hi[0]; kd++) {
    for (kh = lo[1]; kh < hi[1]; kh++) {
      for (kw = lo[2]; kw < hi[2]; kw++) {
        const size_t at = ((size_t)(first[0] + kd * p[15]) * p[4] + (first[1] + kh * p[16])) * p[5] + (first[2] + kw * p[17]);
        sum += (double)x0[at * (size_t)stride];
      }
    }
  }
  return (float)(sum / (double)divisor);
}

/*
 * The outputs of row (od, oh) of one plane whose window lies inside the input along W (every kw
 * tap valid), a tap at a time across the row: y[ow] for ow in [*lo, *hi) (an empty range when the
 * row has none, or no valid tap at all). The same taps in the same order as eg_pool_f32's loop per
 * output, so the results are identical; the loops over ow have no position branches and, with
 * stride 1, read x contiguously, which compilers vectorise. Not for MaxPool's indices.
 */
static void pool_row_interior(const float *EG_RESTRICT xp, float *EG_RESTRICT yrow, const int32_t *p, int32_t od, int32_t oh, int32_t *lo, int32_t *hi) {
  const int32_t mode = p[1], ID = p[3], IH = p[4], IW = p[5], OW = p[8];
  const int32_t KD = p[9], KH = p[10], KW = p[11], SD = p[12], SH = p[13], SW = p[14];
  const int32_t DD = p[15], DH = p[16], DW = p[17], PD = p[18], PH = p[19], PW = p[20], ED = p[21], EH = p[22];
  const int32_t last = IW - 1 - (KW - 1) * DW + PW;
  const int32_t first_ow = (PW + SW - 1) / SW;
  int32_t end_ow = last < 0 ? 0 : last / SW + 1;
  int32_t kd, kh, kw, ow, j, valid = 0, kd_padded = 0, kh_padded = 0, started = 0;
  *lo = 0;
  *hi = 0;
  if (end_ow > OW) end_ow = OW;
  if (end_ow <= first_ow) return;
  for (kd = 0; kd < KD; kd++) kd_padded += inside(od * SD - PD + kd * DD, -PD, ID + ED);
  for (kh = 0; kh < KH; kh++) kh_padded += inside(oh * SH - PH + kh * DH, -PH, IH + EH);
  for (kd = 0; kd < KD; kd++) {
    for (kh = 0; kh < KH; kh++) valid += inside(od * SD - PD + kd * DD, 0, ID) && inside(oh * SH - PH + kh * DH, 0, IH);
  }
  if (valid == 0) return;
  if (mode != EG_POOL_MAX) {
    for (ow = first_ow; ow < end_ow; ow++) yrow[ow] = 0.0f;
  }
  for (kd = 0; kd < KD; kd++) {
    const int32_t id = od * SD - PD + kd * DD;
    if (!inside(id, 0, ID)) continue;
    for (kh = 0; kh < KH; kh++) {
      const int32_t ih = oh * SH - PH + kh * DH;
      if (!inside(ih, 0, IH)) continue;
      for (kw = 0; kw < KW; kw++) {
        /* Output ow reads s[ow * SW]. */
        const float *EG_RESTRICT s = xp + ((size_t)id * IH + ih) * IW + kw * DW - PW;
        if (mode != EG_POOL_MAX) {
          ow = first_ow;
          if (SW == 1) {
            /* Chunks of 4 with a constant-trip loop: one vector add at -O2 (see tile_f32.c). */
            for (; ow + 4 <= end_ow; ow += 4) {
              for (j = 0; j < 4; j++) yrow[ow + j] += s[ow + j];
            }
          }
          for (; ow < end_ow; ow++) yrow[ow] += s[(size_t)ow * SW];
        } else if (!started) {
          for (ow = first_ow; ow < end_ow; ow++) yrow[ow] = s[(size_t)ow * SW];
        } else {
          /* A NaN tap makes the maximum NaN wherever it sits in the window (the first wins). */
          ow = first_ow;
          if (SW == 1) {
            for (; ow + 4 <= end_ow; ow += 4) {
              for (j = 0; j < 4; j++) {
                const float v = s[ow + j], b = yrow[ow + j];
                yrow[ow + j] = ((v > b) | ((v != v) & (b == b))) ? v : b;
              }
            }
          }
          for (; ow < end_ow; ow++) {
            const float v = s[(size_t)ow * SW], b = yrow[ow];
            yrow[ow] = (v > b || (v != v && b == b)) ? v : b;
          }
        }
        started = 1;
      }
    }
  }
  if (mode != EG_POOL_MAX) {
    const int32_t divisor = mode == EG_POOL_AVG_INCLUDE_PAD ? kd_padded * kh_padded * KW : valid * KW;
    for (ow = first_ow; ow < end_ow; ow++) {
      float mean = yrow[ow] / (float)divisor;
      if (!isfinite(mean)) {
        const int32_t at[3] = {od, oh, ow};
        mean = window_mean_f64(xp, 1, p, at, divisor);
      }
      yrow[ow] = mean;
    }
  }
  *lo = first_ow;
  *hi = end_ow;
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
        int32_t row_lo = 0, row_hi = 0;
        if (indices == NULL) pool_row_interior(xp, y + (((size_t)c * OD + od) * OH + oh) * OW, p, od, oh, &row_lo, &row_hi);
        for (ow = 0; ow < OW; ow++) {
          float best = 0.0f, sum = 0.0f;
          int64_t best_at = -1;
          int32_t count = 0, padded_count = 0;
          if (ow >= row_lo && ow < row_hi) continue; /* done by pool_row_interior */
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
              float mean = divisor > 0 ? sum / (float)divisor : 0.0f;
              if (!isfinite(mean)) {
                const int32_t at[3] = {od, oh, ow};
                mean = window_mean_f64(xp, 1, p, at, divisor);
              }
              y[o] = mean;
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
            const float *xn = x + (size_t)n * ID * IH * IW * C;
            const int32_t at[3] = {od, oh, ow};
            for (c = 0; c < C; c++) {
              yp[c] = divisor > 0 ? yp[c] / (float)divisor : 0.0f;
              if (!isfinite(yp[c])) yp[c] = window_mean_f64(xn + c, C, p, at, divisor);
            }
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
      acc /= (float)size;
      if (!isfinite(acc)) {
        /* The float sum overflowed (or an input is Inf/NaN): sum in double, as the reference. */
        double wide = 0.0;
        for (i = 0; i < size; i++) wide += (double)xp[i];
        acc = (float)(wide / (double)size);
      }
      y[c] = acc;
    }
  }
}

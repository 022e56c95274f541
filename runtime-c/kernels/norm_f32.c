#include <math.h>

#include "norm_f32.h"

void eg_batchnorm_f32(const float *x, const float *scale, const float *bias, const float *mean,
                      const float *var, float *y, int32_t n, int32_t c, int32_t spatial, float eps) {
  int32_t b, ch, i;
  for (b = 0; b < n; b++) {
    for (ch = 0; ch < c; ch++) {
      const size_t base = ((size_t)b * c + ch) * spatial;
      const float k = scale[ch] / sqrtf(var[ch] + eps);
      const float shift = bias[ch] - mean[ch] * k;
      for (i = 0; i < spatial; i++) y[base + i] = x[base + i] * k + shift;
    }
  }
}

void eg_instancenorm_f32(const float *x, const float *scale, const float *bias, float *y,
                         int32_t n, int32_t c, int32_t spatial, float eps) {
  int32_t b, ch, i;
  for (b = 0; b < n; b++) {
    for (ch = 0; ch < c; ch++) {
      const size_t base = ((size_t)b * c + ch) * spatial;
      float mean = 0.0f, var = 0.0f, k;
      for (i = 0; i < spatial; i++) mean += x[base + i];
      mean /= (float)spatial;
      for (i = 0; i < spatial; i++) {
        const float d = x[base + i] - mean;
        var += d * d;
      }
      var /= (float)spatial;
      k = scale[ch] / sqrtf(var + eps);
      for (i = 0; i < spatial; i++) y[base + i] = (x[base + i] - mean) * k + bias[ch];
    }
  }
}

void eg_lrn_f32(const float *x, float *y, int32_t n, int32_t c, int32_t spatial, int32_t size,
                float alpha, float beta, float bias) {
  const int32_t before = (size - 1) / 2, after = size - 1 - before;
  int32_t b, ch, j, i;
  for (b = 0; b < n; b++) {
    for (ch = 0; ch < c; ch++) {
      const int32_t lo = ch - before < 0 ? 0 : ch - before;
      const int32_t hi = ch + after >= c ? c - 1 : ch + after;
      const float *xc = x + ((size_t)b * c + ch) * spatial;
      float *yc = y + ((size_t)b * c + ch) * spatial;
      for (i = 0; i < spatial; i++) {
        float sum = 0.0f;
        for (j = lo; j <= hi; j++) {
          const float v = x[((size_t)b * c + j) * spatial + i];
          sum += v * v;
        }
        yc[i] = xc[i] / powf(bias + alpha / (float)size * sum, beta);
      }
    }
  }
}

void eg_layernorm_f32(const float *x, const float *scale, const float *bias, float *y, float *mean,
                      float *inv_std, int32_t outer, int32_t inner, float eps) {
  int32_t o, i;
  for (o = 0; o < outer; o++) {
    const float *xr = x + (size_t)o * inner;
    float *yr = y + (size_t)o * inner;
    float m = 0.0f, var = 0.0f, k;
    for (i = 0; i < inner; i++) m += xr[i];
    m /= (float)inner;
    for (i = 0; i < inner; i++) {
      const float d = xr[i] - m;
      var += d * d;
    }
    var /= (float)inner;
    k = 1.0f / sqrtf(var + eps);
    for (i = 0; i < inner; i++) yr[i] = (xr[i] - m) * k * scale[i] + (bias != NULL ? bias[i] : 0.0f);
    if (mean != NULL) mean[o] = m;
    if (inv_std != NULL) inv_std[o] = k;
  }
}

void eg_rmsnorm_f32(const float *x, const float *scale, const int32_t *scale_index, float *y,
                    int32_t outer, int32_t inner, float eps) {
  int32_t o, i;
  for (o = 0; o < outer; o++) {
    const float *xr = x + (size_t)o * inner;
    float *yr = y + (size_t)o * inner;
    float sq = 0.0f, k;
    for (i = 0; i < inner; i++) sq += xr[i] * xr[i];
    k = 1.0f / sqrtf(sq / (float)inner + eps);
    for (i = 0; i < inner; i++) yr[i] = xr[i] * k * scale[scale_index != NULL ? scale_index[i] : i];
  }
}

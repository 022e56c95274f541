#include <math.h>

#include "grid_sample_f32.h"

/* Taps of one axis: at most 4 (cubic). index -1 reads zero. */
typedef struct {
  int32_t count;
  int32_t index[4];
  float weight[4];
} eg_taps;

static float round_half_even(float v) {
  const float f = floorf(v), d = v - f;
  return (d > 0.5f || (d == 0.5f && fmodf(f, 2.0f) != 0.0f)) ? f + 1.0f : f;
}

/* Folds v into [lo, hi] at the nearer border as often as needed. */
static float reflect(float v, float lo, float hi) {
  const float range = hi - lo;
  float dx, rest;
  int32_t n, from_low;
  if (v >= lo && v <= hi) return v;
  dx = v < lo ? lo - v : v - hi;
  n = (int32_t)(dx / range);
  rest = dx - (float)n * range;
  from_low = v < lo ? (n % 2 == 0) : (n % 2 != 0);
  return from_low ? lo + rest : hi - rest;
}

static int32_t pick(int32_t i, int32_t d, int32_t padding, float lo, float hi) {
  if (padding == 0) return (i >= 0 && i < d) ? i : -1;
  if (padding == 1) return i < 0 ? 0 : (i > d - 1 ? d - 1 : i);
  return (int32_t)reflect((float)i, lo, hi);
}

static void axis_taps(eg_taps *t, float normalised, int32_t d, const int32_t *ip) {
  const int32_t mode = ip[3], padding = ip[4], align = ip[5];
  const float lo = align ? 0.0f : -0.5f, hi = align ? (float)(d - 1) : (float)d - 0.5f;
  float x = align ? (normalised + 1.0f) / 2.0f * (float)(d - 1) : ((normalised + 1.0f) * (float)d - 1.0f) / 2.0f;
  float f;
  int32_t x0, k;
  if (mode == 0) x = round_half_even(x);
  if (x < lo || x > hi) {
    if (padding == 1) x = x < 0.0f ? 0.0f : (x > (float)(d - 1) ? (float)(d - 1) : x);
    if (padding == 2) x = reflect(x, lo, hi);
  }
  if (mode == 0) {
    t->count = 1;
    t->index[0] = pick((int32_t)x, d, padding, lo, hi);
    t->weight[0] = 1.0f;
    return;
  }
  x0 = (int32_t)floorf(x);
  f = x - (float)x0;
  if (mode == 1) {
    t->count = 2;
    t->index[0] = pick(x0, d, padding, lo, hi);
    t->index[1] = pick(x0 + 1, d, padding, lo, hi);
    t->weight[0] = 1.0f - f;
    t->weight[1] = f;
    return;
  }
  {
    /* Keys cubic convolution, a = -0.75, taps x0 - 1 .. x0 + 2. */
    const float a = -0.75f, u = f + 1.0f, v = 1.0f - f, w = 2.0f - f;
    t->count = 4;
    t->weight[0] = ((a * u - 5.0f * a) * u + 8.0f * a) * u - 4.0f * a;
    t->weight[1] = ((a + 2.0f) * f - (a + 3.0f)) * f * f + 1.0f;
    t->weight[2] = ((a + 2.0f) * v - (a + 3.0f)) * v * v + 1.0f;
    t->weight[3] = ((a * w - 5.0f * a) * w + 8.0f * a) * w - 4.0f * a;
    for (k = 0; k < 4; k++) t->index[k] = pick(x0 - 1 + k, d, padding, lo, hi);
  }
}

void eg_grid_sample_f32(const float *x, const float *grid, float *y, const int32_t *ip) {
  const int32_t N = ip[0], C = ip[1], r = ip[2];
  const int32_t *in_dims = ip + 6, *out_dims = ip + 6 + r;
  eg_taps taps[EG_MAX_RANK];
  int32_t tap[EG_MAX_RANK];
  size_t in_size = 1, out_size = 1, o;
  int32_t n, c, a;
  for (a = 0; a < r; a++) {
    in_size *= (size_t)in_dims[a];
    out_size *= (size_t)out_dims[a];
  }
  for (n = 0; n < N; n++) {
    for (o = 0; o < out_size; o++) {
      const float *g = grid + ((size_t)n * out_size + o) * r;
      /* Axis a of x is indexed by grid component r - 1 - a. */
      for (a = 0; a < r; a++) axis_taps(&taps[a], g[r - 1 - a], in_dims[a], ip);
      for (c = 0; c < C; c++) {
        const float *xc = x + ((size_t)n * C + c) * in_size;
        float acc = 0.0f;
        for (a = 0; a < r; a++) tap[a] = 0;
        /* Every combination of one tap per axis (an odometer over tap[]). */
        for (;;) {
          size_t offset = 0;
          float w = 1.0f;
          int32_t zero = 0;
          for (a = 0; a < r; a++) {
            const int32_t i = taps[a].index[tap[a]];
            if (i < 0) zero = 1;
            offset = offset * (size_t)in_dims[a] + (size_t)(i < 0 ? 0 : i);
            w *= taps[a].weight[tap[a]];
          }
          if (!zero) acc += w * xc[offset];
          for (a = r - 1; a >= 0; a--) {
            if (++tap[a] < taps[a].count) break;
            tap[a] = 0;
          }
          if (a < 0) break;
        }
        y[((size_t)n * C + c) * out_size + o] = acc;
      }
    }
  }
}

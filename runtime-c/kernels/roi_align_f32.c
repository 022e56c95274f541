#include <math.h>

#include "roi_align_f32.h"

/* One bilinear sample of plane p (H x W) at (yy, xx); a sample outside the map contributes 0. */
static void sample(const float *p, int32_t H, int32_t W, float yy, float xx, float *terms) {
  int32_t y0, x0, y1, x1;
  float ly, lx;
  if (yy < -1.0f || yy > (float)H || xx < -1.0f || xx > (float)W) {
    terms[0] = terms[1] = terms[2] = terms[3] = 0.0f;
    return;
  }
  if (yy < 0.0f) yy = 0.0f;
  if (xx < 0.0f) xx = 0.0f;
  y0 = (int32_t)yy;
  x0 = (int32_t)xx;
  if (y0 >= H - 1) {
    y0 = y1 = H - 1;
    yy = (float)y0;
  } else {
    y1 = y0 + 1;
  }
  if (x0 >= W - 1) {
    x0 = x1 = W - 1;
    xx = (float)x0;
  } else {
    x1 = x0 + 1;
  }
  ly = yy - (float)y0;
  lx = xx - (float)x0;
  terms[0] = (1.0f - ly) * (1.0f - lx) * p[(size_t)y0 * W + x0];
  terms[1] = (1.0f - ly) * lx * p[(size_t)y0 * W + x1];
  terms[2] = ly * (1.0f - lx) * p[(size_t)y1 * W + x0];
  terms[3] = ly * lx * p[(size_t)y1 * W + x1];
}

void eg_roi_align_f32(const float *x, const float *rois, const int64_t *batch, float *y, const int32_t *ip,
                      float spatial_scale) {
  const int32_t N = ip[0], C = ip[1], H = ip[2], W = ip[3], R = ip[4], oh = ip[5], ow = ip[6];
  const int32_t ratio = ip[7], max_mode = ip[8], half_pixel = ip[9];
  const float offset = half_pixel ? 0.5f : 0.0f;
  int32_t r, c, ph, pw, iy, ix, k;
  for (r = 0; r < R; r++) {
    const float *roi = rois + (size_t)r * 4;
    const float x1 = roi[0] * spatial_scale - offset, y1 = roi[1] * spatial_scale - offset;
    float roi_w = roi[2] * spatial_scale - offset - x1, roi_h = roi[3] * spatial_scale - offset - y1;
    float bin_h, bin_w;
    int32_t grid_h, grid_w, count;
    const int64_t b = batch[r];
    if (!half_pixel) {
      if (roi_w < 1.0f) roi_w = 1.0f;
      if (roi_h < 1.0f) roi_h = 1.0f;
    }
    bin_h = roi_h / (float)oh;
    bin_w = roi_w / (float)ow;
    grid_h = ratio > 0 ? ratio : (int32_t)ceilf(roi_h / (float)oh);
    grid_w = ratio > 0 ? ratio : (int32_t)ceilf(roi_w / (float)ow);
    count = grid_h * grid_w > 1 ? grid_h * grid_w : 1;
    for (c = 0; c < C; c++) {
      float *out = y + ((size_t)r * C + c) * oh * ow;
      const float *plane = (b >= 0 && b < N) ? x + ((size_t)b * C + c) * H * W : NULL;
      for (ph = 0; ph < oh; ph++) {
        for (pw = 0; pw < ow; pw++) {
          float acc = 0.0f;
          int32_t first = 1;
          for (iy = 0; iy < grid_h && plane != NULL; iy++) {
            const float yy = y1 + (float)ph * bin_h + ((float)iy + 0.5f) * bin_h / (float)grid_h;
            for (ix = 0; ix < grid_w; ix++) {
              const float xx = x1 + (float)pw * bin_w + ((float)ix + 0.5f) * bin_w / (float)grid_w;
              float terms[4];
              sample(plane, H, W, yy, xx, terms);
              if (!max_mode) {
                acc += terms[0] + terms[1] + terms[2] + terms[3];
              } else {
                for (k = 0; k < 4; k++) {
                  if (first || terms[k] > acc) acc = terms[k];
                  first = 0;
                }
              }
            }
          }
          out[ph * ow + pw] = max_mode ? acc : acc / (float)count;
        }
      }
    }
  }
}

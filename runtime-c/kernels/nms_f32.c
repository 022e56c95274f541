#include "nms_f32.h"

/* x_min, y_min, x_max, y_max of box i. */
static void corners(const float *b, int32_t center, float *c) {
  if (center) {
    const float hw = b[2] / 2.0f, hh = b[3] / 2.0f;
    c[0] = b[0] - hw;
    c[1] = b[1] - hh;
    c[2] = b[0] + hw;
    c[3] = b[1] + hh;
  } else {
    c[0] = b[1] < b[3] ? b[1] : b[3];
    c[1] = b[0] < b[2] ? b[0] : b[2];
    c[2] = b[1] < b[3] ? b[3] : b[1];
    c[3] = b[0] < b[2] ? b[2] : b[0];
  }
}

static int32_t suppresses(const float *a, const float *b, float iou_threshold) {
  const float ix = (a[2] < b[2] ? a[2] : b[2]) - (a[0] > b[0] ? a[0] : b[0]);
  const float iy = (a[3] < b[3] ? a[3] : b[3]) - (a[1] > b[1] ? a[1] : b[1]);
  float inter, area_a, area_b, uni;
  if (ix <= 0.0f || iy <= 0.0f) return 0;
  inter = ix * iy;
  area_a = (a[2] - a[0]) * (a[3] - a[1]);
  area_b = (b[2] - b[0]) * (b[3] - b[1]);
  uni = area_a + area_b - inter;
  if (area_a <= 0.0f || area_b <= 0.0f || uni <= 0.0f) return 0;
  return inter / uni > iou_threshold;
}

void eg_nms_f32(const float *boxes, const float *scores, int64_t *out, int32_t rows, int32_t *scratch,
                const int32_t *ip, float iou_threshold, float score_threshold) {
  const int32_t B = ip[0], C = ip[1], N = ip[2], max_per_class = ip[3], center = ip[4], has_threshold = ip[5];
  int32_t *order = scratch, *kept = scratch + N;
  int32_t b, c, i, j, n, k, row = 0;
  for (b = 0; b < B; b++) {
    const float *bb = boxes + (size_t)b * N * 4;
    for (c = 0; c < C; c++) {
      const float *s = scores + ((size_t)b * C + c) * N;
      int32_t kept_count = 0;
      /* Candidates by descending score, lower index first on ties (insertion sort keeps that order). */
      for (n = 0, i = 0; i < N; i++) {
        if (has_threshold && !(s[i] > score_threshold)) continue;
        for (j = n; j > 0 && s[order[j - 1]] < s[i]; j--) order[j] = order[j - 1];
        order[j] = i;
        n++;
      }
      for (i = 0; i < n && kept_count < max_per_class; i++) {
        float box[4], other[4];
        int32_t keep = 1;
        corners(bb + (size_t)order[i] * 4, center, box);
        for (k = 0; k < kept_count && keep; k++) {
          corners(bb + (size_t)kept[k] * 4, center, other);
          if (suppresses(box, other, iou_threshold)) keep = 0;
        }
        if (!keep) continue;
        kept[kept_count++] = order[i];
        out[(size_t)row * 3] = b;
        out[(size_t)row * 3 + 1] = c;
        out[(size_t)row * 3 + 2] = order[i];
        row++;
      }
    }
  }
  for (; row < rows; row++) out[(size_t)row * 3] = out[(size_t)row * 3 + 1] = out[(size_t)row * 3 + 2] = -1;
}

#ifndef EGRET_NMS_F32_H_
#define EGRET_NMS_F32_H_
#include "egret.h"

/*
 * NonMaxSuppression with a static output size: boxes [B, N, 4], scores [B, C, N]; out [rows, 3]
 * int64 holds [batch, class, box] per kept box in ONNX order, then rows of -1.
 * ip: B, C, N, max_per_class, center_point_box, has_score_threshold
 * scratch holds N + min(max_per_class, N) int32 (candidate order, kept boxes of one class).
 * Sorting is an insertion sort: O(N^2) comparisons per class in the worst case.
 */
void eg_nms_f32(const float *boxes, const float *scores, int64_t *out, int32_t rows, int32_t *scratch,
                const int32_t *ip, float iou_threshold, float score_threshold);

#endif

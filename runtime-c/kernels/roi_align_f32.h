#ifndef EGRET_ROI_ALIGN_F32_H_
#define EGRET_ROI_ALIGN_F32_H_
#include "egret.h"

/*
 * RoiAlign: x [N, C, H, W], rois [R, 4] (x1, y1, x2, y2), batch [R] -> y [R, C, oh, ow]. A batch
 * index outside [0, N) gives a zero output for that ROI.
 * ip: N, C, H, W, R, oh, ow, sampling_ratio (0: adaptive), max_mode, half_pixel
 */
void eg_roi_align_f32(const float *x, const float *rois, const int64_t *batch, float *y, const int32_t *ip,
                      float spatial_scale);

#endif

#ifndef EGRET_GRID_SAMPLE_F32_H_
#define EGRET_GRID_SAMPLE_F32_H_
#include "egret.h"

/*
 * GridSample over r spatial axes (1 <= r <= EG_MAX_RANK): x [N, C, D1..Dr], grid [N, O1..Or, r]
 * (normalised, innermost axis first), y [N, C, O1..Or].
 * ip: N, C, r, mode (0 nearest, 1 linear, 2 cubic), padding (0 zeros, 1 border, 2 reflection),
 *     align_corners, D1..Dr, O1..Or
 */
void eg_grid_sample_f32(const float *x, const float *grid, float *y, const int32_t *ip);

#endif

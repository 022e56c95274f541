#ifndef EGRET_WINOGRAD_F32_H_
#define EGRET_WINOGRAD_F32_H_
#include "egret.h"

/*
 * 3x3, stride 1, undilated, ungrouped 2-D float32 convolution (NCHW) by Winograd's minimal
 * filtering F(2x2, 3x3) (Lavin and Gray, 2016): each 2x2 output tile is A^T [sum over c of
 * U_c (.) V_c] A, with U = G g G^T the transformed 3x3 filter and V = B^T d B the transformed 4x4
 * input patch: 16 multiplications per tile and channel instead of 36. Per row of tiles the four
 * input rows of every channel are copied into a zero-padded band (even and odd columns apart) and
 * transformed into V[16][C][T] (R tile rows side by side, T = R * TW); then V is multiplied by U
 * as 16 GEMMs on the register tiles of tile_f32.h (4 output channels by EG_F32_TILE_COLS tiles)
 * and transformed back with the bias. Sums run in a fixed order on every
 * target (over c per element, then the output transform's fixed adds).
 *
 * u is the transformed filter from eg_pack_winograd_f32 ([16][M][C], each M x C matrix in the
 * row blocks of eg_pack_conv2d_f32). p holds:
 *   p[0..3] N, C, IH, IW     p[4..6] M, OH, OW     p[7..8] top and left padding
 *   p[9]    TW: tiles per tile row, ceil(OW / 2) rounded up to a multiple of 4
 *   p[10]   R: tile rows per band (the GEMMs run on R * TW columns at once)
 * scratch holds 4 * (8 * C * (TW + 2) + 16 * (C + M) * R * TW + 16 * 4 * C + C) bytes.
 * bias may be NULL. y must not overlap x.
 */
void eg_conv2d_winograd_f32(const float *x, const float *u, const float *bias, float *y, const int32_t *p, void *scratch);

/* U = G g G^T of OIHW w [M][C][3][3], in the layout above; used when w is not a constant. */
void eg_pack_winograd_f32(const float *w, float *u, int32_t M, int32_t C);

#endif

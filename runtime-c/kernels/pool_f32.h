#ifndef EGRET_POOL_F32_H_
#define EGRET_POOL_F32_H_
#include "egret.h"

/* Pooling modes of eg_pool_f32. */
#define EG_POOL_MAX 0
#define EG_POOL_AVG_EXCLUDE_PAD 1
#define EG_POOL_AVG_INCLUDE_PAD 2

/*
 * Windowed pooling over 3-D windows (1-D/2-D pass leading sizes of 1). p holds int32:
 *   p[0] planes (N*C), p[1] mode (EG_POOL_*), p[2] storage order of indices (0 row-, 1 column-major)
 *   p[3..5] input D,H,W   p[6..8] output D,H,W   p[9..11] kernel   p[12..14] strides
 *   p[15..17] dilations   p[18..20] begin pads   p[21..23] end pads
 * Taps in the padding are skipped; AVG_INCLUDE_PAD divides by the taps inside the padded input
 * (so ceil_mode overhang is not counted, as in onnxruntime). indices may be NULL; otherwise it
 * receives MaxPool's flat argmax into x (first maximum wins). Averages sum in float; a window
 * whose float mean is not finite is summed again in double, so taps near +-FLT_MAX give the
 * finite mean the float64 reference gives instead of +-Inf.
 */
void eg_pool_f32(const float *x, float *y, int64_t *indices, const int32_t *p);

/*
 * The same pooling over channels-last data: x is [N, (D,) H, W, C], y is [N, (D,) H, W, C].
 * p[0] N, p[1] C, p[2] mode (EG_POOL_*); p[3..23] as eg_pool_f32's. No indices (ONNX defines
 * them over NCHW). Taps are visited in the same order as eg_pool_f32, so results are identical.
 */
void eg_pool_nhwc_f32(const float *x, float *y, const int32_t *p);

/*
 * y[i] = mean (is_max = 0) or max (is_max = 1) of x[i*size .. i*size+size) for i < planes; a mean
 * whose float sum overflows is summed again in double, as in eg_pool_f32.
 */
void eg_global_pool_f32(const float *x, float *y, int32_t planes, int32_t size, int32_t is_max);

#endif

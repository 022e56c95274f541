#ifndef EGRET_NORM_F32_H_
#define EGRET_NORM_F32_H_
#include "egret.h"

/*
 * Normalisations over NC... tensors seen as [n, c, spatial] (row-major). x and y may be the same
 * buffer for batchnorm and instancenorm (each element is read before it is written).
 */

/* Inference BatchNormalization: y = scale[c] * (x - mean[c]) / sqrt(var[c] + eps) + bias[c]. */
void eg_batchnorm_f32(const float *x, const float *scale, const float *bias, const float *mean,
                      const float *var, float *y, int32_t n, int32_t c, int32_t spatial, float eps);

/* InstanceNormalization: per (n, c) plane, y = scale[c] * (x - mean) / sqrt(var + eps) + bias[c]. */
void eg_instancenorm_f32(const float *x, const float *scale, const float *bias, float *y,
                         int32_t n, int32_t c, int32_t spatial, float eps);

/*
 * LRN across channels: y = x / (bias + alpha / size * sum of x^2 over channels
 * [ch - (size-1)/2, ch + ceil((size-1)/2)]) ^ beta. x and y must not overlap.
 */
void eg_lrn_f32(const float *x, float *y, int32_t n, int32_t c, int32_t spatial, int32_t size,
                float alpha, float beta, float bias);

/*
 * LayerNormalization over the trailing `inner` elements of each of `outer` rows:
 * y = (x - mean) / sqrt(var + eps) * scale + bias (scale and bias hold `inner` values; bias may
 * be NULL). mean and inv_std (one value per row) may be NULL. x and y may be the same buffer.
 */
void eg_layernorm_f32(const float *x, const float *scale, const float *bias, float *y, float *mean,
                      float *inv_std, int32_t outer, int32_t inner, float eps);

/*
 * RMSNormalization over the trailing `inner` elements of each of `outer` rows:
 * y = x / sqrt(mean(x^2) + eps) * scale[i], or scale[scale_index[i]] when scale_index is not NULL
 * (a scale broadcast to the normalised dims). x and y may be the same buffer.
 */
void eg_rmsnorm_f32(const float *x, const float *scale, const int32_t *scale_index, float *y,
                    int32_t outer, int32_t inner, float eps);

#endif

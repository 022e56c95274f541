#ifndef EGRET_LINEAR_ATTENTION_F32_H_
#define EGRET_LINEAR_ATTENTION_F32_H_
#include "egret.h"

/*
 * LinearAttention (ONNX opset 27), float32. q [B, T, Hq*dk], k [B, T, Hkv*dk], v [B, T, Hkv*dv],
 * past [B, Hkv, dk, dv] (zeros when NULL), decay [B, T, Hkv*decay_width] (log-space; NULL unless
 * gated), beta [B, T, beta_width] (NULL unless delta), erase [B, T, Hkv*dk] (may be NULL).
 * out [B, T, Hq*dv]; present (may be NULL) [B, Hkv, dk, dv]. Query head h reads KV head h / (Hq/Hkv).
 * ip: B, T, Hq, Hkv, dk, dv, gated, delta, decay_width (1 or dk), beta_width (Hkv or 1)
 * scratch holds dk * dv + dv floats.
 */
void eg_linear_attention_f32(const float *q, const float *k, const float *v, const float *past, const float *decay,
                             const float *beta, const float *erase, float *out, float *present, float *scratch,
                             const int32_t *ip, float scale);

#endif

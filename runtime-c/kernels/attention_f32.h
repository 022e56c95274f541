#ifndef EGRET_ATTENTION_F32_H_
#define EGRET_ATTENTION_F32_H_
#include "egret.h"

/*
 * ONNX Attention (opset 23/24), float32. q, k, v are 4-D [B, heads, seq, size] or, when packed,
 * 3-D [B, seq, heads * size]; past_k/past_v and present_k/present_v are 4-D [B, kv_heads, len, size]
 * (present = past then the new k/v). mask is float (added) or bool (uint8: 0 masks) read at
 * b * mask_b + h * mask_h + i * mask_q + j for j < mask_len (keys past mask_len are masked).
 * nonpad is int64 [B]. Every optional pointer may be NULL. scratch holds past_len + kv_len floats.
 * ip: B, q_heads, kv_heads, q_len, kv_len, past_len, head_size, v_head_size, packed, causal,
 *     qk_mode (0/1: after softcap, 2: plus bias, 3: softmax), mask_kind (0 none, 1 float, 2 bool),
 *     mask_b, mask_h, mask_q, mask_len
 * fp: scale, softcap (0: none)
 */
void eg_attention_f32(const float *q, const float *k, const float *v, const void *mask, const float *past_k,
                      const float *past_v, const int64_t *nonpad, float *y, float *present_k, float *present_v,
                      float *qk, float *scratch, const int32_t *ip, const float *fp);

#endif

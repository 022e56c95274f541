#include <math.h>

#include "attention_f32.h"

/* Row j (of `size` floats) of the key or value sequence of (b, h): the cache first, then the new rows. */
static const float *kv_row(const int32_t *ip, const float *past, const float *fresh, int32_t size, int32_t b, int32_t h, int32_t j) {
  const int32_t kv_heads = ip[2], kv_len = ip[4], past_len = ip[5], packed = ip[8];
  if (j < past_len) return past + (((size_t)b * kv_heads + h) * past_len + j) * size;
  j -= past_len;
  return fresh + (packed ? (((size_t)b * kv_len + j) * kv_heads + h) * size : (((size_t)b * kv_heads + h) * kv_len + j) * size);
}

/* Copies past then new rows into a present cache [B, kv_heads, past_len + kv_len, size]. */
static void fill_cache(const int32_t *ip, const float *past, const float *fresh, int32_t size, float *present) {
  const int32_t B = ip[0], kv_heads = ip[2], total = ip[4] + ip[5];
  int32_t b, h, j, d;
  for (b = 0; b < B; b++) {
    for (h = 0; h < kv_heads; h++) {
      for (j = 0; j < total; j++) {
        const float *src = kv_row(ip, past, fresh, size, b, h, j);
        float *dst = present + (((size_t)b * kv_heads + h) * total + j) * size;
        for (d = 0; d < size; d++) dst[d] = src[d];
      }
    }
  }
}

/* The additive bias of score (b, h, i, j): the mask, the causal limit and nonpad padding. */
static float bias_of(const int32_t *ip, const void *mask, const int64_t *nonpad, int32_t b, int32_t h, int32_t i, int32_t j) {
  const int32_t q_len = ip[3], past_len = ip[5], causal = ip[9], kind = ip[11], mask_len = ip[15];
  float bias = 0.0f;
  if (kind != 0) {
    const size_t at = (size_t)b * ip[12] + (size_t)h * ip[13] + (size_t)i * ip[14] + (size_t)j;
    if (j >= mask_len) return -INFINITY;
    if (kind == 2) {
      if (((const uint8_t *)mask)[at] == 0) return -INFINITY;
    } else {
      bias = ((const float *)mask)[at];
    }
  }
  if (causal) {
    const int64_t offset = (past_len > 0 || nonpad == NULL) ? past_len : nonpad[b] - q_len;
    if ((int64_t)j > (int64_t)i + offset) return -INFINITY;
  }
  if (nonpad != NULL && (int64_t)j >= nonpad[b]) return -INFINITY;
  return bias;
}

void eg_attention_f32(const float *q, const float *k, const float *v, const void *mask, const float *past_k,
                      const float *past_v, const int64_t *nonpad, float *y, float *present_k, float *present_v,
                      float *qk, float *scratch, const int32_t *ip, const float *fp) {
  const int32_t B = ip[0], q_heads = ip[1], kv_heads = ip[2], q_len = ip[3], total = ip[4] + ip[5];
  const int32_t dk = ip[6], dv = ip[7], packed = ip[8], mode = ip[10];
  const int32_t group = q_heads / kv_heads;
  const float scale = fp[0], softcap = fp[1];
  int32_t b, h, i, j, d;

  if (present_k != NULL) fill_cache(ip, past_k, k, dk, present_k);
  if (present_v != NULL) fill_cache(ip, past_v, v, dv, present_v);
  for (b = 0; b < B; b++) {
    for (h = 0; h < q_heads; h++) {
      const int32_t hk = h / group;
      for (i = 0; i < q_len; i++) {
        const float *qr = q + (packed ? (((size_t)b * q_len + i) * q_heads + h) * dk : (((size_t)b * q_heads + h) * q_len + i) * dk);
        float *yr = y + (packed ? (((size_t)b * q_len + i) * q_heads + h) * dv : (((size_t)b * q_heads + h) * q_len + i) * dv);
        float *qkr = qk != NULL ? qk + (((size_t)b * q_heads + h) * q_len + i) * total : NULL;
        float max = -INFINITY, sum = 0.0f;
        for (j = 0; j < total; j++) {
          const float *kr = kv_row(ip, past_k, k, dk, b, hk, j);
          float s = 0.0f;
          for (d = 0; d < dk; d++) s += qr[d] * kr[d];
          s *= scale;
          if (softcap > 0.0f) s = softcap * tanhf(s / softcap);
          if (qkr != NULL && mode <= 1) qkr[j] = s;
          s += bias_of(ip, mask, nonpad, b, h, i, j);
          if (qkr != NULL && mode == 2) qkr[j] = s;
          scratch[j] = s;
          if (s > max) max = s;
        }
        /* A row whose every key is masked gets zero weights (and a zero output), not NaN. */
        for (j = 0; j < total; j++) {
          scratch[j] = max == -INFINITY ? 0.0f : expf(scratch[j] - max);
          sum += scratch[j];
        }
        for (d = 0; d < dv; d++) yr[d] = 0.0f;
        for (j = 0; j < total; j++) {
          const float pj = sum > 0.0f ? scratch[j] / sum : 0.0f;
          const float *vr = kv_row(ip, past_v, v, dv, b, hk, j);
          if (qkr != NULL && mode == 3) qkr[j] = pj;
          for (d = 0; d < dv; d++) yr[d] += pj * vr[d];
        }
      }
    }
  }
}

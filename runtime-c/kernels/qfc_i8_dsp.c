#include "qfc_i8_dsp.h"
#include "qdsp_i8.h"

void eg_qfc_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                   const int32_t *mult, const int32_t *shift, void *scratch) {
  const int32_t R = p[0], K = p[1], O = p[2];
  int16_t *buf = (int16_t *)((eg_qdsp_rq_entry *)scratch + O);
  eg_qdsp_requant rq;
  int32_t r;
  rq.bias = p[7] == 1 ? bias : NULL;
  rq.mult = mult;
  rq.shift = shift;
  rq.per_channel = p[8];
  rq.out_offset = p[4];
  rq.act_min = p[5];
  rq.act_max = p[6];
  eg_qdsp_requant_prepare(&rq, O, (eg_qdsp_rq_entry *)scratch);
  for (r = 0; r + 1 < R; r += 2) {
    eg_qdsp_widen(x + (size_t)r * (size_t)K, K, 0, K, 0, 2, p[3], buf);
    eg_qdsp_widen(x + (size_t)(r + 1) * (size_t)K, K, 0, K, 1, 2, p[3], buf);
    eg_qdsp_gemm_i8(buf, 2, K, w, O, &rq, y + (size_t)r * (size_t)O, y + (size_t)(r + 1) * (size_t)O);
  }
  if (r < R) {
    eg_qdsp_widen(x + (size_t)r * (size_t)K, K, 0, K, 0, 1, p[3], buf);
    eg_qdsp_gemm_i8(buf, 1, K, w, O, &rq, y + (size_t)r * (size_t)O, NULL);
  }
}

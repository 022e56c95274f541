#include "qconv_i8_dsp_tab.h"
#include "qconv_i8_dsp.h"

/* The requantization of p's layer on the given table: what conv_requant of qconv_i8_dsp.c builds. */
static eg_qdsp_requant tab_requant(const int32_t *bias, const int32_t *p, const eg_qdsp_rq_entry *table, const int32_t *mult,
                                   const int32_t *shift) {
  eg_qdsp_requant rq;
  rq.bias = p[20] == 1 ? bias : NULL;
  rq.fast = table;
  rq.mult = mult;
  rq.shift = shift;
  rq.per_channel = 1;
  rq.out_offset = p[17];
  rq.act_min = p[18];
  rq.act_max = p[19];
  return rq;
}

void eg_qconv2d_i8_dsp_tab(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                           const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = tab_requant(bias, p, table, mult, shift);
  eg_qconv2d_i8_dsp_rq(x, w, y, p, &rq, scratch);
}

void eg_qconv2d_1x1_i8_dsp_tab(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                               const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = tab_requant(bias, p, table, mult, shift);
  eg_qconv2d_1x1_i8_dsp_rq(x, w, y, p, &rq, scratch);
}

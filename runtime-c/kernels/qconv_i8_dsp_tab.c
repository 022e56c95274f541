#include "qconv_i8_dsp_tab.h"
#include "qconv_i8_dsp.h"

void eg_qconv2d_i8_dsp_tab(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                           const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = eg_qconv_dsp_requant(bias, p, table, mult, shift);
  eg_qconv2d_i8_dsp_rq(x, w, y, p, &rq, scratch);
}

void eg_qconv2d_1x1_i8_dsp_tab(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                               const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch) {
  const eg_qdsp_requant rq = eg_qconv_dsp_requant(bias, p, table, mult, shift);
  eg_qconv2d_1x1_i8_dsp_rq(x, w, y, p, &rq, scratch);
}

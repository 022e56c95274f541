#include "qdepthwise3x3_i8_dsp.h"

/*
 * The groups of 4 channels of one output pixel on the eg_qdsp_requant4 path. A function of its
 * own so that the pixel loop's variables are not live here: inlined, gcc spills the group loop's
 * pointers and the requantization's operands around every group.
 */
static DW_NOINLINE void dw_pixel_groups4(const int8_t *const *tap, int32_t C, const int32_t *folded, const uint32_t *wq,
                             const eg_qdsp_requant *rq, uint32_t lo4, uint32_t hi4, int8_t *y) {
  int32_t c;
  for (c = 0; c + 3 < C; c += 4, wq += 18) {
    int32_t acc[4];
    memcpy(acc, folded + c, sizeof acc);
    dw_group9(tap, c, wq, acc);
    eg_qdsp_requant4(acc, rq, c, lo4, hi4, y + c);
  }
}

void eg_qdepthwise3x3_i8_dsp(const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y, const int32_t *p,
                             const int32_t *mult, const int32_t *shift, void *scratch) {
  const int32_t C = p[3], offset = p[16];
  const int32_t groups = C >> 2;
  eg_qdsp_requant rq = eg_qconv_dsp_requant(bias, p, NULL, mult, shift);
  eg_qdsp_requant_prepare(&rq, C, (eg_qdsp_rq_entry *)scratch);
  int32_t *folded = (int32_t *)((eg_qdsp_rq_entry *)scratch + C);
  uint32_t *wide = (uint32_t *)(folded + C);
  int8_t *pad = (int8_t *)(wide + 18 * groups);
  int32_t c, t, g;
  /* bias + offset * sum(w): a padded tap then adds w * zero_point = -w * offset, i.e. nothing. */
  for (c = 0; c < C; c++) {
    int32_t sum = 0;
    for (t = 0; t < 9; t++) sum += w[t * C + c];
    folded[c] = eg_q_wrap_add(rq.bias != NULL ? rq.bias[c] : 0, sum * offset);
    pad[c] = (int8_t)(-offset);
  }
  /* Group g's words (dw_group9): per tap pair and channel the int16 pair, then tap 8's SXTB16 words. */
  for (g = 0; g < groups; g++) {
    const int8_t *wg = w + 4 * g;
    uint32_t *o = wide + 18 * g;
    for (t = 0; t < 8; t += 2)
      for (c = 0; c < 4; c++) *o++ = eg_qdsp_pack16(wg[t * C + c], wg[(t + 1) * C + c]);
    o[0] = eg_qdsp_sxtb16(eg_qdsp_read4(wg + 8 * C));
    o[1] = eg_qdsp_sxtb16_ror8(eg_qdsp_read4(wg + 8 * C));
  }
  rq.bias = NULL;
  eg_qdepthwise3x3_i8_dsp_run(x, w, y, p, &rq, folded, wide, pad);
}

void eg_qdepthwise3x3_i8_dsp_run(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
                                 const int32_t *folded, const uint32_t *wide, const int8_t *pad) {
  const int32_t N = p[0], C = p[3], OH = p[4], OW = p[5];
  const int32_t four = eg_qdsp_requant4_ok(rq);
  const uint32_t lo4 = eg_qdsp_bytes4(rq->act_min), hi4 = eg_qdsp_bytes4(rq->act_max);
  int32_t tap_offset[9];
  int32_t b, oy, ox, c, t;
  dw_tap_offsets(p, tap_offset);
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++)
      for (ox = 0; ox < OW; ox++) {
        const int8_t *tap[9];
        const uint32_t *wq = wide;
        dw_taps(x, p, b, oy, ox, tap_offset, pad, tap);
        if (four) {
          dw_pixel_groups4(tap, C, folded, wq, rq, lo4, hi4, y);
          c = C & ~3;
        } else {
          for (c = 0; c + 3 < C; c += 4, wq += 18) {
            int32_t acc[4];
            memcpy(acc, folded + c, sizeof acc);
            dw_group9(tap, c, wq, acc);
            y[c] = eg_qdsp_requant_acc(acc[0], rq, c);
            y[c + 1] = eg_qdsp_requant_acc(acc[1], rq, c + 1);
            y[c + 2] = eg_qdsp_requant_acc(acc[2], rq, c + 2);
            y[c + 3] = eg_qdsp_requant_acc(acc[3], rq, c + 3);
          }
        }
        for (; c < C; c++) {
          int32_t acc = folded[c];
          for (t = 0; t < 9; t++) acc = eg_q_wrap_add(acc, (int32_t)tap[t][c] * (int32_t)w[t * C + c]);
          y[c] = eg_qdsp_requant_acc(acc, rq, c);
        }
        y += C;
      }
}

void eg_qdepthwise3x3_i8_dsp_tab(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_rq_entry *table,
                                 const int32_t *mult, const int32_t *shift, const int32_t *folded, const uint32_t *wide,
                                 const int8_t *pad) {
  /* The bias is in `folded`: the requantization takes none. */
  const eg_qdsp_requant rq = eg_qconv_dsp_requant(NULL, p, table, mult, shift);
  eg_qdepthwise3x3_i8_dsp_run(x, w, y, p, &rq, folded, wide, pad);
}

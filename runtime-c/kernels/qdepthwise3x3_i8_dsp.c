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

/*
 * The pixel loop on operands prepared at compile time: rq without bias (the bias is in `folded`:
 * bias + offset * sum of the channel's 9 weights), `wide` the weight words (dw_group9's layout, 18
 * words per group of 4 channels), `pad` C bytes of the input zero point (-offset) that padded taps
 * read; `w` serves the C % 4 last channels.
 */
static void dw3x3_run(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const eg_qdsp_requant *rq,
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
  dw3x3_run(x, w, y, p, &rq, folded, wide, pad);
}

#include "qdepthwise_i8_rows_quad.h"
#include "qdepthwise_i8_quad3x3.h"
#include "qdepthwise_i8_ring4.h"

/* eg_qdepthwise_i8_quad3x3's block of one channel (wk: its 6 weight words, e: its rqc words). */
static void quad_block(const uint32_t *wk, const int32_t *e, int32_t OW, uint32_t *blk) {
  int32_t j;
  for (j = 0; j < 6; j++) blk[j] = wk[j];
  blk[6] = (uint32_t)e[1];
  blk[7] = (uint32_t)e[2];
  blk[8] = (uint32_t)e[0];
  blk[9] = (uint32_t)e[3];
  blk[10] = (uint32_t)(OW & 3) << 30; /* the tail t in the top bits: eg_qdepthwise_i8_quad3x3 tests them by LSLS */
}

/* Input row iy of the channel at xc (NULL above or below the input: a padding row). */
static const int8_t *quad_input_row(const int8_t *xc, const int32_t *p, int32_t iy) {
  return iy >= 0 && iy < p[1] ? xc + (size_t)iy * (size_t)p[18] : NULL;
}

/*
 * Per output row one new ring row, then the row's outputs in one call; out of line and with few
 * live values, so that nothing is spilled around the rows.
 */
void eg_qdepthwise_i8_rows_quad_channel(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc,
                                        int16_t *scratch) {
  const int32_t OH = p[4], OW = p[5], padTop = p[11], WP = p[17], out_row = p[20], out_col = p[21];
  int16_t *r0 = scratch, *r1 = scratch + WP, *r2 = scratch + 2 * (size_t)WP, *t;
  uint32_t blk[11];
  int32_t oy, iy;
  quad_block(wk, e, OW, blk);
  for (iy = -padTop; iy < 2 - padTop; iy++) /* the first two rows of the first window */
    eg_qdepthwise_i8_ring_build(quad_input_row(xc, p, iy), p[2], p[19], p[12], WP, (int16_t)p[13], iy == -padTop ? r0 : r1);
  for (oy = 0; oy < OH; oy++, iy++, yc += out_row) {
    eg_qdepthwise_i8_ring_build(quad_input_row(xc, p, iy), p[2], p[19], p[12], WP, (int16_t)p[13], r2);
    eg_qdepthwise_i8_quad3x3(r0, r1, r2, blk, OW >> 2, yc, out_col);
    t = r0;
    r0 = r1;
    r1 = r2;
    r2 = t;
  }
}

/*
 * Each new ring row built for all four channels from word loads (eg_qdepthwise_i8_ring4_build),
 * then each channel's row as eg_qdepthwise_i8_rows_quad_channel runs it. Channel i's ring is
 * scratch + 3 * WP * i, its weights wk + 6 * i, its rqc words e + 4 * i.
 */
void eg_qdepthwise_i8_rows_quad_group(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc,
                                      int16_t *scratch) {
  const int32_t OH = p[4], OW = p[5], padTop = p[11], WP = p[17], out_row = p[20], out_col = p[21];
  const size_t ring = 3 * (size_t)WP;
  int16_t *r0 = scratch, *r1 = scratch + WP, *r2 = scratch + 2 * (size_t)WP, *t;
  uint32_t blk[4][11];
  int32_t oy, iy, i;
  for (i = 0; i < 4; i++) quad_block(wk + 6 * i, e + 4 * i, OW, blk[i]);
  for (iy = -padTop; iy < 2 - padTop; iy++) /* the first two rows of the first window */
    eg_qdepthwise_i8_ring4_build(quad_input_row(xc, p, iy), p[2], p[19], p[12], WP, (int16_t)p[13], iy == -padTop ? r0 : r1, ring);
  for (oy = 0; oy < OH; oy++, iy++, yc += out_row) {
    eg_qdepthwise_i8_ring4_build(quad_input_row(xc, p, iy), p[2], p[19], p[12], WP, (int16_t)p[13], r2, ring);
    for (i = 0; i < 4; i++)
      eg_qdepthwise_i8_quad3x3(r0 + (size_t)i * ring, r1 + (size_t)i * ring, r2 + (size_t)i * ring, blk[i], OW >> 2, yc + i, out_col);
    t = r0;
    r0 = r1;
    r1 = r2;
    r2 = t;
  }
}

int32_t eg_qdepthwise_i8_rows_quad_group_ok(const int32_t *e, int32_t act_min, int32_t act_max) {
  int32_t i;
  for (i = 0; i < 4; i++)
    if (!eg_qdepthwise_i8_quad3x3_ok(e[4 * i + 1], e[4 * i + 2], e[4 * i + 3], act_min, act_max)) return 0;
  return 1;
}

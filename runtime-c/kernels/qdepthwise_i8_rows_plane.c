#include "qdepthwise_i8_rows_plane.h"
#include "qdepthwise_i8_ring4.h"
#include "qdepthwise_i8_six3x3.h"
#include "qdepthwise_i8_rows_quad.h"

/*
 * int16 columns of a plane row (the six outputs' 3x3 windows read columns 0..7), and of a row of
 * all four: the planes are interleaved by rows, channel i's row j at 32 * j + 8 * i, so that every
 * offset the build and eg_qdepthwise_i8_six3x3 use is a constant.
 */
#define PLANE_WP 8
#define PLANE_ROW (4 * PLANE_WP)

/* The compiler's plane geometry (OW 6, WP 8, R >= 4 * HP) with output rows 6 columns apart. */
static int32_t plane_fits(const int32_t *p) {
  const int32_t OH = p[4], OW = p[5], R = p[16], WP = p[17];
  return p[6] == 3 && p[7] == 3 && p[8] == 1 && p[9] == 1 && p[10] == 1 && OW == 6 && WP == PLANE_WP && OH >= 1 && R >= 4 * (OH + 2) &&
         p[20] == 6 * p[21] && p[3] % 4 == 0;
}

/* The padding rows of the four planes (rows outside the input) set to zp. */
static void plane_border(const int32_t *p, int16_t *scratch) {
  const int32_t H = p[1], HP = p[4] + 2, padTop = p[11];
  int32_t j;
  for (j = 0; j < HP; j++)
    if (j - padTop < 0 || j - padTop >= H) eg_qdepthwise_i8_ring_fill(scratch + (size_t)j * PLANE_ROW, PLANE_ROW, (int16_t)p[13]);
}

/* The words w0..w3 at d (a column of channel c's plane row, even) of the four planes. */
static inline void plane_put(int16_t *d, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  memcpy(d, &w0, 4);
  memcpy(d + PLANE_WP, &w1, 4);
  memcpy(d + 2 * PLANE_WP, &w2, 4);
  memcpy(d + 3 * PLANE_WP, &w3, 4);
}

/*
 * Input rows j0..j1-1 of the four planes (plane row j: input row j - padTop at x) for any padding:
 * eg_qdepthwise_i8_ring4_build's rows, channel c + i's `ring` 8 int16 (its plane row) on.
 */
static void plane_rows(const int8_t *x, const int32_t *p, int16_t *dst, int32_t j0, int32_t j1) {
  int32_t j;
  for (j = j0; j < j1; j++)
    eg_qdepthwise_i8_ring4_build(x + (size_t)(j - p[11]) * (size_t)p[18], p[2], p[19], p[12], PLANE_WP, (int16_t)p[13],
                                 dst + (size_t)j * PLANE_ROW, PLANE_WP);
}

/*
 * One word of each of the four planes from the pixel words L (columns j) and R (j + 1), channels
 * c..c+3 in their bytes 0..3: PKHBT and PKHTB pair the bytes of one channel pair, (L.b0, L.b1,
 * R.b0, R.b1) and (L.b2, L.b3, R.b2, R.b3), then SXTB16 and its ROR 8 form give each channel's
 * (j, j + 1): 2 + 4 instructions and 4 stores for 8 values. A padding column is the word of zp
 * in every byte.
 */
static inline void plane_word(int16_t *d, uint32_t L, uint32_t R) {
  const uint32_t t = eg_qdsp_pkhbt((int32_t)L, (int32_t)R), u = eg_qdsp_pkhtb(L, R);
  plane_put(d, eg_qdsp_sxtb16(t), eg_qdsp_sxtb16_ror8(t), eg_qdsp_sxtb16(u), eg_qdsp_sxtb16_ror8(u));
}

/*
 * The input rows for the two usual geometries, each row straight-line: "same" padding (padLeft 1,
 * W 6: zp, x0 .. x5, zp) and none (padLeft 0, W >= 8: x0 .. x7). Returns 0 for another.
 */
static int32_t plane_rows_usual(const int8_t *x, const int32_t *p, int16_t *dst, int32_t j0, int32_t j1) {
  const size_t step = (size_t)p[19], in_row = (size_t)p[18];
  const uint32_t z = eg_qdsp_bytes4(p[13]);
  const int8_t *s = x + (size_t)(j0 - p[11]) * in_row;
  int16_t *d = dst + (size_t)j0 * PLANE_ROW;
  int32_t j;
  if (p[12] == 1 && p[2] == 6) {
    for (j = j0; j < j1; j++, s += in_row, d += PLANE_ROW) {
      plane_word(d, z, eg_qdsp_read4(s));
      plane_word(d + 2, eg_qdsp_read4(s + step), eg_qdsp_read4(s + 2 * step));
      plane_word(d + 4, eg_qdsp_read4(s + 3 * step), eg_qdsp_read4(s + 4 * step));
      plane_word(d + 6, eg_qdsp_read4(s + 5 * step), z);
    }
    return 1;
  }
  if (p[12] == 0 && p[2] >= 8) {
    for (j = j0; j < j1; j++, s += in_row, d += PLANE_ROW) {
      plane_word(d, eg_qdsp_read4(s), eg_qdsp_read4(s + step));
      plane_word(d + 2, eg_qdsp_read4(s + 2 * step), eg_qdsp_read4(s + 3 * step));
      plane_word(d + 4, eg_qdsp_read4(s + 4 * step), eg_qdsp_read4(s + 5 * step));
      plane_word(d + 6, eg_qdsp_read4(s + 6 * step), eg_qdsp_read4(s + 7 * step));
    }
    return 1;
  }
  return 0;
}

/*
 * Channels c, c+1, .. in groups of four while eg_qdepthwise_i8_rows_quad_group_ok holds and
 * `channels` (those left from c) last: the padding rows once, then per group the input rows of
 * its four planes built together, each channel's rows by eg_qdepthwise_i8_six3x3. Returns the
 * channels it wrote (a multiple of 4, 0 when the first group does not qualify).
 */
static int32_t plane_run(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch,
                         int32_t channels) {
  const int32_t OH = p[4], HP = OH + 2, padTop = p[11], out_col = p[21];
  const int32_t first = padTop, last = p[1] + padTop < HP ? p[1] + padTop : HP;
  uint32_t blk[10];
  int32_t done, i;
  for (done = 0; done + 4 <= channels && eg_qdepthwise_i8_rows_quad_group_ok(e, p[14], p[15]); done += 4, xc += 4, yc += 4) {
    if (done == 0) plane_border(p, scratch);
    if (!plane_rows_usual(xc, p, scratch, first, last)) plane_rows(xc, p, scratch, first, last);
    for (i = 0; i < 4; i++, wk += 6, e += 4) {
      memcpy(blk, wk, 6 * sizeof(uint32_t));
      memcpy(blk + 6, e, 4 * sizeof(int32_t));
      eg_qdepthwise_i8_six3x3(scratch + (size_t)i * PLANE_WP, blk, OH, yc + i, out_col);
    }
  }
  return done;
}

/* The entries of p eg_qdepthwise_i8_rows reads (rowsParams without a tile width). */
#define PLANE_PARAMS 24

void eg_qdepthwise_i8_rows_planes(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch) {
  const int32_t N = p[0], C = p[3];
  int32_t t[PLANE_PARAMS], b, c, i, done;
  if (!plane_fits(p)) {
    eg_qdepthwise_i8_rows(x, wpk, rqc, y, p, scratch, NULL);
    return;
  }
  for (i = 0; i < PLANE_PARAMS; i++) t[i] = p[i];
  t[0] = 1; /* one image, four channels: a group the planes do not take */
  t[3] = 4;
  for (b = 0; b < N; b++)
    for (c = 0; c < C; c += done > 0 ? done : 4) {
      const int8_t *xc = x + (size_t)b * (size_t)p[22] + (size_t)c;
      int8_t *yc = y + (size_t)b * (size_t)p[23] + (size_t)c;
      done = plane_run(xc, p, wpk + 6 * (size_t)c, rqc + 4 * (size_t)c, yc, scratch, C - c);
      if (done == 0) eg_qdepthwise_i8_rows(xc, wpk + 6 * (size_t)c, rqc + 4 * (size_t)c, yc, t, scratch, NULL);
    }
}

#include "qdepthwise_i8_planes3x3.h"
#include "qdepthwise_i8_quad3x3.h"
#include "qdepthwise_i8_ring4.h"
#include "qdepthwise_i8_six3x3.h"

/*
 * int16 of a plane row of all G channels: G = 4 channels of 8 columns (rows of 6 outputs) or
 * G = 2 of 16 (rows of 12), interleaved by rows, channel i's row j at PLANE_ROW * j + WP * i: 64
 * bytes a row, the constant row offset of eg_qdepthwise_i8_six3x3.
 */
#define PLANE_ROW 32

/* Channels a group builds together (G, above). */
static int32_t plane_channels(const int32_t *p) { return p[5] == 6 ? 4 : 2; }

/* The compiler's plane geometry: 3x3 stride 1, OW 6 or 12, WP = PLANE_ROW / G, R >= G * HP, C % G == 0. */
static int32_t plane_fits(const int32_t *p) {
  const int32_t G = plane_channels(p);
  return p[6] == 3 && p[7] == 3 && p[8] == 1 && p[9] == 1 && p[10] == 1 && (p[5] == 6 || p[5] == 12) && p[4] >= 1 && p[17] * G == PLANE_ROW &&
         p[16] >= G * (p[4] + 2) && p[3] % G == 0;
}

/* The padding rows of the planes (rows outside the input) set to zp. */
static void plane_border(const int32_t *p, int16_t *scratch) {
  const int32_t H = p[1], HP = p[4] + 2, padTop = p[11];
  int32_t j;
  for (j = 0; j < HP; j++)
    if (j - padTop < 0 || j - padTop >= H) eg_qdepthwise_i8_ring_fill(scratch + (size_t)j * PLANE_ROW, PLANE_ROW, (int16_t)p[13]);
}

/* Input rows j0..j1-1 (plane row j: input row j - padTop at x) for any padding: the ring builds' rows. */
static void plane_rows(const int8_t *x, const int32_t *p, int16_t *dst, int32_t j0, int32_t j1) {
  const int32_t WP = p[17];
  int32_t j, i;
  for (j = j0; j < j1; j++) {
    const int8_t *s = x + (size_t)(j - p[11]) * (size_t)p[18];
    int16_t *d = dst + (size_t)j * PLANE_ROW;
    if (WP == 8) /* four channels: channel c + i's row `ring` = 8 int16 on */
      eg_qdepthwise_i8_ring4_build(s, p[2], p[19], p[12], WP, (int16_t)p[13], d, (size_t)WP);
    else
      for (i = 0; i < 2; i++) eg_qdepthwise_i8_ring_build(s + i, p[2], p[19], p[12], WP, (int16_t)p[13], d + (size_t)i * (size_t)WP);
  }
}

/* The word w at column d of channel i's plane row, for i = 0..3 (w0..w3) WP int16 apart. */
static inline void plane_put4(int16_t *d, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  memcpy(d, &w0, 4);
  memcpy(d + 8, &w1, 4);
  memcpy(d + 16, &w2, 4);
  memcpy(d + 24, &w3, 4);
}

/*
 * One word of each plane from the pixel words L (column j) and R (j + 1), channels c.. in their
 * bytes: PKHBT pairs the bytes of channels 0 and 1, (L.b0, L.b1, R.b0, R.b1), PKHTB those of 2
 * and 3, then SXTB16 and its ROR 8 form give each channel's (j, j + 1). Four channels: 2 + 4
 * instructions and 4 stores for 8 values; two: 1 + 2 and 2. A padding column is the word of zp
 * in every byte.
 */
static inline void plane_word4(int16_t *d, uint32_t L, uint32_t R) {
  const uint32_t t = eg_qdsp_pkhbt((int32_t)L, (int32_t)R), u = eg_qdsp_pkhtb(L, R);
  plane_put4(d, eg_qdsp_sxtb16(t), eg_qdsp_sxtb16_ror8(t), eg_qdsp_sxtb16(u), eg_qdsp_sxtb16_ror8(u));
}

static inline void plane_word2(int16_t *d, uint32_t L, uint32_t R) {
  const uint32_t t = eg_qdsp_pkhbt((int32_t)L, (int32_t)R), w0 = eg_qdsp_sxtb16(t), w1 = eg_qdsp_sxtb16_ror8(t);
  memcpy(d, &w0, 4);
  memcpy(d + 16, &w1, 4);
}

/* The two channels' bytes at p (one LDRH: a group of two may end the tensor). */
static inline uint32_t plane_read2(const int8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

/* Pixel n of the row at s (`step` bytes apart): its four channels' bytes, or two's (PX2). */
#define PX(n) eg_qdsp_read4(s + (size_t)(n) * step)
#define PX2(n) plane_read2(s + (size_t)(n) * step)

/*
 * The input rows for the usual geometries, each row straight-line: "same" padding (padLeft 1,
 * W = OW: zp, x0 .. x(OW-1), zp) and none (padLeft 0, W >= OW + 2: x0 .. x(OW+1)). Returns 0 for
 * another. Rows of 12 leave plane columns 14, 15 unwritten: no window reads them.
 */
static int32_t plane_rows_usual(const int8_t *x, const int32_t *p, int16_t *dst, int32_t j0, int32_t j1) {
  const size_t step = (size_t)p[19], in_row = (size_t)p[18];
  const uint32_t z = eg_qdsp_bytes4(p[13]);
  const int8_t *s = x + (size_t)(j0 - p[11]) * in_row;
  int16_t *d = dst + (size_t)j0 * PLANE_ROW;
  const int32_t same = p[12] == 1 && p[2] == p[5], none = p[12] == 0 && p[2] >= p[5] + 2;
  int32_t j;
  if (same && p[5] == 6)
    for (j = j0; j < j1; j++, s += in_row, d += PLANE_ROW) {
      plane_word4(d, z, PX(0));
      plane_word4(d + 2, PX(1), PX(2));
      plane_word4(d + 4, PX(3), PX(4));
      plane_word4(d + 6, PX(5), z);
    }
  else if (none && p[5] == 6)
    for (j = j0; j < j1; j++, s += in_row, d += PLANE_ROW) {
      plane_word4(d, PX(0), PX(1));
      plane_word4(d + 2, PX(2), PX(3));
      plane_word4(d + 4, PX(4), PX(5));
      plane_word4(d + 6, PX(6), PX(7));
    }
  else if (same)
    for (j = j0; j < j1; j++, s += in_row, d += PLANE_ROW) {
      plane_word2(d, z, PX2(0));
      plane_word2(d + 2, PX2(1), PX2(2));
      plane_word2(d + 4, PX2(3), PX2(4));
      plane_word2(d + 6, PX2(5), PX2(6));
      plane_word2(d + 8, PX2(7), PX2(8));
      plane_word2(d + 10, PX2(9), PX2(10));
      plane_word2(d + 12, PX2(11), z);
    }
  else if (none)
    for (j = j0; j < j1; j++, s += in_row, d += PLANE_ROW) {
      plane_word2(d, PX2(0), PX2(1));
      plane_word2(d + 2, PX2(2), PX2(3));
      plane_word2(d + 4, PX2(4), PX2(5));
      plane_word2(d + 6, PX2(6), PX2(7));
      plane_word2(d + 8, PX2(8), PX2(9));
      plane_word2(d + 10, PX2(10), PX2(11));
      plane_word2(d + 12, PX2(12), PX2(13));
    }
  return same || none;
}
#undef PX
#undef PX2

#if defined(__GNUC__)
#define PLANE_NOINLINE __attribute__((noinline))
#else
#define PLANE_NOINLINE
#endif

/*
 * All channels of one image (x, y at its channel 0), G at a time: the input rows of the group's
 * planes built together, then each channel's rows by eg_qdepthwise_i8_six3x3 (rows of 12:
 * twice, columns 0..5 and 6..11). Out of line: its frame (the block, the build's registers)
 * stays off the path to eg_qdepthwise_i8_rows.
 */
static PLANE_NOINLINE void plane_image(const int8_t *x, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *y, int16_t *scratch) {
  const int32_t G = plane_channels(p), C = p[3], OH = p[4], OW = p[5], HP = OH + 2, padTop = p[11], WP = p[17], out_col = p[21];
  const int32_t last = p[1] + padTop < HP ? p[1] + padTop : HP;
  uint32_t blk[11];
  int32_t c, i;
  blk[10] = (uint32_t)(p[20] - 4 * out_col); /* eg_qdepthwise_i8_six3x3's step to the next output row */
  for (c = 0; c < C; c += G, x += G, y += G) {
    if (!plane_rows_usual(x, p, scratch, padTop, last)) plane_rows(x, p, scratch, padTop, last);
    for (i = 0; i < G; i++, wk += 6, e += 4) {
      memcpy(blk, wk, 6 * sizeof(uint32_t));
      memcpy(blk + 6, e, 4 * sizeof(int32_t));
      eg_qdepthwise_i8_six3x3(scratch + (size_t)i * (size_t)WP, blk, OH, y + i, out_col);
      if (OW == 12) eg_qdepthwise_i8_six3x3(scratch + (size_t)i * (size_t)WP + 6, blk, OH, y + i + 6 * (size_t)out_col, out_col);
    }
  }
}

/*
 * The whole layer on planes when the geometry is the compiler's and every channel's
 * requantization is the three-instruction one (eg_qdepthwise_i8_quad3x3_ok; with the layout's
 * output zero point -128 and full range the compiler's right shifts, <= 22, always pass); else
 * all of it through eg_qdepthwise_i8_rows, whose loops read no column past the plane's WP.
 */
void eg_qdepthwise_i8_rows_planes(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch) {
  const int32_t N = p[0], C = p[3];
  int32_t b, c, ok = plane_fits(p);
  for (c = 0; ok && c < C; c++) ok = eg_qdepthwise_i8_quad3x3_ok(rqc[4 * c + 1], rqc[4 * c + 2], rqc[4 * c + 3], p[14], p[15]);
  if (!ok) {
    eg_qdepthwise_i8_rows(x, wpk, rqc, y, p, scratch, NULL);
    return;
  }
  plane_border(p, scratch);
  for (b = 0; b < N; b++) plane_image(x + (size_t)b * (size_t)p[22], p, wpk, rqc, y + (size_t)b * (size_t)p[23], scratch);
}

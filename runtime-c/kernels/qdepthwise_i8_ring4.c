#include "qdepthwise_i8_ring4.h"

/* The padding columns one by one (a few per row), the input columns by the ring-row unit's loop. */
void eg_qdepthwise_i8_ring_build(const int8_t *xrow, int32_t W, int32_t step, int32_t padLeft, int32_t WP, int16_t zp, int16_t *dst) {
  const int32_t lo = padLeft < WP ? padLeft : WP;
  const int32_t hi = padLeft + W < WP ? padLeft + W : WP;
  int32_t j;
  if (xrow == NULL) { /* a padding row */
    eg_qdepthwise_i8_ring_fill(dst, WP, zp);
    return;
  }
  for (j = 0; j < lo; j++) dst[j] = zp;
  /* lo == padLeft here whenever the body is not empty: it starts at the input's column 0. */
  if (hi > lo) eg_qdepthwise_i8_ring_body(xrow, step, dst + lo, hi - lo);
  for (j = hi > lo ? hi : lo; j < WP; j++) dst[j] = zp;
}

/* The words w0..w3 at column j (even) of the four rings. */
static void ring4_put(int16_t *dst, size_t ring, int32_t j, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  memcpy(dst + j, &w0, 4);
  memcpy(dst + ring + (size_t)j, &w1, 4);
  memcpy(dst + 2 * ring + (size_t)j, &w2, 4);
  memcpy(dst + 3 * ring + (size_t)j, &w3, 4);
}

/*
 * Columns [from, to) of the four rings set to zp, from and to even (WP and ring even: the
 * words are 4-byte aligned): one word of all four a step.
 */
static void ring4_fill(int16_t *dst, size_t ring, int32_t from, int32_t to, uint32_t zz) {
  int32_t j;
  for (j = from; j < to; j += 2) ring4_put(dst, ring, j, zz, zz, zz, zz);
}

/*
 * Every column a word of two: an odd padLeft puts the input's first column beside a zp column
 * (one word (zp, x) a ring), an odd end its last beside the next one ((x, zp)), so that padding
 * and body need no column alone. x's bytes 0..3 are channels 0..3: SXTB16 gives (c0, c2), its
 * ROR 8 form (c1, c3), and PKHBT / PKHTB pair a channel's values with zp or each other.
 */
void eg_qdepthwise_i8_ring4_build(const int8_t *xrow, int32_t W, int32_t step, int32_t padLeft, int32_t WP, int16_t zp, int16_t *dst,
                                  size_t ring) {
  const int32_t lo = xrow == NULL ? WP : padLeft < WP ? padLeft : WP;
  const int32_t hi = xrow == NULL ? WP : padLeft + W < WP ? padLeft + W : WP;
  const uint32_t zz = eg_qdsp_pack16(zp, zp);
  const int8_t *s = xrow;
  int32_t j = lo & ~1;
  ring4_fill(dst, ring, 0, j, zz);
  if (j < lo && lo < hi) { /* columns lo - 1 (zp) and lo (the input's column 0) */
    const uint32_t x = eg_qdsp_read4(s), a = eg_qdsp_sxtb16(x), b = eg_qdsp_sxtb16_ror8(x);
    ring4_put(dst, ring, j, eg_qdsp_pkhbt((int32_t)zz, (int32_t)a), eg_qdsp_pkhbt((int32_t)zz, (int32_t)b), eg_qdsp_pkhtb(zz, a),
              eg_qdsp_pkhtb(zz, b));
    j += 2;
    s += step;
  }
  for (; j + 2 <= hi; j += 2, s += 2 * (size_t)step) {
    const uint32_t x0 = eg_qdsp_read4(s), x1 = eg_qdsp_read4(s + step);
    const uint32_t a0 = eg_qdsp_sxtb16(x0), a1 = eg_qdsp_sxtb16(x1), b0 = eg_qdsp_sxtb16_ror8(x0), b1 = eg_qdsp_sxtb16_ror8(x1);
    /* Channel 0 and 1: the low halves of columns j, j+1; channels 2 and 3: the high halves. */
    ring4_put(dst, ring, j, eg_qdsp_pkhbt((int32_t)a0, (int32_t)a1), eg_qdsp_pkhbt((int32_t)b0, (int32_t)b1), eg_qdsp_pkhtb(a0, a1),
              eg_qdsp_pkhtb(b0, b1));
  }
  if (j < hi) { /* the input's last column (j even, so j + 1 < WP) and a zp column */
    const uint32_t x = eg_qdsp_read4(s), a = eg_qdsp_sxtb16(x), b = eg_qdsp_sxtb16_ror8(x);
    ring4_put(dst, ring, j, eg_qdsp_pkhbt((int32_t)a, (int32_t)zz), eg_qdsp_pkhbt((int32_t)b, (int32_t)zz), eg_qdsp_pkhtb(a, zz),
              eg_qdsp_pkhtb(b, zz));
    j += 2;
  }
  ring4_fill(dst, ring, j, WP, zz);
}

#include "qdepthwise_i8_ring4.h"

/* Two columns a word, four a step from int8 loads (PKHBT). */
void eg_qdepthwise_i8_ring_build(const int8_t *xrow, int32_t W, int32_t step, int32_t padLeft, int32_t WP, int16_t zp, int16_t *dst) {
  const int32_t lo = xrow == NULL ? WP : padLeft < WP ? padLeft : WP;
  const int32_t hi = xrow == NULL ? WP : padLeft + W < WP ? padLeft + W : WP;
  int16_t *d = dst, *const body = dst + lo, *const tail = dst + hi, *const end = dst + WP;
  if (xrow == NULL) { /* a padding row: two zp a word, four a step (WP even, rows 4-byte aligned) */
    const uint32_t zz = eg_qdsp_pack16(zp, zp);
    for (; d + 4 <= end; d += 4) {
      memcpy(d, &zz, 4);
      memcpy(d + 2, &zz, 4);
    }
    if (d < end) memcpy(d, &zz, 4);
    return;
  }
  while (d < body) *d++ = zp;
  if (d < tail) { /* lo == padLeft: the body starts at the input's column 0 */
    const int8_t *s = xrow;
    const size_t step2 = 2 * (size_t)step, step3 = step2 + (size_t)step;
    int16_t *quad_end;
    if (lo & 1) { /* to an even column: words at even columns are 4-byte aligned */
      *d++ = *s;
      s += step;
    }
    for (quad_end = d + ((tail - d) & ~3); d != quad_end; d += 4, s += 2 * step2) {
      const uint32_t w0 = eg_qdsp_pkhbt(s[0], s[step]), w1 = eg_qdsp_pkhbt(s[step2], s[step3]);
      memcpy(d, &w0, 4);
      memcpy(d + 2, &w1, 4);
    }
    for (; d < tail; d++, s += step) *d = *s;
  }
  while (d < end) *d++ = zp;
}

/* Column j of the four rings from the word x of four int8 channels (bytes 0..3 = channels 0..3). */
static void ring4_one(uint32_t x, int16_t *dst, size_t ring, int32_t j) {
  const uint32_t a = eg_qdsp_sxtb16(x), b = eg_qdsp_sxtb16_ror8(x); /* (c0, c2), (c1, c3) */
  dst[j] = (int16_t)eg_qdsp_lo16(a);
  dst[ring + (size_t)j] = (int16_t)eg_qdsp_lo16(b);
  dst[2 * ring + (size_t)j] = (int16_t)eg_qdsp_hi16(a);
  dst[3 * ring + (size_t)j] = (int16_t)eg_qdsp_hi16(b);
}

/* Columns [from, to) of the four rings set to zp: one column of all four a step (few columns). */
static void ring4_fill(int16_t *dst, size_t ring, int32_t from, int32_t to, int16_t zp) {
  int16_t *const d1 = dst + ring, *const d2 = d1 + ring, *const d3 = d2 + ring;
  int32_t j;
  for (j = from; j < to; j++) {
    dst[j] = zp;
    d1[j] = zp;
    d2[j] = zp;
    d3[j] = zp;
  }
}

void eg_qdepthwise_i8_ring4_build(const int8_t *xrow, int32_t W, int32_t step, int32_t padLeft, int32_t WP, int16_t zp, int16_t *dst,
                                  size_t ring) {
  const int32_t lo = xrow == NULL ? WP : padLeft < WP ? padLeft : WP;
  const int32_t hi = xrow == NULL ? WP : padLeft + W < WP ? padLeft + W : WP;
  int16_t *const d1 = dst + ring, *const d2 = d1 + ring, *const d3 = d2 + ring;
  const int8_t *s = xrow;
  int32_t j = lo;
  ring4_fill(dst, ring, 0, lo, zp);
  if (j < hi && (j & 1)) { /* to an even column: words at even columns are 4-byte aligned */
    ring4_one(eg_qdsp_read4(s), dst, ring, j++);
    s += step;
  }
  for (; j + 2 <= hi; j += 2, s += 2 * (size_t)step) {
    const uint32_t x0 = eg_qdsp_read4(s), x1 = eg_qdsp_read4(s + step);
    const uint32_t a0 = eg_qdsp_sxtb16(x0), a1 = eg_qdsp_sxtb16(x1), b0 = eg_qdsp_sxtb16_ror8(x0), b1 = eg_qdsp_sxtb16_ror8(x1);
    /* Channel 0 and 1: the low halves of columns j, j+1; channels 2 and 3: the high halves. */
    const uint32_t w0 = eg_qdsp_pkhbt((int32_t)a0, (int32_t)a1), w1 = eg_qdsp_pkhbt((int32_t)b0, (int32_t)b1);
    const uint32_t w2 = eg_qdsp_pkhtb(a0, a1), w3 = eg_qdsp_pkhtb(b0, b1);
    memcpy(dst + j, &w0, 4);
    memcpy(d1 + j, &w1, 4);
    memcpy(d2 + j, &w2, 4);
    memcpy(d3 + j, &w3, 4);
  }
  if (j < hi) {
    ring4_one(eg_qdsp_read4(s), dst, ring, j++);
  }
  ring4_fill(dst, ring, j, WP, zp);
}

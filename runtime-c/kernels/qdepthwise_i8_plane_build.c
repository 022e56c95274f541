#include "qdepthwise_i8_plane_build.h"
#include "qdepthwise_i8_ring_row.h"

#if defined(__GNUC__)
#define PB_INLINE __attribute__((always_inline)) inline
#else
#define PB_INLINE inline
#endif

/* A word of two int16 (lo, hi) at d (4-byte aligned). */
static void pb_put(int16_t *d, int32_t lo, int32_t hi) {
  const uint32_t w = eg_qdsp_pkhbt(lo, hi);
  memcpy(d, &w, 4);
}

/*
 * Input rows i and i + 1 (src, src + in_row) into plane rows d0 and d1 = d0 + WP from an even
 * column, n columns each. Thumb-2: eight columns of each row a step, 16 LDRSB, 4 ADD,
 * 8 PKHBT, 4 STRD, SUBS, BNE (34 instructions for 16 values), inline: no call per row pair.
 */
static PB_INLINE void pb_rows2(const int8_t *src, size_t in_row, int32_t step, int16_t *d0, int16_t *d1, int32_t n) {
  const int8_t *s = src, *t = src + in_row;
  int32_t n8 = n >> 3;
#if EG_QDSP_ASM_LOOPS
  uint32_t a, b, c, e;
  const int32_t st3 = 3 * step;
#define PB_FOUR_OUT [s] "+r"(s), [t] "+r"(t), [d0] "+r"(d0), [d1] "+r"(d1), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e)
  if (n8 > 0)
    __asm__ volatile("1:\n\t" EG_RING_FOUR_ASM(s, d0) EG_RING_FOUR_ASM(s, d0) EG_RING_FOUR_ASM(t, d1) EG_RING_FOUR_ASM(t, d1)
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : PB_FOUR_OUT, [n] "+r"(n8)
                     : [st] "r"(step), [st3] "r"(st3)
                     : "cc", "memory");
  if (n & 4) { /* four more columns of each row */
    __asm__ volatile(EG_RING_FOUR_ASM(s, d0) EG_RING_FOUR_ASM(t, d1) : PB_FOUR_OUT : [st] "r"(step), [st3] "r"(st3) : "memory");
    n -= 4;
  }
#undef PB_FOUR_OUT
#else
  const size_t s1 = (size_t)step;
  for (; n8 > 0; n8--, d0 += 8, d1 += 8, s += 8 * s1, t += 8 * s1) {
    pb_put(d0, s[0], s[s1]);
    pb_put(d0 + 2, s[2 * s1], s[3 * s1]);
    pb_put(d0 + 4, s[4 * s1], s[5 * s1]);
    pb_put(d0 + 6, s[6 * s1], s[7 * s1]);
    pb_put(d1, t[0], t[s1]);
    pb_put(d1 + 2, t[2 * s1], t[3 * s1]);
    pb_put(d1 + 4, t[4 * s1], t[5 * s1]);
    pb_put(d1 + 6, t[6 * s1], t[7 * s1]);
  }
#endif
  for (n &= 7; n >= 2; n -= 2, d0 += 2, d1 += 2, s += 2 * (size_t)step, t += 2 * (size_t)step) { /* the last n % 8 columns, a pair at a time */
    pb_put(d0, s[0], s[step]);
    pb_put(d1, t[0], t[step]);
  }
  if (n != 0) { /* an odd last column (the row not clipped at WP) */
    *d0 = *s;
    *d1 = *t;
  }
}

void eg_qdepthwise_i8_plane_build(const int8_t *xc, const int32_t *p, int16_t *plane, int32_t lo, int32_t hi) {
  const int32_t H = p[1], padTop = p[11], R = p[16], WP = p[17], in_col = p[19];
  const size_t in_row = (size_t)p[18];
  const int32_t n = H < R - padTop ? H : R - padTop;
  int16_t *d = plane + (size_t)padTop * (size_t)WP + lo;
  int32_t i = 0;
#if EG_QDSP_ASM_LOOPS
  if (n >= 2 && ((hi - lo) & 7) == 0 && hi > lo) {
    /*
     * All row pairs in one statement (rows of a multiple of 8 columns): k[0..3] = the steps a row
     * (8 columns each), the pairs, the source and destination advances from a pair's end to the
     * next one's start; per pair the steps' 34 instructions each and 11 around them.
     */
    const int8_t *s = xc, *t = xc + in_row;
    int16_t *d0 = d, *d1 = d + WP;
    const int32_t st3 = 3 * in_col, steps = (hi - lo) >> 3;
    int32_t k[4], m;
    uint32_t a, b, c, e;
    k[0] = steps;
    k[1] = n >> 1;
    k[2] = (int32_t)(2 * in_row) - 8 * steps * in_col;
    k[3] = 4 * WP - 16 * steps;
    __asm__ volatile("1:\n\t"
                     "ldr %[m], [%[k]]\n\t"
                     "2:\n\t" EG_RING_FOUR_ASM(s, d0) EG_RING_FOUR_ASM(s, d0) EG_RING_FOUR_ASM(t, d1) EG_RING_FOUR_ASM(t, d1)
                     "subs %[m], %[m], #1\n\t"
                     "bne 2b\n\t"
                     "ldrd %[a], %[b], [%[k], #8]\n\t"
                     "add %[s], %[s], %[a]\n\tadd %[t], %[t], %[a]\n\tadd %[d0], %[d0], %[b]\n\tadd %[d1], %[d1], %[b]\n\t"
                     "ldr %[a], [%[k], #4]\n\t"
                     "subs %[a], %[a], #1\n\t"
                     "str %[a], [%[k], #4]\n\t"
                     "bne 1b\n\t"
                     : [s] "+r"(s), [t] "+r"(t), [d0] "+r"(d0), [d1] "+r"(d1), [m] "=&r"(m), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e)
                     : [k] "r"(k), [st] "r"(in_col), [st3] "r"(st3)
                     : "cc", "memory");
    i = n & ~1;
    d += (size_t)i * (size_t)WP;
  }
#endif
  for (; i + 1 < n; i += 2, d += 2 * (size_t)WP) pb_rows2(xc + (size_t)i * in_row, in_row, in_col, d, d + WP, hi - lo);
  if (i < n) pb_rows2(xc + (size_t)i * in_row, 0, in_col, d, d, hi - lo); /* the last row twice into the same plane row */
}


#include "qdepthwise_i8_ring_row.h"

/* The word (lo, hi) of two int16 columns stored at d (4-byte aligned). */
static void ring_put(int16_t *d, int32_t lo, int32_t hi) {
  const uint32_t w = eg_qdsp_pkhbt(lo, hi);
  memcpy(d, &w, 4);
}

void eg_qdepthwise_i8_ring_body(const int8_t *src, int32_t step, int16_t *d, int32_t n) {
  const size_t s1 = (size_t)step, s2 = 2 * s1;
  const int8_t *s = src;
  int16_t *end = d + n;
  int32_t n8;
  if (((uintptr_t)d & 2u) != 0) { /* an odd column: words at even columns are 4-byte aligned */
    *d++ = *s;
    s += s1;
  }
  n8 = (int32_t)((end - d) >> 3);
#if EG_QDSP_ASM_LOOPS
/* Four columns: s[0], s[st], s[2 st], s[3 st] as two words at d; s += 4 st, d += 4. */
#define RB_FOUR \
  "ldrsb %[a], [%[s]]\n\tldrsb %[b], [%[s], %[st]]\n\tldrsb %[c], [%[s], %[st], lsl #1]\n\tldrsb %[e], [%[s], %[st3]]\n\t" \
  "add %[s], %[s], %[st], lsl #2\n\tpkhbt %[a], %[a], %[b], lsl #16\n\tpkhbt %[c], %[c], %[e], lsl #16\n\tstrd %[a], %[c], [%[d]], #8\n\t"
  if (n8 > 0) { /* 18 instructions a step: 8 LDRSB, 2 ADD, 4 PKHBT, 2 STRD, SUBS, BNE */
    uint32_t a, b, c, e;
    const int32_t st3 = 3 * step;
    __asm__ volatile("1:\n\t" RB_FOUR RB_FOUR
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [s] "+r"(s), [d] "+r"(d), [n] "+r"(n8), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e)
                     : [st] "r"(step), [st3] "r"(st3)
                     : "cc", "memory");
#undef RB_FOUR
  }
#else
  for (; n8 > 0; n8--, d += 8) {
    const size_t s3 = s2 + s1, s4 = 2 * s2;
    ring_put(d, s[0], s[s1]);
    ring_put(d + 2, s[s2], s[s3]);
    s += s4;
    ring_put(d + 4, s[0], s[s1]);
    ring_put(d + 6, s[s2], s[s3]);
    s += s4;
  }
#endif
  if (d != end) { /* fewer than 8 columns left: pairs, then an odd last one */
    for (; end - d >= 2; d += 2, s += s2) ring_put(d, s[0], s[s1]);
    if (d != end) *d = *s;
  }
}

void eg_qdepthwise_i8_ring_body2(const int8_t *src, size_t in_row, int32_t step, int16_t *d0, int16_t *d1, int32_t n) {
  const size_t s1 = (size_t)step, s2 = 2 * s1;
  const int8_t *s = src, *t = src + in_row;
  int16_t *const end = d0 + n;
  int32_t n4;
  if (((uintptr_t)d0 & 2u) != 0) { /* an odd column (d1 too: both rows at the same column) */
    *d0++ = *s;
    *d1++ = *t;
    s += s1;
    t += s1;
  }
  n4 = (int32_t)((end - d0) >> 2);
#if EG_QDSP_ASM_LOOPS
  if (n4 > 0) { /* 18 instructions a step of four columns of each row: 8 LDRSB, 2 ADD, 4 PKHBT, 2 STRD, SUBS, BNE */
    uint32_t a, b, c, e;
    const int32_t st3 = 3 * step;
    __asm__ volatile("1:\n\t" EG_RING_FOUR_ASM(s, d0) EG_RING_FOUR_ASM(t, d1)
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [s] "+r"(s), [t] "+r"(t), [d0] "+r"(d0), [d1] "+r"(d1), [n] "+r"(n4), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e)
                     : [st] "r"(step), [st3] "r"(st3)
                     : "cc", "memory");
  }
#else
  for (; n4 > 0; n4--, d0 += 4, d1 += 4, s += 2 * s2, t += 2 * s2) {
    ring_put(d0, s[0], s[s1]);
    ring_put(d0 + 2, s[s2], s[s2 + s1]);
    ring_put(d1, t[0], t[s1]);
    ring_put(d1 + 2, t[s2], t[s2 + s1]);
  }
#endif
  for (; end - d0 >= 2; d0 += 2, d1 += 2, s += s2, t += s2) { /* fewer than 4 columns left: pairs, then an odd last one */
    ring_put(d0, s[0], s[s1]);
    ring_put(d1, t[0], t[s1]);
  }
  if (d0 != end) {
    *d0 = *s;
    *d1 = *t;
  }
}

void eg_qdepthwise_i8_ring_fill(int16_t *d, int32_t n, int16_t zp) {
  const uint32_t zz = eg_qdsp_pack16(zp, zp);
  int32_t k = n >> 3;
#if EG_QDSP_ASM_LOOPS
  if (k > 0) { /* four words a step: two STRD (d is 4-byte aligned), SUBS, BNE */
    __asm__ volatile("1:\n\t"
                     "strd %[z], %[z], [%[d]], #8\n\t"
                     "strd %[z], %[z], [%[d]], #8\n\t"
                     "subs %[k], %[k], #1\n\t"
                     "bne 1b\n\t"
                     : [d] "+r"(d), [k] "+r"(k)
                     : [z] "r"(zz)
                     : "cc", "memory");
  }
#else
  for (; k > 0; k--, d += 8) {
    memcpy(d, &zz, 4);
    memcpy(d + 2, &zz, 4);
    memcpy(d + 4, &zz, 4);
    memcpy(d + 6, &zz, 4);
  }
#endif
  for (k = (n & 7) >> 1; k > 0; k--, d += 2) memcpy(d, &zz, 4);
}

#include "qdepthwise_i8_six3x3.h"

#if EG_QDSP_ASM_LOOPS
/*
 * One kernel row's share of the six sums: weights E = (w0, w1), O = (w1, w2) from blk + woff,
 * words W0 = (x0, x1) .. W3 = (x6, x7) at the plane row p + base. Sum j gets
 * w0 x_j + w1 x_j+1 + w2 x_j+2: an even j SMLAD(W_j/2, E) + SMLABT(W_j/2+1, O), an odd j
 * SMLATB(W_(j-1)/2, E) + SMLAD(W_(j+1)/2, O). Every word is loaded once.
 */
#define SIX_ROW(base0, base1, base2, base3, woff)      \
  "ldrd %[we], %[wo], [%[b], #" woff "]\n\t"           \
  "ldr %[v], [%[p], #" base1 "]\n\t"                   \
  "smlabt %[a0], %[v], %[wo], %[a0]\n\t"               \
  "smlad %[a1], %[v], %[wo], %[a1]\n\t"                \
  "smlad %[a2], %[v], %[we], %[a2]\n\t"                \
  "smlatb %[a3], %[v], %[we], %[a3]\n\t"               \
  "ldr %[v], [%[p], #" base2 "]\n\t"                   \
  "smlabt %[a2], %[v], %[wo], %[a2]\n\t"               \
  "smlad %[a3], %[v], %[wo], %[a3]\n\t"                \
  "smlad %[a4], %[v], %[we], %[a4]\n\t"                \
  "smlatb %[a5], %[v], %[we], %[a5]\n\t"               \
  "ldr %[v], [%[p], #" base3 "]\n\t"                   \
  "smlabt %[a4], %[v], %[wo], %[a4]\n\t"               \
  "smlad %[a5], %[v], %[wo], %[a5]\n\t"                \
  "ldr %[v], [%[p]" base0 "\n\t"                       \
  "smlad %[a0], %[v], %[we], %[a0]\n\t"                \
  "smlatb %[a1], %[v], %[we], %[a1]\n\t"

/* Sum a requantized (m in we, K in wo, r in v) and stored at dst. */
#define SIX_OUT(a, dst)                                 \
  "smmlar %[" a "], %[" a "], %[we], %[wo]\n\t"         \
  "asr %[" a "], %[" a "], %[v]\n\t"                    \
  "ssat %[" a "], #8, %[" a "]\n\t"                     \
  "strb %[" a "], " dst "\n\t"

void eg_qdepthwise_i8_six3x3(const int16_t *plane, const uint32_t *blk, int32_t rows, int8_t *y, int32_t y_step) {
  int32_t a0, a1, a2, a3, a4, a5;
  uint32_t v, we, wo;
  /*
   * 14 registers: the plane pointer, y, the counter, six sums, the loaded word, the two weight
   * words (reused for m and K; the word for r and the row step), blk and y_step. Kernel row 1 goes first and starts every sum
   * from the bias (a0 holds it until its own last use); kernel row 0 goes last, its word W0
   * loaded with the post-increment that moves the plane pointer one row (64 bytes) on.
   */
  __asm__ volatile(
      "1:\n\t"
      "ldr %[a0], [%[b], #24]\n\t"
      "ldrd %[we], %[wo], [%[b], #8]\n\t"
      "ldr %[v], [%[p], #72]\n\t"
      "smlad %[a4], %[v], %[we], %[a0]\n\t"
      "smlatb %[a5], %[v], %[we], %[a0]\n\t"
      "smlad %[a3], %[v], %[wo], %[a0]\n\t"
      "smlabt %[a2], %[v], %[wo], %[a0]\n\t"
      "ldr %[v], [%[p], #68]\n\t"
      "smlad %[a2], %[v], %[we], %[a2]\n\t"
      "smlatb %[a3], %[v], %[we], %[a3]\n\t"
      "smlad %[a1], %[v], %[wo], %[a0]\n\t"
      "smlabt %[a0], %[v], %[wo], %[a0]\n\t"
      "ldr %[v], [%[p], #64]\n\t"
      "smlad %[a0], %[v], %[we], %[a0]\n\t"
      "smlatb %[a1], %[v], %[we], %[a1]\n\t"
      "ldr %[v], [%[p], #76]\n\t"
      "smlabt %[a4], %[v], %[wo], %[a4]\n\t"
      "smlad %[a5], %[v], %[wo], %[a5]\n\t"
      SIX_ROW(", #128]", "132", "136", "140", "16")
      SIX_ROW("], #64", "4", "8", "12", "0")
      "ldrd %[we], %[wo], [%[b], #28]\n\t"
      "ldr %[v], [%[b], #36]\n\t"
      SIX_OUT("a0", "[%[y]]")
      SIX_OUT("a1", "[%[y], %[ys]]")
      "add %[y], %[y], %[ys], lsl #1\n\t"
      SIX_OUT("a2", "[%[y]]")
      SIX_OUT("a3", "[%[y], %[ys]]")
      "add %[y], %[y], %[ys], lsl #1\n\t"
      SIX_OUT("a4", "[%[y]]")
      SIX_OUT("a5", "[%[y], %[ys]]")
      "ldr %[v], [%[b], #40]\n\t"
      "add %[y], %[y], %[v]\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b"
      : [p] "+r"(plane), [y] "+r"(y), [n] "+r"(rows), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [a4] "=&r"(a4),
        [a5] "=&r"(a5), [v] "=&r"(v), [we] "=&r"(we), [wo] "=&r"(wo)
      : [b] "r"(blk), [ys] "r"(y_step)
      : "cc", "memory");
}
#else
/* The same sums and the same three-instruction requantization, through the portable wrappers. */
void eg_qdepthwise_i8_six3x3(const int16_t *plane, const uint32_t *blk, int32_t rows, int8_t *y, int32_t y_step) {
  int32_t j, k;
  for (; rows > 0; rows--, plane += 32, y += (int32_t)blk[10] - 2 * y_step) {
    for (j = 0; j < 6; j += 2, y += 2 * y_step) {
      int32_t a0 = (int32_t)blk[6], a1 = a0;
      for (k = 0; k < 3; k++) {
        const int16_t *x = plane + 32 * k + j;
        const uint32_t we = blk[2 * k], wo = blk[2 * k + 1], lo = eg_qdsp_read4(x), hi = eg_qdsp_read4(x + 2);
        a0 = eg_qdsp_smlabt(hi, wo, eg_qdsp_smlad(lo, we, a0));
        a1 = eg_qdsp_smlad(hi, wo, eg_qdsp_smlatb(lo, we, a1));
      }
      y[0] = (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a0, (int32_t)blk[7], (int32_t)blk[8]) >> (int32_t)blk[9]);
      y[y_step] = (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a1, (int32_t)blk[7], (int32_t)blk[8]) >> (int32_t)blk[9]);
    }
  }
}
#endif

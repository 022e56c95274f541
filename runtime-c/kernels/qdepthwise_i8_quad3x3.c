#include "qdepthwise_i8_quad3x3.h"

#if EG_QDSP_ASM_LOOPS
/*
 * One kernel row's share of the four sums: words A = (x0, x1), B = (x2, x3), C = (x4, x5) at p,
 * weights E = (w0, w1), O = (w1, w2) loaded from blk + off. Sum j gets w0 x_j + w1 x_j+1 +
 * w2 x_j+2: a0 += SMLABT(B, O) + SMLAD(A, E); a1 += SMLAD(B, O) + SMLATB(A, E);
 * a2 += SMLAD(B, E) + SMLABT(C, O); a3 += SMLATB(B, E) + SMLAD(C, O). A is loaded last, with
 * the post-increment that moves p to the next four columns.
 */
#define QUAD_ROW(p, off)                                \
  "ldrd %[we], %[wo], [%[b], #" off "]\n\t"             \
  "ldr %[v], [%[" p "], #4]\n\t"                        \
  "smlad %[a2], %[v], %[we], %[a2]\n\t"                 \
  "smlatb %[a3], %[v], %[we], %[a3]\n\t"                \
  "smlad %[a1], %[v], %[wo], %[a1]\n\t"                 \
  "smlabt %[a0], %[v], %[wo], %[a0]\n\t"                \
  "ldr %[v], [%[" p "], #8]\n\t"                        \
  "smlabt %[a2], %[v], %[wo], %[a2]\n\t"                \
  "smlad %[a3], %[v], %[wo], %[a3]\n\t"                 \
  "ldr %[v], [%[" p "]], #8\n\t"                        \
  "smlad %[a0], %[v], %[we], %[a0]\n\t"                 \
  "smlatb %[a1], %[v], %[we], %[a1]\n\t"

/*
 * Two outputs' share of kernel row p: words A = (x0, x1), B = (x2, x3); a0 += SMLAD(A, E) +
 * SMLABT(B, O), a1 += SMLATB(A, E) + SMLAD(B, O); A's load moves p two columns on.
 */
#define QUAD_PAIR(p, off)                               \
  "ldrd %[we], %[wo], [%[b], #" off "]\n\t"             \
  "ldr %[v], [%[" p "]], #4\n\t"                       \
  "smlad %[a0], %[v], %[we], %[a0]\n\t"                 \
  "smlatb %[a1], %[v], %[we], %[a1]\n\t"                \
  "ldr %[v], [%[" p "]]\n\t"                           \
  "smlabt %[a0], %[v], %[wo], %[a0]\n\t"                \
  "smlad %[a1], %[v], %[wo], %[a1]\n\t"

/*
 * One output's share of kernel row p: a0 += SMLAD((x0, x1), E) + SMLABT((x2, x3), O), the first
 * word loaded with the post-increment that moves p one column on (to the next output; the
 * second word is then 2 bytes past p, and may be unaligned: Armv7-M LDR allows it).
 */
#define QUAD_ONE(p, off)                                \
  "ldrd %[we], %[wo], [%[b], #" off "]\n\t"             \
  "ldr %[v], [%[" p "]], #2\n\t"                       \
  "smlad %[a0], %[v], %[we], %[a0]\n\t"                 \
  "ldr %[v], [%[" p "], #2]\n\t"                       \
  "smlabt %[a0], %[v], %[wo], %[a0]\n\t"

/* Sum a requantized (m in we, K in wo, r in v) and stored at [y] or [y, y_step]. */
#define QUAD_OUT(a, dst)                                \
  "smmlar %[" a "], %[" a "], %[we], %[wo]\n\t"         \
  "asr %[" a "], %[" a "], %[v]\n\t"                    \
  "ssat %[" a "], #8, %[" a "]\n\t"                     \
  "strb %[" a "], " dst "\n\t"

void eg_qdepthwise_i8_quad3x3(const int16_t *r0, const int16_t *r1, const int16_t *r2, const uint32_t *blk, int32_t quads, int8_t *y,
                              int32_t y_step) {
  int32_t a0, a1, a2, a3;
  uint32_t v, we, wo;
  /*
   * 14 registers: the three row pointers, y, the counter, four sums, the loaded word and the
   * two weight words (reused for m and K), blk and y_step. The first row starts the sums from
   * the bias (a0 holds it until its own last use): no copies.
   */
  __asm__ volatile(
      "1:\n\t"
      "ldr %[a0], [%[b], #32]\n\t"
      "ldrd %[we], %[wo], [%[b]]\n\t"
      "ldr %[v], [%[p0], #4]\n\t"
      "smlad %[a2], %[v], %[we], %[a0]\n\t"
      "smlatb %[a3], %[v], %[we], %[a0]\n\t"
      "smlad %[a1], %[v], %[wo], %[a0]\n\t"
      "smlabt %[a0], %[v], %[wo], %[a0]\n\t"
      "ldr %[v], [%[p0], #8]\n\t"
      "smlabt %[a2], %[v], %[wo], %[a2]\n\t"
      "smlad %[a3], %[v], %[wo], %[a3]\n\t"
      "ldr %[v], [%[p0]], #8\n\t"
      "smlad %[a0], %[v], %[we], %[a0]\n\t"
      "smlatb %[a1], %[v], %[we], %[a1]\n\t"
      QUAD_ROW("p1", "8")
      QUAD_ROW("p2", "16")
      "ldrd %[we], %[wo], [%[b], #24]\n\t"
      "ldr %[v], [%[b], #36]\n\t"
      QUAD_OUT("a0", "[%[y]]")
      QUAD_OUT("a1", "[%[y], %[ys]]")
      "add %[y], %[y], %[ys], lsl #1\n\t"
      QUAD_OUT("a2", "[%[y]]")
      QUAD_OUT("a3", "[%[y], %[ys]]")
      "add %[y], %[y], %[ys], lsl #1\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      /* The row's last t = OW % 4 outputs (blk[10] = t << 30): LSLS puts t's bit 1 in C (a pair,
         QUAD_PAIR) and bit 0 in N (one more, QUAD_ONE); nothing between sets the flags. */
      "ldr %[n], [%[b], #40]\n\t"
      "lsls %[n], %[n], #1\n\t"
      "bcc 2f\n\t"
      "ldr %[a0], [%[b], #32]\n\t"
      "ldrd %[we], %[wo], [%[b]]\n\t"
      "ldr %[v], [%[p0]], #4\n\t"
      "smlatb %[a1], %[v], %[we], %[a0]\n\t"
      "smlad %[a0], %[v], %[we], %[a0]\n\t"
      "ldr %[v], [%[p0]]\n\t"
      "smlabt %[a0], %[v], %[wo], %[a0]\n\t"
      "smlad %[a1], %[v], %[wo], %[a1]\n\t"
      QUAD_PAIR("p1", "8")
      QUAD_PAIR("p2", "16")
      "ldrd %[we], %[wo], [%[b], #24]\n\t"
      "ldr %[v], [%[b], #36]\n\t"
      QUAD_OUT("a0", "[%[y]]")
      QUAD_OUT("a1", "[%[y], %[ys]]")
      "add %[y], %[y], %[ys], lsl #1\n"
      "2:\n\t"
      "bpl 3f\n\t"
      "ldr %[a0], [%[b], #32]\n\t"
      QUAD_ONE("p0", "0")
      QUAD_ONE("p1", "8")
      QUAD_ONE("p2", "16")
      "ldrd %[we], %[wo], [%[b], #24]\n\t"
      "ldr %[v], [%[b], #36]\n\t"
      QUAD_OUT("a0", "[%[y]]")
      "3:"
      : [p0] "+r"(r0), [p1] "+r"(r1), [p2] "+r"(r2), [y] "+r"(y), [n] "+r"(quads), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2),
        [a3] "=&r"(a3), [v] "=&r"(v), [we] "=&r"(we), [wo] "=&r"(wo)
      : [b] "r"(blk), [ys] "r"(y_step)
      : "cc", "memory");
}
#else
/* The same sums and the same three-instruction requantization, through the portable wrappers. */
static int8_t quad_out(int32_t a, const uint32_t *blk) {
  return (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a, (int32_t)blk[6], (int32_t)blk[7]) >> (int32_t)blk[9]);
}

void eg_qdepthwise_i8_quad3x3(const int16_t *r0, const int16_t *r1, const int16_t *r2, const uint32_t *blk, int32_t quads, int8_t *y,
                              int32_t y_step) {
  const int16_t *rows[3];
  int32_t tail;
  rows[0] = r0;
  rows[1] = r1;
  rows[2] = r2;
  for (; quads > 0; quads--) {
    int32_t a0 = (int32_t)blk[8], a1 = a0, a2 = a0, a3 = a0, k;
    for (k = 0; k < 3; k++) {
      const uint32_t we = blk[2 * k], wo = blk[2 * k + 1];
      const uint32_t wa = eg_qdsp_read4(rows[k]), wb = eg_qdsp_read4(rows[k] + 2), wc = eg_qdsp_read4(rows[k] + 4);
      a0 = eg_qdsp_smlad(wa, we, eg_qdsp_smlabt(wb, wo, a0));
      a1 = eg_qdsp_smlatb(wa, we, eg_qdsp_smlad(wb, wo, a1));
      a2 = eg_qdsp_smlabt(wc, wo, eg_qdsp_smlad(wb, we, a2));
      a3 = eg_qdsp_smlad(wc, wo, eg_qdsp_smlatb(wb, we, a3));
      rows[k] += 4;
    }
    y[0] = quad_out(a0, blk);
    y[y_step] = quad_out(a1, blk);
    y[2 * y_step] = quad_out(a2, blk);
    y[3 * y_step] = quad_out(a3, blk);
    y += 4 * y_step;
  }
  for (tail = (int32_t)(blk[10] >> 30); tail > 0; tail--, y += y_step) {
    int32_t a = (int32_t)blk[8], k;
    for (k = 0; k < 3; k++) {
      a = eg_qdsp_smlabt(eg_qdsp_read4(rows[k] + 2), blk[2 * k + 1], eg_qdsp_smlad(eg_qdsp_read4(rows[k]), blk[2 * k], a));
      rows[k]++;
    }
    y[0] = quad_out(a, blk);
  }
}
#endif

#include "qdepthwise_i8_rows_plane.h"
#include "qdepthwise_i8_rows.h"
#include "qdepthwise_i8_ring_row.h"
#include "qdepthwise_i8_plane_build.h"

/*
 * Four outputs x0..x0+3 of one output row a group (stride 2: word j of a plane row from column
 * 2 x0 is columns 2 x0 + 2j, 2 x0 + 2j + 1, so output x0 + i takes the even weight pair E[j] on
 * word i + j): per kernel row NE + 3 ring words, NE weight words, 4 NE SMLADs, as
 * qdepthwise_i8_rows_k.c's stride-2 groups (the same int32 sums). The weights of kernel row ky
 * are words ky * WS .. ky * WS + NE - 1 of the channel's (WS = NE + NO, the odd pairs unread).
 * Requantization: SSAT(SMMLAR(a, m, K) >> r, 8), exact under rows_k's checks (its header).
 */

#if defined(__GNUC__)
#define PL_INLINE __attribute__((always_inline)) inline
#define PL_ALIGNED(p) ((const int16_t *)__builtin_assume_aligned((p), 4))
#else
#define PL_INLINE inline
#define PL_ALIGNED(p) (p)
#endif

/* The channel's requantization words. */
typedef struct {
  int32_t bias2, m, k, r;
} pl_rq;

static inline int8_t pl_q(int32_t a, const pl_rq *q) { return (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a, q->m, q->k) >> q->r); }

#if EG_QDSP_ASM_LOOPS
/*
 * All kernel rows of a group in one statement: r at the group's first column of its first plane
 * row, stepped by rb bytes (one plane row) between kernel rows; the weights at immediate offsets
 * from e. 5x5: words v0..v5 by three LDRD, E0 E1 E2 by LDRD + LDR: 18 instructions a kernel row
 * with the step (89 a group). 7x7: v0..v6 by three LDRD and an LDR, E0..E3 by two LDRD: 23 a
 * kernel row (160 a group). 13 registers: -O2/-O3 only (EG_QDSP_ASM_LOOPS).
 */
#define PL_SMLAD(acc, v, w) "smlad %[" #acc "], %[" #v "], %[" #w "], %[" #acc "]\n\t"
#define PL_STEP "add %[r], %[r], %[rb]\n\t"
/* A kernel row's weights at byte offset o: E0 E1 E2 (5 wide), E0..E3 (7 wide). */
#define PL_W5(o) "ldrd %[p], %[q], [%[e], #" #o "]\n\tldr %[s], [%[e], #(" #o " + 8)]\n\t"
#define PL_W7(o) "ldrd %[p], %[q], [%[e], #" #o "]\n\tldrd %[s], %[t], [%[e], #(" #o " + 8)]\n\t"
/* Words v0, v1 (x0, x1), then v2, v3 in their place, with the SMLADs every row and width starts with. */
#define PL_HEAD                                                                                               \
  "ldrd %[x0], %[x1], [%[r]]\n\t" PL_SMLAD(a0, x0, p) PL_SMLAD(a0, x1, q) PL_SMLAD(a1, x1, p)                \
  "ldrd %[x0], %[x1], [%[r], #8]\n\t" PL_SMLAD(a0, x0, s) PL_SMLAD(a1, x0, q)
/* Four outputs (output i takes E_j on word i + j). */
#define PL_ROW5(o)                                                                                            \
  PL_W5(o) PL_HEAD PL_SMLAD(a2, x0, p) PL_SMLAD(a1, x1, s) PL_SMLAD(a2, x1, q) PL_SMLAD(a3, x1, p)            \
  "ldrd %[x0], %[x1], [%[r], #16]\n\t" PL_SMLAD(a2, x0, s) PL_SMLAD(a3, x0, q) PL_SMLAD(a3, x1, s)
#define PL_ROW7(o)                                                                                            \
  PL_W7(o) PL_HEAD PL_SMLAD(a2, x0, p) PL_SMLAD(a0, x1, t) PL_SMLAD(a1, x1, s) PL_SMLAD(a2, x1, q)            \
  PL_SMLAD(a3, x1, p) "ldrd %[x0], %[x1], [%[r], #16]\n\t" PL_SMLAD(a1, x0, t) PL_SMLAD(a2, x0, s)           \
  PL_SMLAD(a3, x0, q) PL_SMLAD(a2, x1, t) PL_SMLAD(a3, x1, s) "ldr %[x0], [%[r], #24]\n\t" PL_SMLAD(a3, x0, t)
/* PL_ROW5's first kernel row with each sum's first SMLAD adding to the bias (register b) in place of the sum. */
#define PL_SMLADB(acc, v, w) "smlad %[" #acc "], %[" #v "], %[" #w "], %[b]\n\t"
#define PL_ROW5_FIRST                                                                                         \
  PL_W5(0) "ldrd %[x0], %[x1], [%[r]]\n\t" PL_SMLADB(a0, x0, p) PL_SMLAD(a0, x1, q) PL_SMLADB(a1, x1, p)    \
  "ldrd %[x0], %[x1], [%[r], #8]\n\t" PL_SMLAD(a0, x0, s) PL_SMLAD(a1, x0, q) PL_SMLADB(a2, x0, p)           \
  PL_SMLAD(a1, x1, s) PL_SMLAD(a2, x1, q) PL_SMLADB(a3, x1, p)                                                \
  "ldrd %[x0], %[x1], [%[r], #16]\n\t" PL_SMLAD(a2, x0, s) PL_SMLAD(a3, x0, q) PL_SMLAD(a3, x1, s)
/* Two outputs (a0, a1): words v0..vNE. 5x5: 10 instructions a kernel row, 7x7: 13. */
#define PL_PAIR5(o) PL_W5(o) PL_HEAD PL_SMLAD(a1, x1, s)
#define PL_PAIR7(o) PL_W7(o) PL_HEAD PL_SMLAD(a0, x1, t) PL_SMLAD(a1, x1, s) "ldr %[x0], [%[r], #16]\n\t" PL_SMLAD(a1, x0, t)
#define PL_OUT2 [a0] "+r"(a0), [a1] "+r"(a1), [r] "+r"(r), [x0] "=&r"(x0), [x1] "=&r"(x1), [p] "=&r"(p), [q] "=&r"(qq), [s] "=&r"(s)
#define PL_OUT [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [r] "+r"(r), [x0] "=&r"(x0), [x1] "=&r"(x1), [p] "=&r"(p), [q] "=&r"(qq), [s] "=&r"(s)
#endif

#if EG_QDSP_ASM_LOOPS
/* All kh (5 or 7) kernel rows of a group's sums: R5 / R7 the rows' macros, OUT their operands. */
#define PL_KERNEL(R5, R7, OUT)                                                                                            \
  if (kh == 5) {                                                                                                          \
    __asm__(R5(0) PL_STEP R5(24) PL_STEP R5(48) PL_STEP R5(72) PL_STEP R5(96) : OUT : [e] "r"(e), [rb] "r"(rb) : "memory"); \
    (void)t;                                                                                                              \
  } else {                                                                                                                \
    __asm__(R7(0) PL_STEP R7(32) PL_STEP R7(64) PL_STEP R7(96) PL_STEP R7(128) PL_STEP R7(160) PL_STEP R7(192)            \
            : OUT, [t] "=&r"(t) : [e] "r"(e), [rb] "r"(rb) : "memory");                                                  \
  }
#endif

/*
 * The n (4 or 2) sums of outputs x0.. from plane words at rw (kh rows, rb bytes apart), started
 * from the bias: output i takes E_j on word i + j of each kernel row.
 */
static PL_INLINE void pl_sums(int32_t kh, int32_t n, const int16_t *rw, int32_t rb, const uint32_t *e, int32_t bias, int32_t a[4]) {
#if EG_QDSP_ASM_LOOPS
  const int16_t *r = rw;
  int32_t a0 = bias, a1 = bias, a2 = bias, a3 = bias;
  uint32_t x0, x1, p, qq, s, t;
  if (n == 4) {
    PL_KERNEL(PL_ROW5, PL_ROW7, PL_OUT)
  } else {
    PL_KERNEL(PL_PAIR5, PL_PAIR7, PL_OUT2)
  }
  a[0] = a0;
  a[1] = a1;
  a[2] = a2;
  a[3] = a3;
#else
  const int32_t ne = (kh + 1) / 2, ws = kh + 1; /* NE + NO words a kernel row */
  int32_t ky, j, i;
  for (i = 0; i < 4; i++) a[i] = bias;
  for (ky = 0; ky < kh; ky++, e += ws) {
    const int16_t *const r = PL_ALIGNED((const int16_t *)((const uint8_t *)rw + (size_t)ky * (size_t)rb));
    for (j = 0; j < ne + n - 1; j++) {
      const uint32_t v = eg_qdsp_read4(r + 2 * j);
      for (i = 0; i < n; i++)
        if (j >= i && j - i < ne) a[i] = eg_qdsp_smlad(v, e[j - i], a[i]);
    }
  }
#endif
}

/* Four outputs from plane words at rw into y[0], y[ys], y[2 ys], y[3 ys]. */
static PL_INLINE void pl_group(int32_t kh, const int16_t *rw, int32_t rb, const uint32_t *e, const pl_rq *q, int8_t *y, size_t ys) {
  int32_t a[4];
  pl_sums(kh, 4, rw, rb, e, q->bias2, a);
  y[0] = pl_q(a[0], q);
  y[ys] = pl_q(a[1], q);
  y[2 * ys] = pl_q(a[2], q);
  y[3 * ys] = pl_q(a[3], q);
}

/* Two outputs from plane words at rw into y[0], y[ys] (a row's OW % 4 = 2 last ones). */
static PL_INLINE void pl_pair(int32_t kh, const int16_t *rw, int32_t rb, const uint32_t *e, const pl_rq *q, int8_t *y, size_t ys) {
  int32_t a[4];
  pl_sums(kh, 2, rw, rb, e, q->bias2, a);
  y[0] = pl_q(a[0], q);
  y[ys] = pl_q(a[1], q);
}

#if EG_QDSP_ASM_LOOPS
/*
 * All rows of four-output groups of a 5x5 channel whose rows have no tail (OW % 4 = 0) in one asm
 * statement (14 registers): what the groups share lives in c[0..11] = m, K, r (the shift), ys, y,
 * (unused), rb, 2 * bias, the plane pointer past the row's last group, the plane pointer's and
 * y's steps from a row's end to the next row's start, the rows left; y advances in c[4], rb and
 * the bias stay in registers. Per group: the kernel rows (89, each sum's first SMLAD adding to the
 * bias), the next group's plane pointer (2), SMMLAR/ASR/SSAT each (3 loads, 12), four STRB with
 * y's step (7), the loop (3): 116 instructions for 100 MACs; per row 11 more.
 */
static PL_INLINE void pl_chan5(int32_t *c, const uint32_t *e, const int16_t *rw) {
  const int16_t *r = rw;
  int32_t a0, a1, a2, a3, rb, b;
  uint32_t x0, x1, p, qq, s;
  __asm__ volatile("ldr %[rb], [%[c], #24]\n\t"
                   "ldr %[b], [%[c], #28]\n\t"
                   "1:\n\t"
                   PL_ROW5_FIRST PL_STEP PL_ROW5(24) PL_STEP PL_ROW5(48) PL_STEP PL_ROW5(72) PL_STEP PL_ROW5(96)
                   "sub %[r], %[r], %[rb], lsl #2\n\t"
                   "add %[r], %[r], #16\n\t"
                   "ldrd %[p], %[q], [%[c]]\n\t"
                   "ldr %[s], [%[c], #8]\n\t"
                   "smmlar %[a0], %[a0], %[p], %[q]\n\tsmmlar %[a1], %[a1], %[p], %[q]\n\t"
                   "smmlar %[a2], %[a2], %[p], %[q]\n\tsmmlar %[a3], %[a3], %[p], %[q]\n\t"
                   "asr %[a0], %[a0], %[s]\n\tasr %[a1], %[a1], %[s]\n\tasr %[a2], %[a2], %[s]\n\tasr %[a3], %[a3], %[s]\n\t"
                   "ssat %[a0], #8, %[a0]\n\tssat %[a1], #8, %[a1]\n\tssat %[a2], #8, %[a2]\n\tssat %[a3], #8, %[a3]\n\t"
                   "ldrd %[x0], %[x1], [%[c], #12]\n\t"
                   "strb %[a0], [%[x1]]\n\tstrb %[a1], [%[x1], %[x0]]\n\tadd %[x1], %[x1], %[x0], lsl #1\n\t"
                   "strb %[a2], [%[x1]]\n\tstrb %[a3], [%[x1], %[x0]]\n\tadd %[x1], %[x1], %[x0], lsl #1\n\t"
                   "str %[x1], [%[c], #16]\n\t"
                   "ldr %[x0], [%[c], #32]\n\t"
                   "cmp %[r], %[x0]\n\t"
                   "bne 1b\n\t"
                   "add %[x0], %[x0], %[rb], lsl #1\n\t"
                   "str %[x0], [%[c], #32]\n\t"
                   "ldrd %[x0], %[x1], [%[c], #36]\n\t"
                   "add %[r], %[r], %[x0]\n\t"
                   "ldr %[x0], [%[c], #16]\n\t"
                   "add %[x0], %[x0], %[x1]\n\t"
                   "str %[x0], [%[c], #16]\n\t"
                   "ldr %[x0], [%[c], #44]\n\t"
                   "subs %[x0], %[x0], #1\n\t"
                   "str %[x0], [%[c], #44]\n\t"
                   "bne 1b\n\t"
                   : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [r] "+r"(r), [rb] "=&r"(rb), [x0] "=&r"(x0), [x1] "=&r"(x1),
                     [p] "=&r"(p), [q] "=&r"(qq), [s] "=&r"(s), [b] "=&r"(b)
                   : [c] "r"(c), [e] "r"(e)
                   : "cc", "memory");
}
#endif

/*
 * The layer's shape (square 5x5 or 7x7, stride 2 along both axes, dilation 1, OW >= 4, a plane
 * row for every padded input row read, the whole int8 clamp) and the channel's SMMLAR-ASR-SSAT
 * form (eg_qdepthwise_i8_rows_ssat_ok).
 */
static int32_t pl_runs(const int32_t *p, const int32_t *e) {
  const int32_t OH = p[4], KH = p[6], KW = p[7], R = p[16], k = e[2], r = e[3];
  return KH == KW && (KH == 5 || KH == 7) && p[8] == 2 && p[9] == 2 && p[10] == 1 && p[5] >= 4 && R >= (OH - 1) * 2 + KH && p[14] == -128 &&
         p[15] == 127 && r >= 1 && r <= 30 && eg_qdepthwise_i8_rows_ssat_ok(k, r);
}

/*
 * The output rows of a channel, kh (5 or 7) a constant in each inlined copy; wk the kernel rows'
 * weight words the groups take (the even or the odd pairs, eg_qdepthwise_i8_rows_plane). Groups of
 * four, then a row's OW % 4 last outputs: a pair for 2, else (1 or 3) a group at OW - 4 that
 * overlaps the one before (the same bytes written twice).
 */
static PL_INLINE void pl_rows(int32_t kh, const int16_t *base, int32_t WP, int32_t OH, int32_t OW, const uint32_t *wk, const pl_rq *q, int8_t *yc,
                              size_t out_row, size_t ys) {
  const int32_t rb = 2 * WP, full = OW & ~3, tail = OW & 3;
  int32_t oy, x0;
#if EG_QDSP_ASM_LOOPS
  if (kh == 5 && tail == 0) {
    int32_t c[12];
    c[0] = q->m;
    c[1] = q->k;
    c[2] = q->r;
    c[3] = (int32_t)ys;
    c[4] = (int32_t)(intptr_t)yc;
    c[6] = rb;
    c[7] = q->bias2;
    c[8] = (int32_t)(intptr_t)(base + 2 * full);
    c[9] = 2 * rb - 4 * full;
    c[10] = (int32_t)out_row - full * (int32_t)ys;
    c[11] = OH;
    pl_chan5(c, wk, base);
    return;
  }
#endif
  for (oy = 0; oy < OH; oy++, yc += out_row, base += 2 * (size_t)WP) {
    for (x0 = 0; x0 < full; x0 += 4) pl_group(kh, base + 2 * x0, rb, wk, q, yc + (size_t)x0 * ys, ys);
    if (tail == 2) pl_pair(kh, base + 2 * full, rb, wk, q, yc + (size_t)full * ys, ys);
    else if (tail != 0) pl_group(kh, base + 2 * (OW - 4), rb, wk, q, yc + (size_t)(OW - 4) * ys, ys);
  }
}

int32_t eg_qdepthwise_i8_rows_plane(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch,
                                    int32_t fresh) {
  const int32_t OH = p[4], OW = p[5], KH = p[6], R = p[16], WP = p[17], odd = p[12] & 1;
  /*
   * Input column c lands in plane column c + padLeft + odd, in [lo, hi) (the others hold the input
   * zero point), so that the first one is at an even column: no halfword store a row. Output x's
   * taps are then plane columns 2x + odd .. 2x + odd + KW - 1, words 2x, 2x + 2, ... with the even
   * pairs E_j = (w[2j], w[2j+1]) when padLeft is even, the odd pairs O_j = (w[2j-1], w[2j]) (the
   * NE = NO words after the E_j of each kernel row) when it is odd; WP is the same either way.
   */
  const int32_t lo = p[12] + odd < WP ? p[12] + odd : WP, hi = p[12] + odd + p[2] < WP ? p[12] + odd + p[2] : WP;
  const uint32_t *const w = wk + (odd ? (KH + 1) / 2 : 0);
  pl_rq q;
  if (!pl_runs(p, e)) return 0;
  q.bias2 = e[0];
  q.m = e[1];
  q.k = e[2];
  q.r = e[3];
  if (fresh) eg_qdepthwise_i8_ring_fill(scratch, R * WP, (int16_t)p[13]);
  eg_qdepthwise_i8_plane_build(xc, p, scratch, lo, hi);
  if (KH == 5) pl_rows(5, scratch, WP, OH, OW, w, &q, yc, (size_t)p[20], (size_t)p[21]);
  else pl_rows(7, scratch, WP, OH, OW, w, &q, yc, (size_t)p[20], (size_t)p[21]);
  return 1;
}

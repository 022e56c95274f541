#include "qdepthwise_i8_rows_1x3.h"

/*
 * A kernel row of 3 reads each input column once, so it reads the int8 input straight into the
 * SMLAD operands: no ring row is built and read back. Pair j of an input row is the word
 * P_j = (x[2j], x[2j + 1]); with the weight words of depthwise-rows-layout.ts (NE = NO = 2,
 * doubled, with the doubled bias b) A = E0 = (w0, w1) and C = O1 = (w1, w2), an output whose
 * taps start at input column 2j (even) or 2j + 1 (odd) is
 *   even: SMLABT(P_j+1, C) + SMLAD(P_j, A, b)    (w2 x[2j + 2] + w0 x[2j] + w1 x[2j + 1])
 *   odd:  SMLAD(P_j+1, C) + SMLATB(P_j, A, b)    (w1 x[2j + 2] + w2 x[2j + 3] + w0 x[2j + 1])
 * At stride 1 outputs lo + 2j and lo + 2j + 1 (lo: the left padding) are the even and odd sums
 * of step j; at stride 2 output o's taps start at 2o - lo, all even or all odd with lo. A step
 * takes one new pair (two LDRSBs and a PKHBT) and keeps the other. The interior steps (every
 * column they load in the input row) run r13_interior; the other outputs (a padding tap, the
 * odd one left over) and the padding rows run the per-output loops. Every sum is that of
 * qdepthwise_i8_rows_k.c with the padding taps at the input zero point zp (integer adds in another
 * order: the same int32 values), requantized as there: SSAT(SMMLAR(a, m, K) >> r, 8).
 */
typedef struct {
  uint32_t a, c;
  int32_t b, m, k, r;
} r13_w;

/* One channel's walk (the same for every channel but x and y). */
typedef struct {
  const int8_t *x; /* the first input row's column 0 */
  int8_t *y;       /* the first input row's output oa */
  size_t si, so;
  int32_t n, rows, odd, s1, shared; /* shared: stride 1, si == so, in_row * sh == out_row (R13_LOOP_SHARED) */
  /*
   * r13_interior's row words, read by its asm at these offsets (0, 4, ... 28); el, er: it also
   * writes the left edge output (oa - 1) and the right one (ob), z = (zp, zp).
   */
  int32_t rn0, ent, pgap, ygap, left, el, er;
  uint32_t z;
} r13_walk;

static inline int32_t r13_q(int32_t a, const r13_w *w) { return eg_qdsp_sat8(eg_qdsp_smmlar(a, w->m, w->k) >> w->r); }

static inline uint32_t r13_pair(const int8_t *x, size_t si) { return eg_qdsp_pkhbt(x[0], x[si]); }

#if EG_QDSP_ASM_LOOPS
/* New pair into Q from [p], [p + si]; p moves two columns on. */
#define R13_LOAD(Q) \
  "ldrsb %[" Q "], [%[p]]\n\tldrsb %[t], [%[p], %[si]]\n\tadd %[p], %[p], %[si], lsl #1\n\tpkhbt %[" Q "], %[" Q "], %[t], lsl #16\n\t"
/* The sum in t requantized and stored at [y] (dst "") or [y, so] (dst ", %[so]"). */
#define R13_OUT(dst) "smmlar %[t], %[t], %[m], %[k]\n\tasr %[t], %[t], %[r]\n\tssat %[t], #8, %[t]\n\tstrb %[t], [%[y]" dst "]\n\t"
#define R13_EVEN(P, Q) "smlad %[t], %[" P "], %[A], %[b]\n\tsmlabt %[t], %[" Q "], %[C], %[t]\n\t"
#define R13_ODD(P, Q) "smlatb %[t], %[" P "], %[A], %[b]\n\tsmlad %[t], %[" Q "], %[C], %[t]\n\t"
/* Stride 1: two outputs a step, y two outputs on. Stride 2: one, at [y] then [y, so], y moved once a loop. */
#define R13_S1(P, Q) R13_EVEN(P, Q) R13_OUT("") R13_ODD(P, Q) R13_OUT(", %[so]") "add %[y], %[y], %[so], lsl #1\n\t"
#define R13_S2E_1(P, Q) R13_EVEN(P, Q) R13_OUT("")
#define R13_S2E_2(P, Q) R13_EVEN(P, Q) R13_OUT(", %[so]") "add %[y], %[y], %[so], lsl #1\n\t"
#define R13_S2O_1(P, Q) R13_ODD(P, Q) R13_OUT("")
#define R13_S2O_2(P, Q) R13_ODD(P, Q) R13_OUT(", %[so]") "add %[y], %[y], %[so], lsl #1\n\t"
/*
 * Four steps a loop (the pair roles swap each step: no copy); n % 4 (walk word 4) picks the entry:
 * 0 the first step, 3 the second and 2 the third (the pair copied into q first for an even step,
 * and BACK: at stride 2 y one output back, as the even steps store at [y, so]), 1 the fourth.
 */
#define R13_ENTRY(BACK)                                                                                                 \
  "4:\n\tldr %[t], [%[t], #4]\n\tcmp %[t], #2\n\tbeq 23f\n\tbhi 25f\n\tcmp %[t], #1\n\tbne 21f\n\t"                     \
  "mov %[q], %[P]\n\t" BACK "b 24f\n\t25:\n\tmov %[q], %[P]\n\t" BACK "b 22f\n\t"
/*
 * Per row: rn = r - 256 ceil(n / 4) (the loop count shares r's register: ASR by a register shifts
 * by its low byte only, and ADDS #256 leaves rn negative until the last loop), the first pair, the
 * left edge output (walk word 20: ODD(Z, P_0) at y - so, Z = (zp, zp)), the steps (R13_ENTRY), then the right edge outputs
 * (word 24: 1, Q = (zp, zp), or 2, Q = (column 2n + 2, zp); EDGE(P_n, Q) at y, and with 2 at
 * stride 1 SECOND_EDGE, ODD(P_n, Q), at y + so). The walk's pointer waits in a stack slot gcc
 * allocates (so -fstack-usage counts it) while t holds a sum: thirteen registers are all gcc has
 * here (-mfloat-abi=hard).
 */
#define R13_LOOP(FIRST, SECOND, BACK, EDGE, SECOND_EDGE)                                                                              \
  __asm__ volatile("str %[t], %[slot]\n\t"                                                                                     \
                   "3:\n\tldrsb %[P], [%[p]]\n\tldrsb %[q], [%[p], %[si]]\n\tadd %[p], %[p], %[si], lsl #1\n\t"         \
                   "pkhbt %[P], %[P], %[q], lsl #16\n\tldr %[r], [%[t]]\n\tldr %[q], [%[t], #20]\n\tcmp %[q], #0\n\tbeq 4f\n\t" \
                   "ldr %[q], [%[t], #28]\n\t" R13_ODD("q", "P") "smmlar %[t], %[t], %[m], %[k]\n\tasr %[t], %[t], %[r]\n\t"   \
                   "ssat %[t], #8, %[t]\n\tsub %[q], %[y], %[so]\n\tstrb %[t], [%[q]]\n\tldr %[t], %[slot]\n\t"                 \
                   R13_ENTRY(BACK) "21:\n\t" R13_LOAD("q") FIRST("P", "q") "22:\n\t" R13_LOAD("P") SECOND("q", "P")        \
                   "23:\n\t" R13_LOAD("q") FIRST("P", "q") "24:\n\t" R13_LOAD("P") SECOND("q", "P")                        \
                   "adds %[r], %[r], #256\n\tbmi 21b\n\t"                                                                \
                   "ldr %[t], %[slot]\n\tldr %[q], [%[t], #24]\n\tcmp %[q], #1\n\tblo 5f\n\tbeq 7f\n\t"                   \
                   "ldrsb %[q], [%[p]]\n\tldr %[t], [%[t], #28]\n\tpkhbt %[q], %[q], %[t]\n\t" EDGE("P", "q") R13_OUT("") \
                   SECOND_EDGE "b 8f\n\t7:\n\tldr %[q], [%[t], #28]\n\t" EDGE("P", "q") R13_OUT("") "8:\n\tldr %[t], %[slot]\n\t" \
                   "5:\n\tldr %[q], [%[t], #8]\n\tadd %[p], %[p], %[q]\n\tldr %[q], [%[t], #12]\n\t"                        \
                   "add %[y], %[y], %[q]\n\tldr %[q], [%[t], #16]\n\tsubs %[q], %[q], #1\n\tstr %[q], [%[t], #16]\n\t"     \
                   "bne 3b\n\t"                                                                        \
                   : [p] "+r"(p), [y] "+r"(y), [t] "+r"(t), [r] "=&r"(rn), [P] "=&r"(P), [q] "=&r"(q), [slot] "=m"(slot)   \
                   : [A] "r"(A), [C] "r"(C), [b] "r"(b), [m] "r"(m), [k] "r"(k), [si] "r"(si), [so] "r"(so)              \
                   : "cc", "memory")
/*
 * Stride 1 where the input and output columns are the same bytes apart (si == so) and so are the
 * rows (in_row * sh == out_row): y - p is then the same all along, so the stores go to [p, d] and
 * [p, d2] (d = y - p after a step's load, d2 = d + si): no y to move. The left edge output is at
 * [p, d2] after the first pair; the right ones at [p, d] and [p, d2] with p two columns on.
 */
#define R13_OUTP(reg) "smmlar %[t], %[t], %[m], %[k]\n\tasr %[t], %[t], %[r]\n\tssat %[t], #8, %[t]\n\tstrb %[t], [%[p], %[" reg "]]\n\t"
#define R13_S1P(P, Q) R13_EVEN(P, Q) R13_OUTP("d") R13_ODD(P, Q) R13_OUTP("d2")
#define R13_LOOP_SHARED()                                                                                                \
  __asm__ volatile("str %[t], %[slot]\n\t"                                                                                     \
                   "3:\n\tldrsb %[P], [%[p]]\n\tldrsb %[q], [%[p], %[si]]\n\tadd %[p], %[p], %[si], lsl #1\n\t"         \
                   "pkhbt %[P], %[P], %[q], lsl #16\n\tldr %[r], [%[t]]\n\tldr %[q], [%[t], #20]\n\tcmp %[q], #0\n\tbeq 4f\n\t" \
                   "ldr %[q], [%[t], #28]\n\t" R13_ODD("q", "P") R13_OUTP("d2") "ldr %[t], %[slot]\n\t"                       \
                   R13_ENTRY("") "21:\n\t" R13_LOAD("q") R13_S1P("P", "q") "22:\n\t" R13_LOAD("P") R13_S1P("q", "P")       \
                   "23:\n\t" R13_LOAD("q") R13_S1P("P", "q") "24:\n\t" R13_LOAD("P") R13_S1P("q", "P")                      \
                   "adds %[r], %[r], #256\n\tbmi 21b\n\t"                                                                \
                   "ldr %[t], %[slot]\n\tldr %[q], [%[t], #24]\n\tcmp %[q], #1\n\tblo 5f\n\tbeq 7f\n\t"                   \
                   "ldrsb %[q], [%[p]]\n\tldr %[t], [%[t], #28]\n\tpkhbt %[q], %[q], %[t]\n\tadd %[p], %[p], %[si], lsl #1\n\t" \
                   R13_EVEN("P", "q") R13_OUTP("d") R13_ODD("P", "q") R13_OUTP("d2") "b 8f\n\t"                          \
                   "7:\n\tldr %[q], [%[t], #28]\n\tadd %[p], %[p], %[si], lsl #1\n\t" R13_EVEN("P", "q") R13_OUTP("d")     \
                   "8:\n\tsub %[p], %[p], %[si], lsl #1\n\tldr %[t], %[slot]\n\t"                                           \
                   "5:\n\tldr %[q], [%[t], #8]\n\tadd %[p], %[p], %[q]\n\tldr %[q], [%[t], #16]\n\tsubs %[q], %[q], #1\n\t" \
                   "str %[q], [%[t], #16]\n\tbne 3b\n\t"                                               \
                   : [p] "+r"(p), [t] "+r"(t), [r] "=&r"(rn), [P] "=&r"(P), [q] "=&r"(q), [slot] "=m"(slot)                \
                   : [A] "r"(A), [C] "r"(C), [b] "r"(b), [m] "r"(m), [k] "r"(k), [si] "r"(si), [d] "r"(d), [d2] "r"(d + si) \
                   : "cc", "memory")
#endif

#if defined(__GNUC__)
#define R13_NOINLINE __attribute__((noinline))
#else
#define R13_NOINLINE
#endif

/* The interior steps of all input rows (n >= 1, rows >= 1). Out of line: gcc finds the asm's
 * thirteen registers only where nothing else is live (inlined at -O1 it cannot). */
static R13_NOINLINE void r13_interior(const r13_w *w, r13_walk *wk) {
  const uint32_t A = w->a, C = w->c;
  const int32_t b = w->b;
  const size_t si = wk->si, so = wk->so;
  const int8_t *p = wk->x;
  int8_t *y = wk->y;
#if EG_QDSP_ASM_LOOPS
  const int32_t m = w->m, k = w->k;
  uint32_t t = (uint32_t)(uintptr_t)&wk->rn0, P, q, slot; /* slot: the walk's pointer while t holds sums */
  int32_t rn;
  wk->rn0 = (int32_t)((uint32_t)w->r - ((uint32_t)(wk->n + 3) >> 2 << 8));
  wk->ent = wk->n & 3;
  wk->pgap = (int32_t)(wk->pgap - (int32_t)(2 * (size_t)(wk->n + 1) * si));
  wk->ygap = (int32_t)(wk->ygap - (int32_t)((size_t)(wk->s1 ? 2 * wk->n : wk->n) * so));
  wk->left = wk->rows;
  if (wk->s1 && wk->shared) {
    const uintptr_t d = (uintptr_t)y - (uintptr_t)p - 4 * si;
    R13_LOOP_SHARED();
  } else if (wk->s1) R13_LOOP(R13_S1, R13_S1, "", R13_EVEN, R13_ODD("P", "q") R13_OUT(", %[so]"));
  else if (!wk->odd) R13_LOOP(R13_S2E_1, R13_S2E_2, "sub %[y], %[y], %[so]\n\t", R13_EVEN, "");
  else R13_LOOP(R13_S2O_1, R13_S2O_2, "sub %[y], %[y], %[so]\n\t", R13_ODD, "");
#else
  int32_t row, j;
  for (row = 0; row < wk->rows; row++) { /* rows by index: no pointer past the last row */
    const int8_t *const x = p + (size_t)row * (size_t)wk->pgap;
    int8_t *const yr = y + (size_t)row * (size_t)wk->ygap;
    uint32_t P = r13_pair(x, si), Q;
    for (j = 0; j < wk->n; j++, P = Q) {
      Q = r13_pair(x + (size_t)(2 * j + 2) * si, si);
      if (wk->s1) {
        yr[(size_t)(2 * j) * so] = (int8_t)r13_q(eg_qdsp_smlabt(Q, C, eg_qdsp_smlad(P, A, b)), w);
        yr[(size_t)(2 * j + 1) * so] = (int8_t)r13_q(eg_qdsp_smlad(Q, C, eg_qdsp_smlatb(P, A, b)), w);
      } else if (!wk->odd) {
        yr[(size_t)j * so] = (int8_t)r13_q(eg_qdsp_smlabt(Q, C, eg_qdsp_smlad(P, A, b)), w);
      } else {
        yr[(size_t)j * so] = (int8_t)r13_q(eg_qdsp_smlad(Q, C, eg_qdsp_smlatb(P, A, b)), w);
      }
    }
  }
#endif
}

/*
 * Output o of every input row from its taps' columns s o - lo + t: a padding tap's product
 * (w_t zp) is in the start sum and its weight 0 at column 0 (read, multiplied by 0).
 */
static void r13_edge(const r13_w *w, const int8_t *x, int8_t *y, size_t in_row, size_t out_row, int32_t rows, size_t si, int32_t c0,
                     int32_t W, int32_t zp) {
  const int32_t wt[3] = {eg_qdsp_lo16(w->a), eg_qdsp_hi16(w->a), eg_qdsp_hi16(w->c)};
  int32_t we[3], start = w->b, t, row;
  size_t off[3];
  for (t = 0; t < 3; t++) {
    const int32_t in = c0 + t >= 0 && c0 + t < W;
    we[t] = in ? wt[t] : 0;
    off[t] = in ? (size_t)(c0 + t) * si : 0;
    if (!in) start += wt[t] * zp;
  }
  for (row = 0; row < rows; row++) {
    const int8_t *const xr = x + (size_t)row * in_row;
    y[(size_t)row * out_row] = (int8_t)r13_q(start + we[0] * xr[off[0]] + we[1] * xr[off[1]] + we[2] * xr[off[2]], w);
  }
}

/* All outputs of a padding row (every tap zp: one value). */
static void r13_pad_row(const r13_w *w, int8_t *y, size_t so, int32_t OW, int32_t zp) {
  const int8_t v = (int8_t)r13_q(w->b + (eg_qdsp_lo16(w->a) + eg_qdsp_hi16(w->a) + eg_qdsp_hi16(w->c)) * zp, w);
  int32_t o;
  for (o = 0; o < OW; o++) y[(size_t)o * so] = v;
}

void eg_qdepthwise_i8_rows_1x3(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch) {
  const int32_t H = p[1], OH = p[4], OW = p[5], sh = p[8], s1 = p[9] == 1, padTop = p[11], WP = p[17], zp = p[13];
  const size_t in_row = (size_t)p[18], si = (size_t)p[19], out_row = (size_t)p[20], so = (size_t)p[21];
  /* Input columns are padded columns [lo, hi): W of them are read (the others are zp). */
  const int32_t lo = p[12] < WP ? p[12] : WP, W = (p[12] + p[2] < WP ? p[12] + p[2] : WP) - lo;
  /* Output rows [oy0, oy1) have an input row (oy sh - padTop in [0, H)). */
  const int32_t oy0 = padTop <= 0 ? 0 : (padTop + sh - 1) / sh, oy1t = (H - 1 + padTop) / sh + 1;
  const int32_t oy1 = oy1t < OH ? oy1t : OH, rows = oy1 > oy0 ? oy1 - oy0 : 0;
  /* The interior: outputs oa .. ob - 1, steps from column 0 while the next pair is in the row. */
  const int32_t oa = s1 ? lo : (lo + 1) / 2, steps = (W - 2) / 2;
  int32_t n = s1 ? (OW - oa) / 2 : OW - oa, ob, o, oy, ea = 0, eb = 0;
  const int8_t *x;
  r13_w w;
  r13_walk k;
  (void)scratch;
  w.a = wk[0]; w.c = wk[3];
  w.b = e[0]; w.m = e[1]; w.k = e[2]; w.r = e[3];
  if (n > steps) n = steps;
  if (n < 0 || W < 4) n = 0;
  ob = oa + (s1 ? 2 * n : n);
  for (oy = 0; oy < oy0 && oy < OH; oy++) r13_pad_row(&w, yc + (size_t)oy * out_row, so, OW, zp);
  for (oy = oy1 > oy0 ? oy1 : oy0; oy < OH; oy++) r13_pad_row(&w, yc + (size_t)oy * out_row, so, OW, zp);
  if (rows == 0) return;
  x = xc + (size_t)(oy0 * sh - padTop) * in_row;
  if (n > 0) {
    k.x = x; k.y = yc + (size_t)oy0 * out_row + (size_t)oa * so; k.si = si; k.so = so;
    k.n = n; k.rows = rows; k.odd = (lo & 1) != 0; k.s1 = s1;
    k.pgap = (int32_t)(in_row * (size_t)sh); k.ygap = (int32_t)out_row;
    k.shared = s1 && si == so && in_row * (size_t)sh == out_row;
    /*
     * The edge outputs the asm writes: output 0 when lo = 1 (taps -1, 0, 1); the rest of the row
     * when it is ob alone and W = 2n + 2 (its third tap padding), or W = 2n + 3 and it is ob (at
     * stride 1 ob and ob + 1: "same" padding on an odd row), their taps past column 2n + 2 padding.
     */
    k.el = EG_QDSP_ASM_LOOPS && lo == 1;
    k.er = 0;
    if (EG_QDSP_ASM_LOOPS && W == 2 * n + 2 && ob + 1 == OW) k.er = 1;
    if (EG_QDSP_ASM_LOOPS && W == 2 * n + 3 && ob + (s1 ? 2 : 1) == OW) k.er = 2;
    k.z = eg_qdsp_pack16(zp, zp);
    r13_interior(&w, &k);
    ea = oa - k.el;
    eb = k.er == 0 ? ob : OW;
  }
  for (o = ea > 0 ? 0 : eb; o < OW; o = o + 1 == ea ? eb : o + 1)
    r13_edge(&w, x, yc + (size_t)oy0 * out_row + (size_t)o * so, in_row * (size_t)sh, out_row, rows, si, (s1 ? o : 2 * o) - lo, W, zp);
}

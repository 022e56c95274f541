#include "qdepthwise_i8_rows_k.h"
#include "qdepthwise_i8_rows.h"
#include "qdepthwise_i8_ring_row.h"
#include "qdepthwise_i8_rows_1x3.h"

/* The most kernel rows, ROWS_MAX_KH of qdepthwise_i8_rows.c (the ring has R = KH rows at dh 1). */
#define RK_MAX_KH 16

/*
 * Four outputs x0..x0+3 of one channel row an iteration, their sums in four registers across all
 * KH kernel rows, the kernel row's weight words loaded per row (adjacent words: LDRD) and each
 * ring word loaded once per row and used by every output that reads it:
 * - stride 1 (x0 even, so word j = columns x0+2j, x0+2j+1): outputs x0 and x0+2 take the NE even
 *   pairs E[j] = (w[2j], w[2j+1]) on words j and j+1, outputs x0+1 and x0+3 the NO odd pairs
 *   O[j] = (w[2j-1], w[2j]) on words j and j+1: NO + 1 loads, 2 * (NE + NO) SMLADs (5x5: 4 and 12
 *   for 100 MACs).
 * - stride 2 (word j = columns 2*x0+2j, 2*x0+2j+1): output x0+i takes E[j] on word i+j: NE + 3
 *   loads, 4 * NE SMLADs, no odd pairs.
 * Requantization as qdepthwise_i8_rows.c's: v = (SMMLAR(2a, m, K) - [a < 0]) >> r, clamped.
 * When the clamp's lower bound lo >= zp (the output zero point: K = 2^(r-1) + zp * 2^r) the sign
 * term is left out: it changes v only when a < 0, and then h = SRDHM(a, m) <= 0 (m >= 0), so both
 * forms are <= floor(2^(r-1) / 2^r) + zp = zp <= lo (r >= 1) and clamp to lo. With lo = -128 and
 * hi = 127 as well the clamp is one SSAT: SMMLAR, ASR, SSAT a output (fused ReLU with zp = -128).
 */

#if defined(__GNUC__)
#define RK_INLINE __attribute__((always_inline)) inline
#define RK_ALIGNED(p) ((const int16_t *)__builtin_assume_aligned((p), 4))
#define RK_UNROLL _Pragma("GCC unroll 8")
#else
#define RK_INLINE inline
#define RK_ALIGNED(p) (p)
#define RK_UNROLL
#endif

/* The channel's requantization on the SMMLAR, ASR, SSAT form (see above). */
typedef struct {
  int32_t bias2, m, k, r;
} rk_rq;

/* Four sums (bias included) into y[0], y[s], y[2s] and, when `last` is 0, y[3s]. */
static RK_INLINE void rk_store4(const int32_t a[4], const rk_rq *q, int8_t *y, int32_t s, int32_t last) {
  const int32_t m = q->m, k = q->k, r = q->r;
  y[0] = (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a[0], m, k) >> r);
  y[s] = (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a[1], m, k) >> r);
  y[2 * s] = (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a[2], m, k) >> r);
  if (!last) y[3 * s] = (int8_t)eg_qdsp_sat8(eg_qdsp_smmlar(a[3], m, k) >> r);
}

/*
 * One kernel row's share of the four stride-1 sums: r at column x0 (even), e the row's ne even
 * then no odd weight words.
 */
static RK_INLINE void rk_acc_s1(const int16_t *r, const uint32_t *e, int32_t ne, int32_t no, int32_t a[4]) {
  int32_t j;
  r = RK_ALIGNED(r);
  RK_UNROLL
  for (j = 0; j <= no; j++) {
    const uint32_t v = eg_qdsp_read4(r + 2 * j);
    if (j < ne) a[0] = eg_qdsp_smlad(v, e[j], a[0]);
    if (j < no) a[1] = eg_qdsp_smlad(v, e[ne + j], a[1]);
    if (j >= 1 && j <= ne) a[2] = eg_qdsp_smlad(v, e[j - 1], a[2]);
    if (j >= 1) a[3] = eg_qdsp_smlad(v, e[ne + j - 1], a[3]);
  }
}

/* One kernel row's share of the four stride-2 sums: r at column 2 * x0, e the row's ne even words. */
static RK_INLINE void rk_acc_s2(const int16_t *r, const uint32_t *e, int32_t ne, int32_t a[4]) {
  int32_t j;
  r = RK_ALIGNED(r);
  RK_UNROLL
  for (j = 0; j < ne + 3; j++) {
    const uint32_t v = eg_qdsp_read4(r + 2 * j);
    if (j < ne) a[0] = eg_qdsp_smlad(v, e[j], a[0]);
    if (j >= 1 && j <= ne) a[1] = eg_qdsp_smlad(v, e[j - 1], a[1]);
    if (j >= 2 && j <= ne + 1) a[2] = eg_qdsp_smlad(v, e[j - 2], a[2]);
    if (j >= 3) a[3] = eg_qdsp_smlad(v, e[j - 3], a[3]);
  }
}

#if EG_QDSP_ASM_LOOPS
/*
 * The kernel rows of 5x5 and 7x7 as straight-line Thumb-2 (gcc's scheduler, given the C form,
 * hoists every ring word of the row and reloads each weight word per use): per row the ring
 * words by LDRD, two at a time, each weight word loaded once, every SMLAD of a word issued while
 * it is in a register; the row's weights at byte offset o (an immediate) from e. Stride 1: a step of words (v_j, v_j+1) and weights (E_j, O_j) is
 * a0 += v_j E_j, a1 += v_j O_j, a2 += v_j+1 E_j, a3 += v_j+1 O_j.
 */
#define RK_SMLAD(acc, v, w) "smlad %[" #acc "], %[" #v "], %[" #w "], %[" #acc "]\n\t"
#define RK_STEP(v0, v1, we, wo) RK_SMLAD(a0, v0, we) RK_SMLAD(a1, v0, wo) RK_SMLAD(a2, v1, we) RK_SMLAD(a3, v1, wo)
#define RK_ASM_OUT [a0] "+r"(a[0]), [a1] "+r"(a[1]), [a2] "+r"(a[2]), [a3] "+r"(a[3]), [x0] "=&r"(x0), [x1] "=&r"(x1), [p] "=&r"(p), [q] "=&r"(q), [s] "=&r"(s), [t] "=&r"(t)
#define RK_ASM_IN [r] "r"(r), [e] "r"(e), [o] "i"(o)

/* 5x5, stride 1: words v0..v3; E0 E1 E2 at e[0..2], O0 O1 O2 at e[3..5]. 18 instructions. */
static RK_INLINE void rk_asm_s1_5(const int16_t *r, const uint32_t *e, const int32_t o, int32_t a[4]) {
  uint32_t x0, x1, p, q, s, t;
  __asm__("ldrd %[x0], %[x1], [%[r]]\n\t"
          "ldrd %[p], %[q], [%[e], #%c[o]]\n\t"
          "ldrd %[s], %[t], [%[e], #(%c[o] + 12)]\n\t"
          RK_STEP(x0, x1, p, s) RK_SMLAD(a0, x1, q) RK_SMLAD(a1, x1, t)
          "ldrd %[x0], %[x1], [%[r], #8]\n\t"
          RK_SMLAD(a2, x0, q) RK_SMLAD(a3, x0, t)
          "ldr %[p], [%[e], #(%c[o] + 8)]\n\t"
          "ldr %[s], [%[e], #(%c[o] + 20)]\n\t"
          RK_STEP(x0, x1, p, s)
          : RK_ASM_OUT : RK_ASM_IN : "memory");
}

/* 7x7, stride 1: words v0..v4; E0..E3 at e[0..3], O0..O3 at e[4..7]. 23 instructions. */
static RK_INLINE void rk_asm_s1_7(const int16_t *r, const uint32_t *e, const int32_t o, int32_t a[4]) {
  uint32_t x0, x1, p, q, s, t;
  __asm__("ldrd %[x0], %[x1], [%[r]]\n\t"
          "ldrd %[p], %[q], [%[e], #%c[o]]\n\t"
          "ldrd %[s], %[t], [%[e], #(%c[o] + 16)]\n\t"
          RK_STEP(x0, x1, p, s) RK_SMLAD(a0, x1, q) RK_SMLAD(a1, x1, t)
          "ldrd %[x0], %[x1], [%[r], #8]\n\t"
          RK_SMLAD(a2, x0, q) RK_SMLAD(a3, x0, t)
          "ldrd %[p], %[q], [%[e], #(%c[o] + 8)]\n\t"
          "ldrd %[s], %[t], [%[e], #(%c[o] + 24)]\n\t"
          RK_STEP(x0, x1, p, s) RK_SMLAD(a0, x1, q) RK_SMLAD(a1, x1, t)
          "ldr %[x0], [%[r], #16]\n\t"
          RK_SMLAD(a2, x0, q) RK_SMLAD(a3, x0, t)
          : RK_ASM_OUT : RK_ASM_IN : "memory");
}

/* 5x5, stride 2: output i takes E_j on word i + j; words v0..v5, E0 E1 E2 at e[0..2]. 17 instructions. */
static RK_INLINE void rk_asm_s2_5(const int16_t *r, const uint32_t *e, const int32_t o, int32_t a[4]) {
  uint32_t x0, x1, p, q, s, t;
  __asm__("ldrd %[p], %[q], [%[e], #%c[o]]\n\t"
          "ldr %[s], [%[e], #(%c[o] + 8)]\n\t"
          "ldrd %[x0], %[x1], [%[r]]\n\t"
          RK_SMLAD(a0, x0, p) RK_SMLAD(a0, x1, q) RK_SMLAD(a1, x1, p)
          "ldrd %[x0], %[x1], [%[r], #8]\n\t"
          RK_SMLAD(a0, x0, s) RK_SMLAD(a1, x0, q) RK_SMLAD(a2, x0, p)
          RK_SMLAD(a1, x1, s) RK_SMLAD(a2, x1, q) RK_SMLAD(a3, x1, p)
          "ldrd %[x0], %[x1], [%[r], #16]\n\t"
          RK_SMLAD(a2, x0, s) RK_SMLAD(a3, x0, q) RK_SMLAD(a3, x1, s)
          : RK_ASM_OUT : RK_ASM_IN : "memory");
  (void)t;
}

/* 7x7, stride 2: words v0..v6, E0..E3 at e[0..3]. 22 instructions. */
static RK_INLINE void rk_asm_s2_7(const int16_t *r, const uint32_t *e, const int32_t o, int32_t a[4]) {
  uint32_t x0, x1, p, q, s, t;
  __asm__("ldrd %[p], %[q], [%[e], #%c[o]]\n\t"
          "ldrd %[s], %[t], [%[e], #(%c[o] + 8)]\n\t"
          "ldrd %[x0], %[x1], [%[r]]\n\t"
          RK_SMLAD(a0, x0, p) RK_SMLAD(a0, x1, q) RK_SMLAD(a1, x1, p)
          "ldrd %[x0], %[x1], [%[r], #8]\n\t"
          RK_SMLAD(a0, x0, s) RK_SMLAD(a1, x0, q) RK_SMLAD(a2, x0, p)
          RK_SMLAD(a0, x1, t) RK_SMLAD(a1, x1, s) RK_SMLAD(a2, x1, q) RK_SMLAD(a3, x1, p)
          "ldrd %[x0], %[x1], [%[r], #16]\n\t"
          RK_SMLAD(a1, x0, t) RK_SMLAD(a2, x0, s) RK_SMLAD(a3, x0, q)
          RK_SMLAD(a2, x1, t) RK_SMLAD(a3, x1, s)
          "ldr %[x0], [%[r], #24]\n\t"
          RK_SMLAD(a3, x0, t)
          : RK_ASM_OUT : RK_ASM_IN : "memory");
}
#define RK_ASM(sw, ne, no, r, e, o, a) \
  if (sw == 1 && ne == 3 && no == 3) rk_asm_s1_5(r, e, o, a); \
  else if (sw == 1 && ne == 4 && no == 4) rk_asm_s1_7(r, e, o, a); \
  else if (sw == 2 && ne == 3) rk_asm_s2_5(r, e, o, a); \
  else if (sw == 2 && ne == 4) rk_asm_s2_7(r, e, o, a); \
  else
#else
#define RK_ASM(sw, ne, no, r, e, o, a)
#endif

/*
 * The outputs of one channel row, four a group: stride sw (1 or 2), ne even and no odd weight
 * words a kernel row, ws words a row, kh kernel rows when a compile-time constant (the row loop
 * unrolled: weight offsets are immediates), else 0 and KH rows in a loop. All of ne, no, ws, sw,
 * kh are constants in each inlined copy. rk_group: the four outputs at x0 (y at output x0).
 * Stride 1: groups start at even x0 (aligned words); the last one at OWe - 4 (OWe: OW rounded up
 * to even) overlaps the one before when OW % 4 is 2 or 3 (those outputs are written twice, the
 * same bytes), and for OW odd its fourth sum, output OW, is dropped. Stride 2: the last group at
 * OW - 4 (any x0 is aligned: column 2 * x0).
 */
static RK_INLINE void rk_group(const int16_t *const *rows, int32_t kh, int32_t KH, const uint32_t *wk, int32_t ws, int32_t sw, int32_t ne,
                               int32_t no, int32_t x0, const rk_rq *q, int8_t *y, int32_t ys, int32_t last) {
  int32_t a[4], ky;
  a[0] = a[1] = a[2] = a[3] = q->bias2;
  if (kh > 0) {
    RK_UNROLL
    for (ky = 0; ky < kh; ky++) {
      RK_ASM(sw, ne, no, rows[ky] + sw * x0, wk, 4 * ky * ws, a)
      if (sw == 1) rk_acc_s1(rows[ky] + x0, wk + ky * ws, ne, no, a);
      else rk_acc_s2(rows[ky] + 2 * x0, wk + ky * ws, ne, a);
    }
  } else {
    const uint32_t *e = wk;
    for (ky = 0; ky < KH; ky++, e += ws) {
      RK_ASM(sw, ne, no, rows[ky] + sw * x0, e, 0, a)
      if (sw == 1) rk_acc_s1(rows[ky] + x0, e, ne, no, a);
      else rk_acc_s2(rows[ky] + 2 * x0, e, ne, a);
    }
  }
  rk_store4(a, q, y, ys, last);
}

static RK_INLINE void rk_row(const int16_t *const *rows, int32_t kh, int32_t KH, const uint32_t *wk, int32_t ws, int32_t sw, int32_t ne, int32_t no,
                             int32_t OW, const rk_rq *q, int8_t *y, int32_t ys) {
  const int32_t end = sw == 1 ? ((OW + 1) & ~1) - 4 : OW - 4;
  int32_t x0;
  if (kh > 0) { /* the Thumb-2 widths: the last group apart, the loop without its tests */
    int8_t *yg = y;
    for (x0 = 0; x0 < end; x0 += 4, yg += 4 * (size_t)ys) rk_group(rows, kh, KH, wk, ws, sw, ne, no, x0, q, yg, ys, 0);
    rk_group(rows, kh, KH, wk, ws, sw, ne, no, end, q, y + (size_t)end * (size_t)ys, ys, sw == 1 && (OW & 1));
  } else { /* one copy of the group (flash) */
    for (x0 = 0;; x0 += 4) {
      const int32_t at = x0 < end ? x0 : end;
      rk_group(rows, kh, KH, wk, ws, sw, ne, no, at, q, y + (size_t)at * (size_t)ys, ys, at == end && sw == 1 && (OW & 1));
      if (at == end) break;
    }
  }
}

/*
 * One row of a width without Thumb-2 rows (the C loops, KH at run time): `kase` = 2 * KW + sw - 1
 * picks the constants, so that these widths share one row loop (flash) at a few instructions a row.
 */
static RK_INLINE void rk_row_c(const int16_t *const *rows, int32_t KH, const uint32_t *wk, int32_t kase, int32_t OW, const rk_rq *q, int8_t *y,
                               int32_t ys) {
  /* kase 2 * KW + sw - 1; ws = NE + NO, the layout's words a kernel row (depthwise-rows-layout.ts). */
#define RK_C(kw, sw) \
  case 2 * (kw) + (sw) - 1: rk_row(rows, 0, KH, wk, ((kw) + 1) / 2 + (kw) / 2 + 1, sw, ((kw) + 1) / 2, (kw) / 2 + 1, OW, q, y, ys); break;
  switch (kase) {
    RK_C(1, 1) RK_C(1, 2) RK_C(2, 1) RK_C(2, 2) RK_C(3, 1) RK_C(3, 2) RK_C(4, 1) RK_C(4, 2)
    RK_C(5, 1) RK_C(5, 2) RK_C(6, 1) RK_C(6, 2) RK_C(7, 1)
    default: rk_row(rows, 0, KH, wk, 8, 2, 4, 4, OW, q, y, ys); break; /* 7, stride 2 */
  }
#undef RK_C
}

/* One channel's operands, read once from the layer's parameters p (qdepthwise_i8_rows.h). */
typedef struct {
  const int8_t *xc;
  int8_t *yc;
  int16_t *scratch;
  const uint32_t *wk;
  int32_t H, OH, OW, KH, sh, dh, padTop, R, WP, in_row, in_col, out_row, out_col, lo, hi, kase;
  int16_t zp;
} rk_chan;

/*
 * All output rows of a channel: kh > 0 with (ws, sw, ne, no) the constants of a Thumb-2 width
 * (inlined once each, so that the row loop around the groups is set up once), kh = 0 for the C
 * widths (rk_row_c, one copy). Per output row the input rows the ring lacks, each into slot
 * (row + padTop) % R (only its input columns [lo, hi): the others stay zp; rows above the input
 * are skipped, the ring being all zp before them), then the groups. slots: for dh 1 the R ring
 * rows twice, so that a window is slots + s0 without wrapping; dilated windows go to `dilated`.
 */
static RK_INLINE void rk_rows(const rk_chan *c, const int16_t *const *slots, const rk_rq *q, int32_t kh, int32_t ws, int32_t sw, int32_t ne,
                              int32_t no) {
  const int16_t *dilated[RK_MAX_KH];
  const int16_t *const *rows = slots;
  int8_t *yc = c->yc;
  int32_t built = -c->padTop, bs = 0, oy, ky, s0 = 0;
  for (oy = 0; oy < c->OH; oy++, yc += c->out_row) {
    const int32_t iy0 = oy * c->sh - c->padTop;
    /* The input rows this output row reads and the ring lacks, row i into slot bs = (i + padTop) % R. */
    if (built < iy0) {
      built = iy0;
      bs = (iy0 + c->padTop) % c->R;
    }
    for (; built <= iy0 + (c->KH - 1) * c->dh; built++) {
      int16_t *const d = c->scratch + (size_t)bs * (size_t)c->WP;
      /* Two input rows in one pass: only in the Thumb-2 stride-2 copies (a compile-time sw; in the others it cost 0.9 %). */
      if (sw == 2 && built >= 0 && built + 1 < c->H && built < iy0 + (c->KH - 1) * c->dh) {
        const int32_t b1 = bs + 1 == c->R ? 0 : bs + 1;
        eg_qdepthwise_i8_ring_body2(c->xc + (size_t)built * (size_t)c->in_row, (size_t)c->in_row, c->in_col, d + c->lo,
                                    c->scratch + (size_t)b1 * (size_t)c->WP + c->lo, c->hi - c->lo);
        built++;
        bs = b1;
      } else if (built >= c->H) eg_qdepthwise_i8_ring_fill(d, c->WP, c->zp); /* a padding row below the input */
      else if (built >= 0) eg_qdepthwise_i8_ring_body(c->xc + (size_t)built * (size_t)c->in_row, c->in_col, d + c->lo, c->hi - c->lo);
      if (++bs == c->R) bs = 0;
    }
    /* Kernel row ky reads input row iy0 + ky * dh, in slot (oy * sh + ky * dh) % R. */
    if (c->dh == 1) {
      rows = slots + s0;
      s0 += c->sh;
      while (s0 >= c->R) s0 -= c->R;
    } else {
      int32_t slot = (oy * c->sh) % c->R;
      for (ky = 0; ky < c->KH; ky++, slot = slot + c->dh < c->R ? slot + c->dh : slot + c->dh - c->R)
        dilated[ky] = c->scratch + (size_t)slot * (size_t)c->WP;
      rows = dilated;
    }
    if (kh > 0) rk_row(rows, kh, kh, c->wk, ws, sw, ne, no, c->OW, q, yc, c->out_col);
    else rk_row_c(rows, c->KH, c->wk, c->kase, c->OW, q, yc, c->out_col);
  }
}

int32_t eg_qdepthwise_i8_rows_k(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch,
                                int32_t fresh) {
  const int32_t KH = p[6], KW = p[7], sw = p[9], R = p[16], WP = p[17];
  rk_chan c;
  const int16_t *slots[2 * RK_MAX_KH];
  rk_rq q;
  int32_t s;
  (void)fresh; /* the ring is set to zp per channel below */
  /* The 3x3 stride-1 rows are the caller's (and their WS is 2, not NE + NO). */
  if (p[5] < 4 || KW < 1 || KW > 7 || KH < 1 || KH > RK_MAX_KH || (sw != 1 && sw != 2) || p[14] != -128 || p[15] != 127 ||
      (KH == 3 && KW == 3 && sw == 1 && p[10] == 1))
    return 0;
  q.bias2 = e[0];
  q.m = e[1];
  q.k = e[2];
  q.r = e[3];
  if (!eg_qdepthwise_i8_rows_ssat_ok(q.k, q.r)) return 0;
  if (KH == 1 && KW == 3) { /* one kernel row of 3: qdepthwise_i8_rows_1x3.c, a one-row ring */
    eg_qdepthwise_i8_rows_1x3(xc, p, wk, e, yc, scratch);
    return 1;
  }
  /* The channel's pointers, then p's fields the rows read (qdepthwise_i8_rows.h's order). */
  c.xc = xc; c.yc = yc; c.scratch = scratch; c.wk = wk;
  c.H = p[1]; c.OH = p[4]; c.OW = p[5]; c.KH = KH; c.sh = p[8]; c.dh = p[10]; c.padTop = p[11];
  c.R = R; c.WP = WP; c.in_row = p[18]; c.in_col = p[19]; c.out_row = p[20]; c.out_col = p[21];
  /* Input columns land in ring columns [lo, hi); the others hold the input zero point. */
  c.lo = p[12] < WP ? p[12] : WP;
  c.hi = p[12] + p[2] < WP ? p[12] + p[2] : WP;
  c.zp = (int16_t)p[13];
  /*
   * The whole ring zp: its padding columns stay so (rows write only [lo, hi)), and so do the rows
   * above the input (built first, into slots no input row has written: they are skipped).
   */
  eg_qdepthwise_i8_ring_fill(scratch, R * WP, c.zp);
  for (s = 0; s < R && c.dh == 1; s++) slots[s] = slots[s + R] = scratch + (size_t)s * (size_t)WP; /* R = KH <= RK_MAX_KH */
  /* The Thumb-2 rows (square 5x5 and 7x7: kh, ws = NE + NO, sw, NE, NO constant), else the C loops. */
  c.kase = KW * 2 + sw - 1;
  if (KH == 5 && KW == 5 && sw == 1) rk_rows(&c, slots, &q, 5, 6, 1, 3, 3);
  else if (KH == 5 && KW == 5) rk_rows(&c, slots, &q, 5, 6, 2, 3, 3);
  else if (KH == 7 && KW == 7 && sw == 1) rk_rows(&c, slots, &q, 7, 8, 1, 4, 4);
  else if (KH == 7 && KW == 7) rk_rows(&c, slots, &q, 7, 8, 2, 4, 4);
  else rk_rows(&c, slots, &q, 0, 0, 0, 0, 0);
  return 1;
}

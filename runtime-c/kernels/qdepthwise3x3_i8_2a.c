#include "qdepthwise3x3_i8_2a.h"
#include "qdepthwise3x3_i8_dsp.h"

/*
 * One output from its doubled accumulator and its channel's m, k, r (mkr), saturated to int8:
 * SMMLAR, the sign, ASR, SSAT. Exact for the values the compiler lets through (requant-2a.ts).
 */
static inline int32_t dw_2a_sat8(int32_t acc2, const int32_t *mkr) { return eg_qdsp_sat8(eg_qdsp_requant_2a(acc2, mkr[0], mkr[1], mkr[2])); }

#if EG_QDSP_NATIVE
/*
 * Lane j of a group's requantization, in place in accumulator A: SMMLAR (into k), the sign (SIGN:
 * the SUB, or nothing in the fused form), ASR, SSAT; m, k, r loaded from the channel's words.
 */
#define DW_LANE(A, MK, R, SIGN)                                                                               \
  "ldrd %[m], %[k], [%[e], #" MK "]\n\t"                                                                      \
  "ldr %[r], [%[e], #" R "]\n\t"                                                                              \
  "smmlar %[k], %[" A "], %[m], %[k]\n\t" SIGN "asr %[" A "], %[k], %[r]\n\t"                                \
  "ssat %[" A "], #8, %[" A "]\n\t"
#define DW_SIGN(A) "sub %[k], %[k], %[" A "], lsr #31\n\t"
#define DW_PACK                                                                                               \
  "bfi %[a0], %[a1], #8, #8\n\t"                                                                              \
  "bfi %[a0], %[a2], #16, #8\n\t"                                                                             \
  "bfi %[a0], %[a3], #24, #8\n\t"
#define DW_CLAMP_HI                                                                                           \
  "ssub8 %[m], %[hi4], %[a0]\n\t"                                                                             \
  "sel %[a0], %[a0], %[hi4]\n\t"
/* The fused form takes no lo4: an operand it would not use still costs gcc a register or a reload. */
#define DW_RQ_OUTPUTS : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [m] "=&r"(m), [k] "=&r"(k), [r] "=&r"(r)
#define DW_RQ_FUSED_OPERANDS DW_RQ_OUTPUTS : [e] "r"(g), [hi4] "r"(hi4) : "cc", "memory"
#define DW_RQ_OPERANDS DW_RQ_OUTPUTS : [e] "r"(g), [lo4] "r"(lo4), [hi4] "r"(hi4) : "cc", "memory"
/* Lane j's m, k at byte 88 + 12j of the group's words, r at 96 + 12j (DW_GROUP_WORDS). */
#define DW_LANES(S0, S1, S2, S3)                                                                              \
  DW_LANE("a0", "88", "96", S0) DW_LANE("a1", "100", "108", S1) DW_LANE("a2", "112", "120", S2)               \
  DW_LANE("a3", "124", "132", S3)
#endif

/*
 * A group's four doubled accumulators requantized (eg_qdsp_requant_2a), saturated, packed (channel
 * c in bits 0-7) and clamped to the activation range (lo4/hi4: act_min/act_max in every byte,
 * inside int8). `fused` (output zero point and act_min both -128, ReLU-like) drops the sign
 * correction and the lower clamp: the correction only lowers values that are <= the zero point
 * already, which SSAT then takes to -128 either way. Native: one asm block of 23 (fused) or 27
 * instructions; portable: the exact form and a clamp per byte, the same bytes.
 */
static inline DW_ALWAYS_INLINE uint32_t dw_requant4_2a(const int32_t acc[4], const int32_t *g, uint32_t lo4, uint32_t hi4,
                                                       int32_t fused) {
#if EG_QDSP_NATIVE
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], m, k, r;
  if (fused) {
    __asm__(DW_LANES("", "", "", "") DW_PACK DW_CLAMP_HI DW_RQ_FUSED_OPERANDS);
  } else {
    __asm__(DW_LANES(DW_SIGN("a0"), DW_SIGN("a1"), DW_SIGN("a2"), DW_SIGN("a3")) DW_PACK
            "ssub8 %[m], %[a0], %[lo4]\n\t"
            "sel %[a0], %[a0], %[lo4]\n\t" DW_CLAMP_HI DW_RQ_OPERANDS);
  }
  return (uint32_t)a0;
#else
  const int32_t lo = (int32_t)(int8_t)(lo4 & 0xFFu), hi = (int32_t)(int8_t)(hi4 & 0xFFu);
  uint32_t packed = 0;
  int32_t j;
  (void)fused;
  for (j = 0; j < 4; j++) packed |= ((uint32_t)eg_q_clamp(dw_2a_sat8(acc[j], g + 22 + 3 * j), lo, hi) & 0xFFu) << (8 * j);
  return packed;
#endif
}

/*
 * The 9 tap pointers moved to the next pixel of a run: tap row ky's 3 by step[ky] (stride x C, or 0
 * for a row in the padding, whose taps all read `pad`). Native: LDRD/STRD, 19 instructions; gcc
 * keeps the C loop rolled (5 a pointer).
 */
static inline DW_ALWAYS_INLINE void dw_taps_advance(const int8_t **tap, const int32_t step[3]) {
#if EG_QDSP_NATIVE
  const int8_t *t0, *t1, *t2, *t3;
  /* volatile: its outputs are scratch registers, the effect is the stores. */
  __asm__ volatile("ldrd %[t0], %[t1], [%[tap], #0]\n\t"
                   "ldrd %[t2], %[t3], [%[tap], #8]\n\t"
                   "add %[t0], %[t0], %[s0]\n\t"
                   "add %[t1], %[t1], %[s0]\n\t"
                   "add %[t2], %[t2], %[s0]\n\t"
                   "add %[t3], %[t3], %[s1]\n\t"
                   "strd %[t0], %[t1], [%[tap], #0]\n\t"
                   "strd %[t2], %[t3], [%[tap], #8]\n\t"
                   "ldrd %[t0], %[t1], [%[tap], #16]\n\t"
                   "ldrd %[t2], %[t3], [%[tap], #24]\n\t"
                   "add %[t0], %[t0], %[s1]\n\t"
                   "add %[t1], %[t1], %[s1]\n\t"
                   "add %[t2], %[t2], %[s2]\n\t"
                   "add %[t3], %[t3], %[s2]\n\t"
                   "strd %[t0], %[t1], [%[tap], #16]\n\t"
                   "strd %[t2], %[t3], [%[tap], #24]\n\t"
                   "ldr %[t0], [%[tap], #32]\n\t"
                   "add %[t0], %[t0], %[s2]\n\t"
                   "str %[t0], [%[tap], #32]\n\t"
                   : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
                   : [tap] "r"(tap), [s0] "r"(step[0]), [s1] "r"(step[1]), [s2] "r"(step[2])
                   : "memory");
#else
  int32_t t;
  for (t = 0; t < 9; t++) tap[t] += step[t / 3];
#endif
}

/* A group's words in `ops`: 18 weight words (dw_group9's), 4 doubled biases, m, k, r of each channel. */
#define DW_GROUP_WORDS 34

/*
 * The groups of 4 channels of one output pixel: dw_group9 on doubled weights from the doubled
 * folded bias, dw_requant4_2a, one 32-bit store. Out of line (dw_groups_fused/exact): with the
 * pixel loop around it gcc spills 8 more a group.
 */
static inline DW_ALWAYS_INLINE void dw_groups_2a(const int8_t *const *tap, int32_t C, const int32_t *g, uint32_t lo4, uint32_t hi4,
                                                 int8_t *y, int32_t fused) {
  int32_t c;
  for (c = 0; c + 3 < C; c += 4, g += DW_GROUP_WORDS) {
    int32_t acc[4];
    uint32_t packed;
    acc[0] = g[18];
    acc[1] = g[19];
    acc[2] = g[20];
    acc[3] = g[21];
    dw_group9(tap, c, (const uint32_t *)g, acc);
    packed = dw_requant4_2a(acc, g, lo4, hi4, fused);
    memcpy(y + c, &packed, 4);
  }
}

static DW_NOINLINE void dw_groups_fused(const int8_t *const *tap, int32_t C, const int32_t *g, uint32_t lo4, uint32_t hi4,
                                        int8_t *y) {
  dw_groups_2a(tap, C, g, lo4, hi4, y, 1);
}

static DW_NOINLINE void dw_groups_exact(const int8_t *const *tap, int32_t C, const int32_t *g, uint32_t lo4, uint32_t hi4,
                                        int8_t *y) {
  dw_groups_2a(tap, C, g, lo4, hi4, y, 0);
}

/* The operands a pixel run needs, fixed for the call: one pointer argument instead of eight. */
typedef struct {
  int32_t C, act_min, act_max, fused;
  int32_t step[3]; /* per tap row: stride x C, or 0 in the padding (the row being run) */
  uint32_t lo4, hi4;
  const int32_t *ops;
  const int8_t *w;
} dw_2a_args;

/*
 * n output pixels from y on: the groups of 4 channels, then the channels past the last group,
 * plainly (2 * x * w wraps as the doubled sum does). Between pixels the 9 tap pointers move by
 * a->step (n > 1 only along a run of interior columns): a run is one call, its pixels cost the tap
 * moves, the group call and the loop, not the window checks.
 */
static inline DW_ALWAYS_INLINE void dw_run_2a(const int8_t **tap, int32_t n, const dw_2a_args *a, int8_t *y, int32_t fused) {
  const int32_t C = a->C;
  for (;;) {
    const int32_t *rq2a = a->ops + (C >> 2) * DW_GROUP_WORDS;
    int32_t c, t;
    if (fused) dw_groups_fused(tap, C, a->ops, a->lo4, a->hi4, y);
    else dw_groups_exact(tap, C, a->ops, a->lo4, a->hi4, y);
    for (c = C & ~3; c < C; c++, rq2a += 4) {
      int32_t acc2 = rq2a[0];
      for (t = 0; t < 9; t++) acc2 = eg_q_wrap_add(acc2, 2 * (int32_t)tap[t][c] * (int32_t)a->w[t * C + c]);
      y[c] = (int8_t)eg_q_clamp(dw_2a_sat8(acc2, rq2a + 1), a->act_min, a->act_max);
    }
    if (--n == 0) return;
    y += C;
    dw_taps_advance(tap, a->step);
  }
}

static DW_NOINLINE void dw_run_fused(const int8_t **tap, int32_t n, const dw_2a_args *a, int8_t *y) { dw_run_2a(tap, n, a, y, 1); }

static DW_NOINLINE void dw_run_exact(const int8_t **tap, int32_t n, const dw_2a_args *a, int8_t *y) { dw_run_2a(tap, n, a, y, 0); }

/* Whether output column ox's 3 tap columns are all inside the input (p: qconv_i8.h's layout). */
static int32_t dw_column_inside(const int32_t *p, int32_t ox) {
  const int32_t x0 = ox * p[11] - p[15];
  return x0 >= 0 && x0 + 2 * p[13] < p[2];
}

void eg_qdepthwise3x3_i8_2a(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const int32_t *ops, const int8_t *pad) {
  const int32_t N = p[0], H = p[1], C = p[3], OH = p[4], OW = p[5];
  int32_t tap_offset[9];
  const int8_t *tap[9];
  dw_2a_args a;
  int32_t b, oy, ox, lo = 0, hi;
  a.C = C;
  a.fused = p[17] == -128 && p[18] == -128;
  a.act_min = p[18];
  a.act_max = p[19];
  a.lo4 = eg_qdsp_bytes4(p[18]);
  a.hi4 = eg_qdsp_bytes4(p[19]);
  a.ops = ops;
  a.w = w;
  dw_tap_offsets(p, tap_offset);
  /* The interior columns are one run [lo, hi) (empty when lo == hi): the same in every row. */
  while (lo < OW && !dw_column_inside(p, lo)) lo++;
  for (hi = lo; hi < OW && dw_column_inside(p, hi);) hi++;
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++) {
      const int32_t y0 = oy * p[10] - p[14];
      int32_t ky;
      /* A tap row in the padding keeps its taps on `pad` along the run. */
      for (ky = 0; ky < 3; ky++) a.step[ky] = y0 + ky * p[12] >= 0 && y0 + ky * p[12] < H ? p[11] * C : 0;
      for (ox = 0; ox < OW;) {
        /* The run of interior columns is one call; every other pixel one call on its own taps. */
        const int32_t n = ox == lo && hi > lo ? hi - lo : 1;
        dw_taps(x, p, b, oy, ox, tap_offset, pad, tap);
        if (a.fused) dw_run_fused(tap, n, &a, y);
        else dw_run_exact(tap, n, &a, y);
        y += n * C;
        ox += n;
      }
    }
}

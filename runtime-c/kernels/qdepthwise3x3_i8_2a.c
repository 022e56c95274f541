#include "qdepthwise3x3_i8_2a.h"
#include "qdepthwise3x3_i8_dsp.h"

/*
 * One output of channel e (e = rq2a + 4 * channel) from its doubled accumulator, saturated to int8:
 * SMMLAR, the sign, ASR, SSAT. Exact for the values the compiler lets through (requant-2a.ts).
 */
static inline int32_t dw_2a_sat8(int32_t acc2, const int32_t *e) { return eg_qdsp_sat8(eg_qdsp_requant_2a(acc2, e[1], e[2], e[3])); }

/*
 * The groups of 4 channels of one output pixel: dw_group9 on doubled weights from the doubled
 * folded bias, then per group four dw_2a_sat8 and, natively, one SSUB8/SEL clamp of the packed
 * four bytes to the activation range (lo4/hi4: act_min/act_max in every byte, both inside int8)
 * and one 32-bit store; portably a clamp per byte, the same values.
 */
static DW_NOINLINE void dw_groups_2a(const int8_t *const *tap, int32_t C, const int32_t *rq2a, const uint32_t *wq, uint32_t lo4,
                                     uint32_t hi4, int8_t *y) {
  int32_t c;
  for (c = 0; c + 3 < C; c += 4, wq += 18, rq2a += 16) {
    int32_t acc[4];
    uint32_t packed;
    acc[0] = rq2a[0];
    acc[1] = rq2a[4];
    acc[2] = rq2a[8];
    acc[3] = rq2a[12];
    dw_group9(tap, c, wq, acc);
    packed = ((uint32_t)dw_2a_sat8(acc[0], rq2a) & 0xFFu) | (((uint32_t)dw_2a_sat8(acc[1], rq2a + 4) & 0xFFu) << 8) |
             (((uint32_t)dw_2a_sat8(acc[2], rq2a + 8) & 0xFFu) << 16) | ((uint32_t)dw_2a_sat8(acc[3], rq2a + 12) << 24);
#if EG_QDSP_NATIVE
    {
      uint32_t ge;
      __asm__("ssub8 %1, %0, %2\n\t"
              "sel %0, %0, %2\n\t"
              "ssub8 %1, %3, %0\n\t"
              "sel %0, %0, %3"
              : "+r"(packed), "=&r"(ge)
              : "r"(lo4), "r"(hi4)
              : "cc");
    }
    memcpy(y + c, &packed, 4);
#else
    {
      int32_t k;
      const int32_t lo = (int32_t)(int8_t)(lo4 & 0xFFu), hi = (int32_t)(int8_t)(hi4 & 0xFFu);
      for (k = 0; k < 4; k++) y[c + k] = (int8_t)eg_q_clamp((int32_t)(int8_t)((packed >> (8 * k)) & 0xFFu), lo, hi);
    }
#endif
  }
}

void eg_qdepthwise3x3_i8_2a(const int8_t *x, const int8_t *w, int8_t *y, const int32_t *p, const int32_t *rq2a,
                            const uint32_t *wide2, const int8_t *pad) {
  const int32_t N = p[0], C = p[3], OH = p[4], OW = p[5], act_min = p[18], act_max = p[19];
  const uint32_t lo4 = eg_qdsp_bytes4(act_min), hi4 = eg_qdsp_bytes4(act_max);
  int32_t tap_offset[9];
  int32_t b, oy, ox, c, t;
  dw_tap_offsets(p, tap_offset);
  for (b = 0; b < N; b++)
    for (oy = 0; oy < OH; oy++)
      for (ox = 0; ox < OW; ox++) {
        const int8_t *tap[9];
        dw_taps(x, p, b, oy, ox, tap_offset, pad, tap);
        dw_groups_2a(tap, C, rq2a, wide2, lo4, hi4, y);
        /* Channels past the last group: the same sums, plainly (2 * x * w wraps as the doubled sum does). */
        for (c = C & ~3; c < C; c++) {
          int32_t acc2 = rq2a[4 * c];
          for (t = 0; t < 9; t++) acc2 = eg_q_wrap_add(acc2, 2 * (int32_t)tap[t][c] * (int32_t)w[t * C + c]);
          y[c] = (int8_t)eg_q_clamp(dw_2a_sat8(acc2, rq2a + 4 * c), act_min, act_max);
        }
        y += C;
      }
}

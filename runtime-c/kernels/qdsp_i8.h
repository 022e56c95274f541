#ifndef EGRET_QDSP_I8_H_
#define EGRET_QDSP_I8_H_
#include <string.h>
#include "egret.h"
#include "qfixed_i8.h"

/*
 * Armv7E-M DSP building blocks of the *_dsp int8 kernels, and the int8 GEMM they share.
 *
 * With __ARM_FEATURE_DSP (Cortex-M4/M7/M33...) the wrappers are single instructions (inline asm:
 * no dependency on arm_acle.h or CMSIS). Without it (host builds, Cortex-M0+) they are C that
 * computes the same 32-bit results, so host tests run exactly the blocking and packing that the
 * target runs. Packed words are little-endian (the byte at the lowest address is bits 0-7), the
 * order of Cortex-M and of the host; the portable readers assemble that order explicitly.
 */

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#if defined(__ARM_BIG_ENDIAN)
#error "the *_dsp kernels assume a little-endian Cortex-M"
#endif
#define EG_QDSP_NATIVE 1
#else
#define EG_QDSP_NATIVE 0
#endif

/*
 * The hand-scheduled loops (dot_2x2, the FC's 4-channel groups) need 14 allocatable core registers.
 * -O0 keeps r7 as the frame pointer and -Os keeps more values live, so there gcc rejects them
 * ("impossible constraints"); those builds, and any build defining EG_QDSP_NO_ASM_LOOPS (e.g. one
 * with -fno-omit-frame-pointer), run the C loops of the same wrappers instead: same results, more
 * instructions.
 */
#if EG_QDSP_NATIVE && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__) && !defined(EG_QDSP_NO_ASM_LOOPS)
#define EG_QDSP_ASM_LOOPS 1
#else
#define EG_QDSP_ASM_LOOPS 0
#endif

/* Four int8 (or two int16) at p as one word; p need not be aligned (Armv7-M LDR allows it). */
static inline uint32_t eg_qdsp_read4(const void *p) {
#if EG_QDSP_NATIVE
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
#else
  const uint8_t *b = (const uint8_t *)p;
  return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
#endif
}

/* Two int16 (lo, hi) as one word, lo in bits 0-15. */
static inline uint32_t eg_qdsp_pack16(int32_t lo, int32_t hi) {
  return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16);
}

/* Low and high signed halfwords of a word. */
static inline int32_t eg_qdsp_lo16(uint32_t v) { return (int32_t)(int16_t)(uint16_t)(v & 0xFFFFu); }
static inline int32_t eg_qdsp_hi16(uint32_t v) { return (int32_t)(int16_t)(uint16_t)(v >> 16); }

/* SXTB16: bytes 0 and 2 sign-extended into the two halfwords. */
static inline uint32_t eg_qdsp_sxtb16(uint32_t v) {
#if EG_QDSP_NATIVE
  uint32_t r;
  __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(v));
  return r;
#else
  return eg_qdsp_pack16((int32_t)(int8_t)(uint8_t)(v & 0xFFu), (int32_t)(int8_t)(uint8_t)((v >> 16) & 0xFFu));
#endif
}

/* SXTB16 of the word rotated right by 8: bytes 1 and 3 sign-extended. */
static inline uint32_t eg_qdsp_sxtb16_ror8(uint32_t v) {
#if EG_QDSP_NATIVE
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
#else
  return eg_qdsp_pack16((int32_t)(int8_t)(uint8_t)((v >> 8) & 0xFFu), (int32_t)(int8_t)(uint8_t)(v >> 24));
#endif
}

/*
 * SXTAB16: eg_qdsp_sxtb16(v) added halfword by halfword to `add` (two int16 lanes, each sum
 * wrapping modulo 2^16 like the instruction; the kernels keep it in range: int8 + an offset in
 * [-127, 128]). The _ror8 form takes bytes 1 and 3.
 */
static inline uint32_t eg_qdsp_sxtab16(uint32_t add, uint32_t v) {
#if EG_QDSP_NATIVE
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2" : "=r"(r) : "r"(add), "r"(v));
  return r;
#else
  const uint32_t e = eg_qdsp_sxtb16(v);
  return eg_qdsp_pack16(eg_qdsp_lo16(add) + eg_qdsp_lo16(e), eg_qdsp_hi16(add) + eg_qdsp_hi16(e));
#endif
}

static inline uint32_t eg_qdsp_sxtab16_ror8(uint32_t add, uint32_t v) {
#if EG_QDSP_NATIVE
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(add), "r"(v));
  return r;
#else
  const uint32_t e = eg_qdsp_sxtb16_ror8(v);
  return eg_qdsp_pack16(eg_qdsp_lo16(add) + eg_qdsp_lo16(e), eg_qdsp_hi16(add) + eg_qdsp_hi16(e));
#endif
}

/* SMLAD: acc + lo(a)*lo(b) + hi(a)*hi(b), wrapping modulo 2^32 like the instruction. */
static inline int32_t eg_qdsp_smlad(uint32_t a, uint32_t b, int32_t acc) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
#else
  const uint32_t lo = (uint32_t)(eg_qdsp_lo16(a) * eg_qdsp_lo16(b));
  const uint32_t hi = (uint32_t)(eg_qdsp_hi16(a) * eg_qdsp_hi16(b));
  return (int32_t)((uint32_t)acc + lo + hi);
#endif
}

/* Saturation to int16: the generic kernels' eg_q_clamp to [-32768, 32767], one SSAT natively (gcc emits none for the clamp). */
static inline int32_t eg_qdsp_sat16(int32_t v) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("ssat %0, #16, %1" : "=r"(r) : "r"(v));
  return r;
#else
  return eg_q_clamp(v, -32768, 32767);
#endif
}

/* SMLABB / SMLATT: acc + the product of the bottom (top) halfwords. */
static inline int32_t eg_qdsp_smlabb(uint32_t a, uint32_t b, int32_t acc) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smlabb %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_qdsp_lo16(a) * eg_qdsp_lo16(b)));
#endif
}

static inline int32_t eg_qdsp_smlatt(uint32_t a, uint32_t b, int32_t acc) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smlatt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_qdsp_hi16(a) * eg_qdsp_hi16(b)));
#endif
}

/* SMMLAR: k + floor((a * m + 2^31) / 2^32). The caller guarantees the sum fits int32. */
static inline int32_t eg_qdsp_smmlar(int32_t a, int32_t m, int32_t k) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(m), "r"(k));
  return r;
#else
  return k + (int32_t)(((int64_t)a * (int64_t)m + ((int64_t)1 << 31)) >> 32);
#endif
}

/*
 * TFLM's requantization of accumulator a, before the clamp, from acc2 = 2a (|a| < 2^30), m >= 0,
 * r >= 1 and k = 2^(r-1) + zero_point * 2^r: SMMLAR(2a, m, 0) is SRDHM(a, m) = floor((a * m +
 * 2^30) / 2^31); RoundingDivideByPOT by r is floor((h + 2^(r-1) - [h < 0]) / 2^r), where [h < 0]
 * may be replaced by [a < 0] (eg_qdsp_rq_fast); k adds 2^(r-1) and the output offset times 2^r.
 * So one SMMLAR, one SUB (the sign), one ASR. Every caller checks the conditions at compile time
 * (depthwise-rows-layout.ts, conv-dsp-pixel*.ts).
 */
static inline int32_t eg_qdsp_requant_2a(int32_t acc2, int32_t m, int32_t k, int32_t r) {
  return (eg_qdsp_smmlar(acc2, m, k) - (int32_t)((uint32_t)acc2 >> 31)) >> r;
}

/* SMLABT / SMLATB: acc + bottom(a) * top(b), acc + top(a) * bottom(b). */
static inline int32_t eg_qdsp_smlabt(uint32_t a, uint32_t b, int32_t acc) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smlabt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_qdsp_lo16(a) * eg_qdsp_hi16(b)));
#endif
}

static inline int32_t eg_qdsp_smlatb(uint32_t a, uint32_t b, int32_t acc) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smlatb %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(eg_qdsp_hi16(a) * eg_qdsp_lo16(b)));
#endif
}

/* SMUAD / SMULTB: products without an accumulator. */
static inline int32_t eg_qdsp_smuad(uint32_t a, uint32_t b) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smuad %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return (int32_t)((uint32_t)(eg_qdsp_lo16(a) * eg_qdsp_lo16(b)) + (uint32_t)(eg_qdsp_hi16(a) * eg_qdsp_hi16(b)));
#endif
}

static inline int32_t eg_qdsp_smultb(uint32_t a, uint32_t b) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("smultb %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return eg_qdsp_hi16(a) * eg_qdsp_lo16(b);
#endif
}

/* PKHBT: the int16 pair (lo, hi) as one word, lo in bits 0-15 (eg_qdsp_pack16 in one instruction). */
static inline uint32_t eg_qdsp_pkhbt(int32_t lo, int32_t hi) {
#if EG_QDSP_NATIVE
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
#else
  return eg_qdsp_pack16(lo, hi);
#endif
}

/* PKHTB: the high halves of lo and hi as one word, lo's in bits 0-15 (the pair (lo.hi, hi.hi)). */
static inline uint32_t eg_qdsp_pkhtb(uint32_t lo, uint32_t hi) {
#if EG_QDSP_NATIVE
  uint32_t r;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(hi), "r"(lo));
  return r;
#else
  return (hi & 0xFFFF0000u) | (lo >> 16);
#endif
}

/* Saturation to int8: the generic kernels' eg_q_clamp to [-128, 127], one SSAT natively. */
static inline int32_t eg_qdsp_sat8(int32_t v) {
#if EG_QDSP_NATIVE
  int32_t r;
  __asm__("ssat %0, #8, %1" : "=r"(r) : "r"(v));
  return r;
#else
  return eg_q_clamp(v, -128, 127);
#endif
}

/*
 * Requantization of GEMM outputs, exactly as the generic kernels: wrapping int32 bias add,
 * MultiplyByQuantizedMultiplier, output offset, clamp. The kernels start each accumulator at its
 * bias (int32 addition wraps, so the order of the terms cannot change the sum), so the per-output
 * step is multiply, offset, clamp. mult/shift are per channel unless per_channel is 0 (one pair for
 * all channels, QFullyConnected's per-tensor weights). `fast`, when not NULL, holds one
 * eg_qdsp_rq_entry per output channel (eg_qdsp_requant_prepare) and replaces mult/shift.
 */
typedef struct {
  int32_t mult;  /* multiplier, >= 0 */
  uint32_t c_lo; /* low and high words of 2^30 + 2^(30 + r), r = -shift in [1, 31] */
  int32_t c_hi;
  int32_t rs;    /* r - 1 */
} eg_qdsp_rq_entry;

typedef struct {
  const int32_t *bias; /* NULL: no bias */
  const eg_qdsp_rq_entry *fast; /* NULL: the eg_qdsp_mul path */
  const int32_t *mult;
  const int32_t *shift;
  int32_t per_channel;
  int32_t out_offset;
  int32_t act_min;
  int32_t act_max;
} eg_qdsp_requant;

/*
 * eg_q_mul (TFLite's double-rounding MultiplyByQuantizedMultiplier) for a multiplier >= 0, which is
 * what QuantizeMultiplier gives for a positive or zero scale (never INT32_MIN, so SRDHM's one
 * saturating case cannot occur), in half the instructions and with the same result:
 * - SRDHM: (a*m + nudge) / 2^31 truncated toward zero equals floor((a*m + 2^30) / 2^31) for both
 *   signs (for a*m < 0, v = a*m + 1 - 2^30 < 0 and trunc(v / 2^31) = floor((v + 2^31 - 1) / 2^31)).
 * - RoundingDivideByPOT by e >= 1 (half away from zero): floor((x + 2^(e-1) - [x < 0]) / 2^e),
 *   in 64 bits so that x near INT32_MAX cannot wrap.
 */
static inline int32_t eg_qdsp_mul(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  const int64_t ab = (int64_t)(int32_t)((uint32_t)x << left) * (int64_t)multiplier;
  const int32_t high = (int32_t)((ab + ((int64_t)1 << 30)) >> 31);
  if (right == 0) return high;
  return (int32_t)(((int64_t)high + ((int64_t)1 << (right - 1)) - (high < 0 ? 1 : 0)) >> right);
}

/*
 * eg_qdsp_mul for a right shift r in [1, 31] as ONE rounding of the 64-bit product P = a*m:
 * with h = floor((P + 2^30) / 2^31) (SRDHM above), floor((h + k) / 2^r) =
 * floor((P + 2^30 + k * 2^31) / 2^(31 + r)) for any integer k (nested floors of positive
 * divisors), and k = 2^(r-1) - [h < 0]. [h < 0] may be replaced by [a < 0]: they differ only when
 * h = 0, where floor((2^(r-1) - 1) / 2^r) = floor(2^(r-1) / 2^r) = 0. So the result is the high
 * word of P + 2^30 + 2^(30+r) - [a < 0] * 2^31, shifted right by r - 1: two SMLALs and an ASR
 * (|P| < 2^62 and the constant < 2^62: no 64-bit overflow).
 */
static inline int32_t eg_qdsp_rq_fast(int32_t acc, const eg_qdsp_rq_entry *e) {
#if EG_QDSP_NATIVE
  uint32_t lo = e->c_lo;
  int32_t hi = e->c_hi;
  __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"((uint32_t)acc >> 31), "r"(0x80000000u));
  __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(acc), "r"(e->mult));
  (void)lo;
  return hi >> e->rs;
#else
  const int64_t c = (int64_t)(((uint64_t)(uint32_t)e->c_hi << 32) | (uint64_t)e->c_lo);
  const int64_t v = c + (int64_t)acc * (int64_t)e->mult - (acc < 0 ? ((int64_t)1 << 31) : 0);
  return (int32_t)(v >> 32) >> e->rs;
#endif
}

/*
 * Fills `table` (channels entries) and sets rq->fast when every multiplier is >= 0 and every shift
 * in [-31, -1] (a real scale in (2^-32, 1/2): what conv and FC layers have); otherwise leaves
 * rq->fast NULL (the eg_qdsp_mul path). With per-tensor quantization the one pair is replicated.
 */
void eg_qdsp_requant_prepare(eg_qdsp_requant *rq, int32_t channels, eg_qdsp_rq_entry *table);

/* Output channel o of an accumulator that already includes the bias. */
static inline int8_t eg_qdsp_requant_acc(int32_t acc, const eg_qdsp_requant *rq, int32_t o) {
  int32_t v;
  if (rq->fast != NULL) {
    v = eg_qdsp_rq_fast(acc, rq->fast + o);
  } else {
    const int32_t ch = rq->per_channel ? o : 0;
    v = eg_qdsp_mul(acc, rq->mult[ch], rq->shift[ch]);
  }
  return (int8_t)eg_q_clamp(v + rq->out_offset, rq->act_min, rq->act_max);
}

/*
 * Four outputs at once on the fast path: channels o..o+3 of accumulators acc[0..3] (bias
 * included) into y[0..3] (any alignment), for a requantization with rq->fast set and
 * -128 <= act_min <= act_max <= 127 (eg_qdsp_requant4_ok). Natively each value is saturated to
 * int8 by SSAT (clamp(v, lo, hi) == clamp(ssat8(v), lo, hi) when [lo, hi] lies inside int8), the
 * four bytes are packed, and SSUB8/SEL clamp all four lanes to the activation range in 4
 * instructions; one 32-bit store. `lo4`/`hi4` are act_min/act_max replicated in each byte
 * (eg_qdsp_bytes4). Portable: eg_qdsp_requant_acc per output (the same values).
 */
static inline int32_t eg_qdsp_requant4_ok(const eg_qdsp_requant *rq) {
  return rq->fast != NULL && rq->act_min >= -128 && rq->act_min <= rq->act_max && rq->act_max <= 127;
}

static inline uint32_t eg_qdsp_bytes4(int32_t v) { return ((uint32_t)v & 0xFFu) * 0x01010101u; }

#if EG_QDSP_NATIVE
/*
 * One lane of eg_qdsp_requant4: eg_qdsp_rq_fast + out_offset, SSAT to int8. One asm block so that
 * gcc cannot interleave the four lanes (it then spills their operands). k80 holds 0x80000000.
 */
static inline uint32_t eg_qdsp_rq_byte(int32_t acc, const eg_qdsp_rq_entry *e, int32_t out_offset, uint32_t k80) {
  uint32_t lo, sign, m;
  int32_t hi;
  __asm__("ldrd %[lo], %[hi], [%[e], #4]\n\t"
          "lsrs %[sign], %[acc], #31\n\t"
          "ldr %[m], [%[e]]\n\t"
          "smlal %[lo], %[hi], %[sign], %[k80]\n\t"
          "smlal %[lo], %[hi], %[acc], %[m]\n\t"
          "ldr %[m], [%[e], #12]\n\t"
          "asrs %[hi], %[hi], %[m]\n\t"
          "add %[hi], %[hi], %[out]\n\t"
          "ssat %[hi], #8, %[hi]"
          : [lo] "=&r"(lo), [hi] "=&r"(hi), [sign] "=&r"(sign), [m] "=&r"(m)
          : [e] "r"(e), [acc] "r"(acc), [k80] "r"(k80), [out] "r"(out_offset)
          : "cc", "memory");
  return (uint32_t)hi & 0xFFu;
}

/*
 * Accumulators a0..a3 requantized on entries e0..e3 (eg_qdsp_rq_byte), packed a0 in bits 0-7, and
 * clamped to the activation range lane by lane: SSUB8 sets GE per byte, SEL keeps the larger
 * (then the smaller) of value and bound, 4 instructions for the four.
 */
static inline uint32_t eg_qdsp_rq_pack4(int32_t a0, int32_t a1, int32_t a2, int32_t a3, const eg_qdsp_rq_entry *e0,
                                        const eg_qdsp_rq_entry *e1, const eg_qdsp_rq_entry *e2, const eg_qdsp_rq_entry *e3,
                                        int32_t out, uint32_t lo4, uint32_t hi4) {
  const uint32_t k80 = 0x80000000u;
  uint32_t packed = eg_qdsp_rq_byte(a0, e0, out, k80), ge;
  packed |= eg_qdsp_rq_byte(a1, e1, out, k80) << 8;
  packed |= eg_qdsp_rq_byte(a2, e2, out, k80) << 16;
  packed |= eg_qdsp_rq_byte(a3, e3, out, k80) << 24;
  __asm__("ssub8 %1, %0, %2\n\t"
          "sel %0, %0, %2\n\t"
          "ssub8 %1, %3, %0\n\t"
          "sel %0, %0, %3"
          : "+r"(packed), "=&r"(ge)
          : "r"(lo4), "r"(hi4)
          : "cc");
  return packed;
}
#endif

static inline void eg_qdsp_requant4(const int32_t acc[4], const eg_qdsp_requant *rq, int32_t o, uint32_t lo4, uint32_t hi4,
                                    int8_t *y) {
#if EG_QDSP_NATIVE
  const eg_qdsp_rq_entry *e = rq->fast + o;
  const uint32_t packed = eg_qdsp_rq_pack4(acc[0], acc[1], acc[2], acc[3], e, e + 1, e + 2, e + 3, rq->out_offset, lo4, hi4);
  memcpy(y, &packed, 4);
#else
  int32_t k;
  (void)lo4;
  (void)hi4;
  for (k = 0; k < 4; k++) y[k] = eg_qdsp_requant_acc(acc[k], rq, o + k);
#endif
}

/*
 * Requantizes a 2x2 block's sums (s: row 0 ch o, row 0 ch o + 1, row 1 ch o, row 1 ch o + 1) into
 * y0[o], y0[o + 1], y1[o], y1[o + 1]. `four` (eg_qdsp_requant4_ok) natively takes eg_qdsp_requant4's
 * path: 4 lanes of 9 instructions, one SSUB8/SEL clamp of all four, two halfword stores; otherwise
 * (and portably) eg_qdsp_requant_acc per output, the same values.
 */
static inline void eg_qdsp_requant_2x2(const int32_t s[4], const eg_qdsp_requant *rq, int32_t o, int32_t four, uint32_t lo4,
                                       uint32_t hi4, int8_t *y0, int8_t *y1) {
#if EG_QDSP_NATIVE
  if (four) {
    const eg_qdsp_rq_entry *e = rq->fast + o;
    const uint32_t packed = eg_qdsp_rq_pack4(s[0], s[1], s[2], s[3], e, e + 1, e, e + 1, rq->out_offset, lo4, hi4);
    uint16_t half = (uint16_t)packed;
    memcpy(y0 + o, &half, 2);
    half = (uint16_t)(packed >> 16);
    memcpy(y1 + o, &half, 2);
    return;
  }
#else
  (void)four;
  (void)lo4;
  (void)hi4;
#endif
  y0[o] = eg_qdsp_requant_acc(s[0], rq, o);
  y0[o + 1] = eg_qdsp_requant_acc(s[1], rq, o + 1);
  y1[o] = eg_qdsp_requant_acc(s[2], rq, o);
  y1[o + 1] = eg_qdsp_requant_acc(s[3], rq, o + 1);
}

/* The bias of output channel o (0 without bias): the start of its accumulator. */
static inline int32_t eg_qdsp_bias(const eg_qdsp_requant *rq, int32_t o) { return rq->bias != NULL ? rq->bias[o] : 0; }

/*
 * GEMM operand buffers. One or two rows of K int16 values (x + offset, in [-255, 255]; 0 for
 * padding) in the order the GEMM reads them: K is split into `full` = K & ~3 leading values in
 * groups of 4 and a tail of K % 4. Each group is stored (v0, v2, v1, v3), so that its two words pair
 * with SXTB16 and SXTB16-ror-8 of the matching 4 weight bytes; with two rows ("lanes") the groups
 * of the two rows alternate (row 0 group g, row 1 group g, ...) so that one pointer walks both.
 * Tails follow the groups, row 0's then row 1's, in order. Buffer: lanes * K int16.
 * `at` is the position of src[0] in the row (a row may be filled in pieces: one im2col tap at a time).
 */
void eg_qdsp_widen(const int8_t *src, int32_t k, int32_t at, int32_t row_len, int32_t lane, int32_t lanes,
                   int32_t offset, int16_t *buf);
/* Writes k zeros at positions at..at+k-1 of row `lane`. */
void eg_qdsp_zero(int32_t k, int32_t at, int32_t row_len, int32_t lane, int32_t lanes, int16_t *buf);

/*
 * y_r[o] = requant(sum_k w[o*K + k] * a_r[k]) for o < O and the `lanes` (1 or 2) rows of buf, the
 * outputs of row 1 at y1. 2 rows x 2 output channels per step with two rows, 1 x 2 with one;
 * 4 k per SMLAD pair; an odd last channel and the k % 4 tail take narrower paths over the same sums.
 */
void eg_qdsp_gemm_i8(const int16_t *buf, int32_t lanes, int32_t K, const int8_t *w, int32_t O,
                     const eg_qdsp_requant *rq, int8_t *y0, int8_t *y1);

#endif

#ifndef EGRET_QDEPTHWISE_I8_ROWS_H_
#define EGRET_QDEPTHWISE_I8_ROWS_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * int8 depthwise convolution (depth multiplier 1; any kernel size, stride, padding, dilation
 * across rows, dilation 1 along them) for Armv7E-M on channel-planar int16 rows, bit-exact with
 * eg_qdepthwise_i8 under the compile-time conditions the compiler checks (depthwise-rows-layout.ts:
 * every |accumulator| < 2^30, right shifts >= 1, |K| < 2^30 - 1).
 * The layer comes in the orientation it runs (p, below): the compiler may swap the image axes so
 * that rows are the longer axis (kws's 25x5 maps run as 5 rows of 25).
 *
 * Per channel, a ring of R = (KH - 1) * DH + 1 input rows is built once per input row: WP int16
 * columns from input column -padLeft, the input zero point in padded columns and rows. The input
 * offset is folded into the bias at compile time (bias + offset * sum(w)), so a padded tap adds
 * w * zp - w * zp = 0: no border case. Two taps of ONE channel along a row are one word, one
 * SMLAD does both. Scratch: R * WP * 2 bytes (4-byte aligned).
 *
 * wpk: per channel, per kernel row, WS = NE + NO words of weight pairs, doubled (2w: the
 * accumulator is 2a, and SMMLAR(2a, m) is TFLM's SRDHM(a, m)): the NE = ceil(KW / 2) even pairs
 * (w[2j], w[2j + 1]) (0 past KW), then the NO = KW / 2 + 1 odd pairs (w[2j - 1], w[2j]) (0 outside
 * the kernel) that give the next output from the same aligned words at stride 1; for 3x3 at
 * stride 1 (dilation 1) only WS = 2 words, (w0, w1) and (w1, w2), the ones its loop reads.
 * rqc: per channel 2 * folded bias, m, K = 2^(r-1) + y_offset * 2^r, r (the right shift).
 * four: one channel's rows outside the 3x3 stride-1 loops, four outputs at a time
 * (eg_qdepthwise_i8_rows_k's signature, qdepthwise_i8_rows_k.h), tried first on every such
 * channel; it returns 1 when it wrote the channel, 0 when this kernel's own loops must. NULL:
 * never. The emitter passes eg_qdepthwise_i8_rows_k only to layers it runs, so that a program
 * without such a layer (kws, person_detect: 3x3 only) neither references nor links its code.
 */
/*
 * Whether a channel's requantization words (K, r: rowsRequantWords) have the SMMLAR-ASR-SSAT form
 * of the four-output row loops (qdepthwise_i8_rows_k.c, qdepthwise_i8_rows_plane.c): K - 2^(r-1) =
 * zp * 2^r exactly, and the SSAT clamp equals the int8 range only for an output zero point
 * zp <= -128 (an exact division: no shift of a negative value). |K| < 2^30 keeps r <= 30
 * (depthwise-rows-layout.ts), which also guarantees 1 <= r (the callers test what their own
 * shifts need).
 */
static inline int32_t eg_qdepthwise_i8_rows_ssat_ok(int32_t k, int32_t r) {
  return (k - ((int32_t)1 << (r - 1))) / ((int32_t)1 << r) <= -128;
}

typedef int32_t (*eg_rows_four_fn)(const int8_t *xc, const int32_t *p, const uint32_t *wk, const int32_t *e, int8_t *yc, int16_t *scratch,
                                   int32_t fresh);
void eg_qdepthwise_i8_rows(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch,
                           eg_rows_four_fn four);

#endif

#ifndef EGRET_QDEPTHWISE_I8_ROWS_H_
#define EGRET_QDEPTHWISE_I8_ROWS_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * int8 depthwise convolution (depth multiplier 1, horizontal dilation 1; any kernel size, stride,
 * vertical dilation, padding) for Armv7E-M on channel-planar int16 rows, bit-exact with
 * eg_qdepthwise_i8 under the compile-time conditions checked by backends/cortex-m/ops/
 * depthwise-rows.ts (every |accumulator| < 2^30, right shifts 1..22).
 *
 * For a group of G channels, a ring of R = (KH - 1) * DH + 1 input rows is built once per input
 * row: channel k of row slot s at scratch[(s * G + k) * WP], WP int16 columns starting at input
 * column -padLeft, x as int16 with padded columns (and rows) holding the input zero point. The
 * input offset is folded into the bias at compile time (bias + offset * sum(w)), so a padded tap
 * adds w * zp - w * zp = 0: no border case. Two taps of ONE channel along x are one word, so one
 * SMLAD does two MACs. Scratch: R * G * WP * 2 bytes.
 *
 * wpk: per channel, per kernel row, WS = NE + NO words of weight pairs, doubled (2w, so that the
 * accumulator is 2a and SMMLAR gives SRDHM exactly): the NE = ceil(KW / 2) "even" pairs
 * (w[2j], w[2j + 1]) (0 past KW), then the NO = KW / 2 + 1 "odd" pairs (w[2j - 1], w[2j]) (0
 * outside the kernel) that give the next output from the same aligned words (stride 1).
 * rqc: per channel bias2 (2 * folded bias), m, K = 2^(r-1) + y_offset * 2^r, r (right shift).
 * p: eg_qconv2d_i8's layout (qconv_i8.h), then G, R, WP.
 */
void eg_qdepthwise_i8_rows(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch);

#endif

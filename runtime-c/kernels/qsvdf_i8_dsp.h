#ifndef EGRET_QSVDF_I8_DSP_H_
#define EGRET_QSVDF_I8_DSP_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * TFLite's integer SVDF with int16 state for Armv7E-M, bit-exact with eg_qsvdf_state_i16 and
 * eg_qsvdf_output_i16 (qsvdf_i8.h; same parameter arrays). No scratch.
 *
 * eg_qsvdf_state_i16_dsp: the shift by one element is one pass of word loads (state + 1 is
 * read unaligned, which Armv7-M LDR allows) that stores each word twice, into the state and into
 * `out`, instead of a memmove plus a memcpy. The feature dot products take 4 filters per pass over
 * x: each x word is widened once with the zero point folded in (two SXTAB16) and feeds 4 filters'
 * SMLAD pairs (int32 sums wrap like the generic kernel's, so the order of the terms cannot change
 * them).
 *
 * eg_qsvdf_output_i16_dsp: the `rank` filters of a unit are adjacent rows of weights_time and of
 * the state, so a unit's sum is one dot product of rank * M int16 pairs (SMLAD, 2 MACs each);
 * a non-zero state zero point is taken out as s_zp * sum(weights_time) (also by SMLAD).
 *
 * `rq`: the requantization entry of the op (requant-table.ts, computed at compile time), or NULL
 * when its shift is outside [-31, -1]; then the multiplier/shift of p take eg_qdsp_mul.
 */
void eg_qsvdf_state_i16_dsp(const int8_t *x, const int8_t *w, int16_t *state, int16_t *out, const int32_t *p,
                            const eg_qdsp_rq_entry *rq);
void eg_qsvdf_output_i16_dsp(const int16_t *s, const int16_t *wt, const int32_t *bias, int8_t *y, const int32_t *p,
                             const eg_qdsp_rq_entry *rq);

#endif

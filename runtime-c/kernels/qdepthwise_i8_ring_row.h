#ifndef EGRET_QDEPTHWISE_I8_RING_ROW_H_
#define EGRET_QDEPTHWISE_I8_RING_ROW_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * The input columns of one channel's int16 ring row (eg_qdepthwise_i8_rows's layout,
 * qdepthwise_i8_rows.h): n >= 0 int8 values from src, `step` bytes apart, into d[0..n-1]. d is in
 * a 4-byte aligned ring row at an even or odd column: one int16 store to reach an even column,
 * then words of two columns, two LDRSB and a PKHBT each, eight columns an iteration (18
 * instructions on Armv7E-M: about 2.3 a column with the loop). The padding columns around them
 * are the caller's: qdepthwise_i8_rows_k.c sets them to the input zero point once per channel,
 * so that its rows, which build SH ring rows for every output row, spend little besides their sums.
 */
void eg_qdepthwise_i8_ring_body(const int8_t *src, int32_t step, int16_t *d, int32_t n);

/*
 * Two input rows at once (src and src + in_row) into d0 and d1, rows of the ring at the same
 * column (so equally aligned): eg_qdepthwise_i8_ring_body of each, one call and loop for both
 * (stride-2 rows build two ring rows an output row).
 */
void eg_qdepthwise_i8_ring_body2(const int8_t *src, size_t in_row, int32_t step, int16_t *d0, int16_t *d1, int32_t n);

#if EG_QDSP_ASM_LOOPS
/*
 * Four columns of one input row (source pointer operand p, `step` bytes apart in operand st, 3 x
 * step in st3) as two words of int16 pairs at destination operand d, both pointers moved on: 4
 * LDRSB, ADD, 2 PKHBT, STRD (8 instructions). Operands a, b, c, e are scratch registers. Shared by
 * the ring builds (qdepthwise_i8_ring_row.c) and the stride-2 plane's (qdepthwise_i8_plane_build.c).
 */
#define EG_RING_FOUR_ASM(p, d)                                                                                         \
  "ldrsb %[a], [%[" #p "]]\n\tldrsb %[b], [%[" #p "], %[st]]\n\tldrsb %[c], [%[" #p "], %[st], lsl #1]\n\t"         \
  "ldrsb %[e], [%[" #p "], %[st3]]\n\tadd %[" #p "], %[" #p "], %[st], lsl #2\n\tpkhbt %[a], %[a], %[b], lsl #16\n\t" \
  "pkhbt %[c], %[c], %[e], lsl #16\n\tstrd %[a], %[c], [%[" #d "]], #8\n\t"
#endif

/* n (even) int16 from d (4-byte aligned) set to zp: a channel's ring, or a padding row of it. */
void eg_qdepthwise_i8_ring_fill(int16_t *d, int32_t n, int16_t zp);

#endif

#ifndef EGRET_QCONV_I8_DSP_ROWS_H_
#define EGRET_QCONV_I8_DSP_ROWS_H_
#include "egret.h"
#include "qdsp_i8.h"

/*
 * eg_qconv2d_i8_dsp_w16 for layers whose channel count is not a multiple of 4 (first layers:
 * C = 1 or 3), where the tap-by-tap im2col costs more than the GEMM. The column of an output pixel
 * is gathered as int8, one kernel row at a time: a row inside the input is KW * C contiguous
 * bytes (dilation 1 along W), clipped at the left/right edges, with the input zero point where
 * the window leaves the input (it widens to 0, as padding must); rows above/below the input are
 * all zero point. The column is then padded with the zero point to K4 = K rounded up to a
 * multiple of 4 and widened in one pass (4 values per SXTAB16 pair), so the GEMM sees K4 in
 * whole groups, without the K % 4 tail path. Output pixel coordinates advance incrementally.
 *
 * w16: the widened weights (qconv_i8_dsp_w16.h's layout) of the weights padded with zeros to K4
 * per output channel (row stride K4). Same p layout (qconv_i8.h), table as qconv_i8_dsp_tab.h.
 * Any stride, padding and dilation (dilation along W > 1 gathers tap by tap). Same results, bit
 * for bit, as eg_qconv2d_i8. scratch: 5 * K4 bytes (two int16 columns, one int8 staging column).
 */
void eg_qconv2d_i8_dsp_rows(const int8_t *x, const int16_t *w16, const int32_t *bias, int8_t *y, const int32_t *p,
                            const eg_qdsp_rq_entry *table, const int32_t *mult, const int32_t *shift, void *scratch);

#endif

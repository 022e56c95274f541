#ifndef EGRET_QDEPTHWISE_I8_ROWS_TILES_H_
#define EGRET_QDEPTHWISE_I8_ROWS_TILES_H_
#include "egret.h"
#include "qdepthwise_i8_rows.h"

/*
 * eg_qdepthwise_i8_rows (qdepthwise_i8_rows.h) on a 3x3 stride-1 layer whose rows are too long for
 * a ring within CMSIS-NN's scratch (person_detect's 48x48x8 Conv2d_1: 3 x 52 int16 = 312 B against
 * 144 B): the output columns run in tiles of TW (the last one narrower), each tile a layer of its
 * own for eg_qdepthwise_i8_rows, so its ring holds TW + 2 columns plus the pair loops' overrun
 * (WP = TW + 3 rounded up to even). The two halo columns between tiles are built twice.
 * p: rowsParams (25 entries: the last is TW; p[17] is the tile's WP). Every other argument as
 * eg_qdepthwise_i8_rows takes it; scratch: 3 * WP int16.
 */
void eg_qdepthwise_i8_rows_tiles(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch,
                                 eg_rows_four_fn four);

#endif

#include "qdepthwise_i8_rows_tiles.h"

/* The entries of p (rowsParams) a tile changes: W, OW, padLeft, WP; eg_qdepthwise_i8_rows reads 24. */
#define TILE_PARAMS 24

void eg_qdepthwise_i8_rows_tiles(const int8_t *x, const uint32_t *wpk, const int32_t *rqc, int8_t *y, const int32_t *p, int16_t *scratch,
                                 eg_rows_four_fn four) {
  const int32_t W = p[2], OW = p[5], padLeft = p[12], in_col = p[19], out_col = p[21], TW = p[24];
  int32_t t[TILE_PARAMS], i, ox0;
  for (i = 0; i < TILE_PARAMS; i++) t[i] = p[i];
  for (ox0 = 0; ox0 < OW; ox0 += TW) {
    /* The tile's ring column 0 is input column start = ox0 - padLeft (stride 1). */
    const int32_t start = ox0 - padLeft, ow = OW - ox0 < TW ? OW - ox0 : TW, need = ow + 3;
    const int32_t skip = start > 0 ? start : 0; /* input columns left of the tile's first one read */
    t[2] = W - skip;                            /* columns right of the tile stay real input: its halo */
    t[5] = ow;
    t[12] = skip > 0 ? 0 : -start;
    t[17] = need + (need & 1); /* <= p[17] since ow <= TW: the last tile builds only what it reads */
    eg_qdepthwise_i8_rows(x + (size_t)skip * (size_t)in_col, wpk, rqc, y + (size_t)ox0 * (size_t)out_col, t, scratch, four);
  }
}

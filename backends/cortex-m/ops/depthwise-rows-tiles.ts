import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { cmsisDepthwiseScratch, isRows3x3, oriented, rowsGeometry, type RowsGeometry } from "./depthwise-rows-layout.js";

/**
 * Column tiles of eg_qdepthwise_i8_rows (qdepthwise_i8_rows_tiles.c) for 3x3 stride-1 layers whose
 * whole rows need a ring larger than CMSIS-NN's scratch (wide maps with few channels: person_detect's
 * 48x48x8 Conv2d_1 asks 312 B against 144 B). A tile of TW output columns reads TW + 2 input
 * columns; the pair loops read one more, so its ring row has WP = TW + 3 rounded up to even, and
 * the ring R = 3 rows: 6 * WP bytes <= 2 * C * 9. Pure functions of the layer's shape.
 */

/** The fewest tiles that fit, each TW a multiple of 4 where that still fits (the four-output loop has no tail). */
function tiledRing(p: ConvPlan, transposed: boolean): RowsGeometry | undefined {
  const o = oriented(p, transposed);
  if (!isRows3x3(o) || o.sh !== 1 || o.dw !== 1) return undefined;
  const maxWp = Math.floor(cmsisDepthwiseScratch(p) / 6) & ~1;
  const maxTw = maxWp - 3;
  if (maxTw < 4) return undefined;
  const tiles = Math.ceil(o.ow / maxTw);
  const even = Math.ceil(o.ow / tiles);
  const quad = 4 * Math.ceil(even / 4);
  const tileWidth = quad <= maxTw ? quad : even;
  const need = Math.min(tileWidth, o.ow) + 3;
  const wp = need + (need & 1);
  return { transposed, r: 3, wp, scratchBytes: 6 * wp, tileWidth };
}

/**
 * The layer's ring (rowsGeometry) or, when no orientation's whole rows fit CMSIS-NN's scratch,
 * its column tiles along the longer output axis; else rowsGeometry's reason.
 */
export function rowsLayout(p: ConvPlan): RowsGeometry | string {
  const whole = rowsGeometry(p);
  if (typeof whole !== "string" || p.dtype !== "int8" || p.cg !== 1) return whole;
  return tiledRing(p, p.oh > p.ow) ?? tiledRing(p, p.oh <= p.ow) ?? whole;
}

/** Tiles per channel row (1 for whole rows). */
export function rowsTilesPerRow(p: ConvPlan, g: RowsGeometry): number {
  return Math.ceil(oriented(p, g.transposed).ow / g.tileWidth);
}
